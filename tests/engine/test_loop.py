"""course.engine.loop: fit, on one device or split across replicas.

The oracles: Keras's own model.fit, the same steps run one at a time, a NumPy recomputation of the
metrics, the one-device loop for the replicas, and the event files a diverging run leaves behind."""
import numpy as np
import pytest

from course import training
from course.core.config import Config
from course.core.datasets import blobs, from_arrays, iris, load, moons
from course.core.models import mlp, perceptron, softmax_classifier
from course.core.runtime import keras
from course.core.step import loss_for
from course.engine.loop import fit
from course.engine.records import Observer, Recorder
from course.reference.forward import layers_from_keras, predict
from course.reference.losses import binary_cross_entropy
from course.tensorboard.logger import RunLogger
from tests.helpers import read_events, text


def _final_weights(seed, eager=False, optimizer="sgd"):
    model = mlp(2, hidden=(4,), seed=seed)
    history = fit(model, moons(seed=seed, n_samples=200),
                  Config(epochs=2, batch_size=16, seed=seed, eager=eager, optimizer=optimizer))
    return [w.copy() for w in model.get_weights()], history


def test_same_seed_same_weights_and_history_other_seed_differs():
    a, ha = _final_weights(3)
    b, hb = _final_weights(3)
    c, _ = _final_weights(4)
    for wa, wb in zip(a, b):
        np.testing.assert_array_equal(wa, wb)
    assert ha.loss == hb.loss and ha.val_accuracy == hb.val_accuracy
    assert not np.array_equal(a[0], c[0])


def test_eager_and_compiled_steps_agree():
    compiled, hc = _final_weights(5, optimizer="adam")
    eager, he = _final_weights(5, eager=True, optimizer="adam")
    for wc, we in zip(compiled, eager):
        np.testing.assert_allclose(wc, we, atol=1e-5)
    np.testing.assert_allclose(hc.loss, he.loss, atol=1e-5)


def test_history_metrics_equal_a_recomputation():
    ds = blobs(seed=0, n_samples=100)
    model = perceptron(2, seed=0)
    history = fit(model, ds, Config(epochs=3, batch_size=20, learning_rate=0.5))
    assert history.epoch == [1, 2, 3] and history.steps == 3 * 4 and history.stopped == ""
    p = predict(ds.x_val, layers_from_keras(model)).reshape(-1)          # NumPy forward pass
    val_accuracy = np.mean((p >= 0.5) == ds.y_val)
    bce = -np.mean(ds.y_val * np.log(p) + (1 - ds.y_val) * np.log(1 - p))
    assert history.val_accuracy[-1] == pytest.approx(val_accuracy, abs=1e-6)
    assert history.val_loss[-1] == pytest.approx(bce, abs=1e-5)
    final = history.final()
    assert final["epoch"] == 3
    assert final["val_accuracy"] == pytest.approx(val_accuracy, abs=1e-6)
    assert final["val_loss"] == pytest.approx(bce, abs=1e-5)


@pytest.mark.trained
def test_softmax_model_trains_on_iris(trained_seed, claim):
    ds = iris(seed=trained_seed)
    model = softmax_classifier(4, 3, seed=trained_seed)
    history = fit(model, ds, Config(epochs=30, learning_rate=0.05, optimizer="adam", batch_size=16, seed=trained_seed))
    predicted = predict(ds.x_val, layers_from_keras(model)).argmax(axis=1)
    assert history.val_accuracy[-1] == pytest.approx(np.mean(predicted == ds.y_val), abs=1e-6)
    # against scikit-learn's LogisticRegression on the same split: 30 iris examples make some splits hard for both
    from sklearn.linear_model import LogisticRegression
    yardstick = LogisticRegression(max_iter=5000).fit(ds.x_train, ds.y_train).score(ds.x_val, ds.y_val)
    claim("iris validation accuracy (Adam, 30 epochs) - LogisticRegression's", history.val_accuracy[-1] - yardstick,
          ">=", -0.1)
    claim("first epoch's loss - last epoch's", history.loss[0] - history.loss[-1], ">", 0)


class Watcher(Observer):
    def __init__(self, steps):
        self.full_steps, self.records, self.epochs, self.begun, self.ended = steps, [], [], None, None

    def on_train_begin(self, model, config, names, initial):
        self.begun = (names, [w.copy() for w in initial])

    def on_step(self, record):
        self.records.append(record)

    def on_epoch_end(self, record):
        self.epochs.append(record)

    def on_train_end(self, history):
        self.ended = history


def test_observers_see_before_gradient_after_and_per_step_series():
    ds = blobs(seed=0, n_samples=100)
    model = perceptron(2, seed=0)
    rec = Watcher(steps=2)
    history = fit(model, ds, Config(epochs=2, batch_size=40, learning_rate=0.1), observers=[rec])
    assert [r.step for r in rec.records] == [1, 2]
    first = rec.records[0]
    assert first.names == ["output/kernel", "output/bias"]
    assert (first.epoch, first.batch, first.batches_per_epoch, first.optimizer) == (1, 1, 2, "sgd")
    np.testing.assert_array_equal(first.before[0], rec.begun[1][0])
    for w0, g, w1 in zip(first.before, first.grads, first.after):
        np.testing.assert_allclose(w1, w0 - 0.1 * g, atol=1e-7)
    np.testing.assert_array_equal(rec.records[1].before[0], first.after[0])
    # the first step from scratch: fit's first batch is rows permutation(80)[:40] of a seed-0 generator
    rows = np.random.default_rng(0).permutation(80)[:40]
    x, y = ds.x_train[rows].astype(np.float64), ds.y_train[rows]
    w, b = first.before[0].astype(np.float64), first.before[1].astype(np.float64)
    p = (1 / (1 + np.exp(-(x @ w + b)))).ravel()
    assert first.loss == pytest.approx(binary_cross_entropy(y, p), abs=1e-6)
    np.testing.assert_allclose(first.grads[0].ravel(), ((p - y)[:, None] * x).mean(axis=0), atol=1e-6)
    assert [e.epoch for e in rec.epochs] == [1, 2]
    assert rec.epochs[0].step_loss.shape == (2,)        # 80 training examples / 40 per batch
    assert rec.epochs[1].first_step == 3
    assert rec.epochs[0].step_params.shape == (2, 3)    # small model: every parameter, every step
    np.testing.assert_allclose(rec.epochs[0].step_params[0], np.concatenate([a.ravel() for a in first.after]))
    assert rec.epochs[0].step_loss[0] == pytest.approx(binary_cross_entropy(y, p), abs=1e-6)
    assert rec.ended is history


def test_an_interruption_hands_the_finished_steps_to_the_observers_then_goes_on():
    class StopAt(Observer):
        full_steps = 3

        def __init__(self):
            self.epochs, self.ended = [], None

        def on_step(self, record):
            if record.step == 3:
                raise KeyboardInterrupt

        def on_epoch_end(self, record):
            self.epochs.append(record)

        def on_train_end(self, history):
            self.ended = history

    ds = blobs(seed=0, n_samples=100)                       # 2 steps of 40 an epoch
    watcher, recorder = StopAt(), Recorder()
    with pytest.raises(KeyboardInterrupt):
        fit(perceptron(2, seed=0), ds, Config(epochs=5, batch_size=40), observers=[recorder, watcher])
    assert [(e.epoch, e.complete, len(e.step_loss)) for e in watcher.epochs] == [(1, True, 2), (2, False, 1)]
    assert watcher.ended.stopped == "interrupted at step 3 (epoch 2)" and watcher.ended.steps == 3
    assert watcher.ended.stopped_at == 3
    assert watcher.ended.epoch == [1]
    assert np.isnan(watcher.epochs[-1].loss)                 # a partial epoch has no epoch metrics
    # the recorder (listed first) saw the same: 3 finished steps, each a weight vector
    assert recorder.path().shape == (4, 3)


def test_divergence_stops_training_and_says_so():
    ds = blobs(seed=0, n_samples=100)
    model = mlp(2, hidden=(8,), activation="relu", seed=0)
    history = fit(model, ds, Config(epochs=5, batch_size=20, learning_rate=1e30))
    assert history.stopped.startswith("diverged at step ") and history.diverged
    assert "lower the learning rate (--learning-rate), e.g. ten times smaller" in history.stopped
    assert len(history.epoch) < 5


def test_divergence_stops_at_the_step_names_the_variable_and_keeps_the_log(tmp_path):
    ds = blobs(seed=0, n_samples=100)
    model = mlp(2, hidden=(8,), activation="relu", seed=0)
    logger = RunLogger(tmp_path / "run")
    history = fit(model, ds, Config(epochs=5, batch_size=20, learning_rate=1e30), observers=[logger])
    logger.close()
    assert history.diverged
    step = int(history.stopped.split("diverged at step ")[1].split(" ")[0])
    assert history.steps == step - 1 and history.stopped_at == step   # the NaN step itself is not counted or logged
    assert "the gradients of hidden_1/kernel, hidden_1/bias, output/kernel, output/bias are not finite" in history.stopped
    assert f"(epoch {(step - 1) // 4 + 1}, batch {(step - 1) % 4 + 1})" in history.stopped     # 4 batches an epoch
    train = read_events(tmp_path / "run" / "train")
    logged = [s for s, _ in train.get("batch_loss", [])]
    assert logged == list(range(1, step))             # every finite step up to the divergence, readable
    assert all(np.isfinite(v) for _, v in train.get("batch_loss", []))
    assert text(train, "run/stopped") == history.stopped
    assert train["run/stopped"][0][0] == step          # at the step it names


class AllSteps(Observer):
    full_steps = 10**9      # every step one at a time, with host copies: the slow, plain path


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_the_compiled_epoch_gives_bit_identical_weights_to_the_step_by_step_loop(optimizer):
    ds = moons(seed=0, n_samples=300)
    fast, slow = mlp(2, hidden=(8,), seed=1), mlp(2, hidden=(8,), seed=1)
    config = Config(epochs=3, batch_size=32, learning_rate=0.05, optimizer=optimizer)
    h_fast = fit(fast, ds, config)
    h_slow = fit(slow, ds, config, observers=[AllSteps()])
    for a, b in zip(fast.get_weights(), slow.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert h_fast.loss == h_slow.loss and h_fast.val_accuracy == h_slow.val_accuracy


@pytest.mark.parametrize("build, labels", [
    (lambda: mlp(2, hidden=(8,), activation="tanh", seed=2), "binary"),
    (lambda: softmax_classifier(2, 3, hidden=(6,), seed=3), "three"),
])
def test_one_sgd_epoch_without_shuffling_equals_keras_model_fit(build, labels):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(100, 2))
    y = (x[:, 0] > 0).astype(int) if labels == "binary" else np.digitize(x[:, 0], [-0.5, 0.5])
    ds = from_arrays("toy", x, y, seed=0)
    ours, theirs = build(), build()
    theirs.set_weights(ours.get_weights())
    fit(ours, ds, Config(epochs=1, batch_size=16, learning_rate=0.1, shuffle=False))
    theirs.compile(optimizer=keras.optimizers.SGD(0.1), loss=loss_for(theirs))
    target = ds.y_train.reshape(-1, 1).astype("float32") if labels == "binary" else ds.y_train
    theirs.fit(ds.x_train, target, batch_size=16, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)
    assert not np.allclose(ours.get_weights()[0], build().get_weights()[0])   # it did train


def test_the_graph_of_the_compiled_step_reaches_observers_that_ask():
    class Graphs(Observer):
        wants_graph = True

        def __init__(self):
            self.graphs = []

        def on_graph(self, graph):
            self.graphs.append(graph)

    ds = blobs(seed=0, n_samples=100)
    compiled, eager = Graphs(), Graphs()
    fit(perceptron(2), ds, Config(epochs=1, batch_size=40), observers=[compiled])
    fit(perceptron(2), ds, Config(epochs=1, batch_size=40, eager=True), observers=[eager])
    assert eager.graphs == []                                       # eager steps have no graph
    (graph,) = compiled.graphs
    ops = {op.type for op in graph.get_operations()}
    assert {"MatMul", "Sigmoid", "AssignSubVariableOp"} <= ops     # forward pass and w <- w - lr * g


# --- the same loop split across two replicas (two logical CPUs, see conftest.py) ------------------

def _one_device_and_two_replicas(two_replicas, hidden, full_steps):
    ds = load("moons", seed=0)
    config = Config(epochs=2, learning_rate=0.5, batch_size=48, seed=3)   # 800 = 16 x 48 + 32
    plain = mlp(2, hidden=hidden, seed=3)
    with two_replicas.scope():
        mirrored = mlp(2, hidden=hidden, seed=3)
    records = Recorder(full_steps=full_steps), Recorder(full_steps=full_steps)
    h_plain = fit(plain, ds, config, observers=[records[0]])
    h_mirrored = fit(mirrored, ds, config, observers=[records[1]])   # fit finds the strategy
    np.testing.assert_allclose(np.concatenate([w.ravel() for w in mirrored.get_weights()]),
                               np.concatenate([w.ravel() for w in plain.get_weights()]), atol=1e-6)
    assert h_mirrored.steps == h_plain.steps == 2 * 17
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        np.testing.assert_allclose(getattr(h_mirrored, key), getattr(h_plain, key), atol=1e-6)
    np.testing.assert_allclose(records[1].step_losses(), records[0].step_losses(), atol=1e-6)
    for a, b in zip(records[0].steps, records[1].steps):                          # the traced steps in full
        assert (a.step, a.batch) == (b.step, b.batch)
        for ga, gb in zip(a.grads, b.grads):
            np.testing.assert_allclose(ga, gb, atol=1e-6)
    return records


def test_two_replicas_train_with_the_same_numbers_as_one_device(two_replicas):
    _one_device_and_two_replicas(two_replicas, hidden=(8,), full_steps=2)        # 33 parameters


def test_two_replicas_record_every_parameter_of_a_small_model_like_one_device(two_replicas):
    records = _one_device_and_two_replicas(two_replicas, hidden=(4,), full_steps=2)   # 17 parameters
    np.testing.assert_allclose(records[1].path(), records[0].path(), atol=1e-6)   # every parameter, every step


def test_the_replicated_loop_refuses_what_cannot_work_and_stops_a_diverging_run(two_replicas):
    ds = load("moons", seed=0)
    config = Config(epochs=2, learning_rate=500.0, batch_size=32)
    plain = mlp(2, hidden=(8,), seed=0)
    with pytest.raises(ValueError, match=r"strategy\.scope\(\)"):
        fit(plain, ds, config, strategy=two_replicas)
    with two_replicas.scope():
        mirrored = mlp(2, hidden=(8,), seed=0)
    with pytest.raises(ValueError, match="strategy must be a tf.distribute.Strategy, got str"):
        training.fit(mirrored, ds, config, strategy="mirrored")
    h_plain, h_mirrored = fit(plain, ds, config), fit(mirrored, ds, config)
    assert h_mirrored.diverged and h_mirrored.stopped == h_plain.stopped   # same step, same message
    assert h_mirrored.stopped.startswith("diverged at step ")


# --- a learner's own optimizer or step ---------------------------------------------------------------------

def test_an_optimizer_object_replaces_the_configs_by_name():
    ds = blobs(seed=0, n_samples=100)
    by_name, by_object = perceptron(2, seed=0), perceptron(2, seed=0)
    config = Config(epochs=2, batch_size=20, learning_rate=0.3)
    h_name = fit(by_name, ds, config)
    h_object = fit(by_object, ds, config.replace(learning_rate=0.001), optimizer=keras.optimizers.SGD(0.3))
    for a, b in zip(by_name.get_weights(), by_object.get_weights()):
        np.testing.assert_array_equal(a, b)                  # the object's lr 0.3, not the config's 0.001
    assert h_name.loss == h_object.loss


def test_a_step_of_ones_own_replaces_the_training_step():
    ds = blobs(seed=0, n_samples=100)
    model = perceptron(2, seed=0)
    before = [w.copy() for w in model.get_weights()]
    seen = []

    def measure_only(model, loss_fn, optimizer, x, y):      # train_step's signature, but no update
        import tensorflow as tf
        with tf.GradientTape() as tape:
            predictions = model(x, training=True)
            loss = loss_fn(y, predictions)
        seen.append(int(x.shape[0]))
        return loss, predictions, tape.gradient(loss, model.trainable_variables)

    history = fit(model, ds, Config(epochs=2, batch_size=20, eager=True), update=measure_only)
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)                  # nothing applied: the weights never moved
    assert seen == [20] * 8
    p = predict(ds.x_train, layers_from_keras(model)).ravel()
    assert history.loss == pytest.approx([binary_cross_entropy(ds.y_train, p)] * 2, abs=1e-6)


def test_a_replicated_model_takes_only_the_courses_optimizer_and_step(two_replicas):
    with two_replicas.scope():
        mirrored = mlp(2, hidden=(8,), seed=0)
    with pytest.raises(ValueError, match="a model trained under a tf.distribute strategy takes the course's "
                                         "optimizer and step"):
        fit(mirrored, blobs(seed=0, n_samples=100), Config(epochs=1), optimizer=keras.optimizers.SGD(0.1))


def test_an_interruption_before_the_first_step_says_so():
    class Early(Observer):
        def __init__(self):
            self.partial, self.ended = None, None

        def on_train_begin(self, model, config, names, initial):
            raise KeyboardInterrupt

        def on_epoch_end(self, record):
            self.partial = record

        def on_train_end(self, history):
            self.ended = history

    early = Early()
    model = perceptron(2, seed=0)
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(KeyboardInterrupt):
        fit(model, blobs(seed=0, n_samples=100), Config(epochs=2, batch_size=40), observers=[early])
    assert early.ended.stopped == "interrupted before the first step"
    assert (early.ended.steps, early.ended.stopped_at, early.ended.epoch) == (0, 0, [])
    assert not early.partial.complete and len(early.partial.step_loss) == 0
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)                  # nothing trained
