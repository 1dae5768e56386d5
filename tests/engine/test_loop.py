import numpy as np
import pytest

from course import data, models, training
from course.config import Config
from course.runtime import keras, tf


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_tape_gradient_of_perceptron_equals_hand_derived(rng):
    # For p = sigmoid(x.w + b) and binary cross-entropy, dL/dw = mean((p - y) * x), dL/db = mean(p - y).
    model = models.perceptron(3, seed=0)
    x = rng.normal(size=(8, 3)).astype(np.float32)
    y = (rng.random(8) > 0.5).astype(np.float32).reshape(-1, 1)
    with tf.GradientTape() as tape:
        loss = keras.losses.BinaryCrossentropy()(y, model(x))
    g_w, g_b = (g.numpy() for g in tape.gradient(loss, model.trainable_variables))
    w, b = (v.astype(np.float64) for v in model.get_layer("output").get_weights())
    p = _sigmoid(x @ w + b)
    np.testing.assert_allclose(g_w, ((p - y) * x).mean(axis=0).reshape(3, 1), atol=1e-6)
    np.testing.assert_allclose(g_b, (p - y).mean(axis=0), atol=1e-6)


@pytest.mark.parametrize("eager", [False, True])
def test_one_sgd_step_is_w_minus_lr_times_gradient(rng, eager):
    model = models.perceptron(2, seed=0)
    x = rng.normal(size=(4, 2)).astype(np.float32)
    y = np.array([[1.0], [0.0], [1.0], [0.0]], dtype=np.float32)
    w0, b0 = (v.astype(np.float64) for v in model.get_layer("output").get_weights())
    optimizer = training.make_optimizer("sgd", 0.5)
    step = training.make_step(model, training.loss_for(model), optimizer, eager=eager)
    loss, correct, norm, grads, _, _ = step(tf.constant(x), tf.constant(y))
    p = _sigmoid(x @ w0 + b0)
    g_w, g_b = ((p - y) * x).mean(axis=0).reshape(2, 1), (p - y).mean(axis=0)
    w1, b1 = model.get_layer("output").get_weights()
    np.testing.assert_allclose(w1, w0 - 0.5 * g_w, atol=1e-6)
    np.testing.assert_allclose(b1, b0 - 0.5 * g_b, atol=1e-6)
    assert float(loss) == pytest.approx(float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))), abs=1e-6)
    assert float(correct) == float(np.sum((p >= 0.5) == (y == 1)))
    assert float(norm) == pytest.approx(float(np.sqrt(np.sum(g_w ** 2) + np.sum(g_b ** 2))), rel=1e-5)


def test_gradient_matches_finite_differences(rng):
    model = models.mlp(2, hidden=(3,), activation="tanh", seed=4)
    x = rng.normal(size=(6, 2)).astype(np.float32)
    y = np.array([0, 1, 1, 0, 1, 0], dtype=np.float32).reshape(-1, 1)
    loss_fn = keras.losses.BinaryCrossentropy()
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x))
    grads = [g.numpy() for g in tape.gradient(loss, model.trainable_variables)]
    kernel = model.trainable_variables[0]
    eps, base = 1e-2, kernel.numpy().copy()
    for idx in [(0, 0), (1, 2)]:
        shifted = base.copy(); shifted[idx] += eps; kernel.assign(shifted)
        up = float(loss_fn(y, model(x)))
        shifted = base.copy(); shifted[idx] -= eps; kernel.assign(shifted)
        down = float(loss_fn(y, model(x)))
        kernel.assign(base)
        assert grads[0][idx] == pytest.approx((up - down) / (2 * eps), abs=2e-4)


def test_optimizers_by_name():
    assert isinstance(training.make_optimizer("sgd", 0.1), keras.optimizers.SGD)
    assert training.make_optimizer("sgd", 0.1).momentum == 0.0
    assert training.make_optimizer("momentum", 0.1).momentum == 0.9
    assert isinstance(training.make_optimizer("rmsprop", 0.1), keras.optimizers.RMSprop)
    assert isinstance(training.make_optimizer("adam", 0.1), keras.optimizers.Adam)
    assert float(training.make_optimizer("adam", 0.25).learning_rate) == 0.25
    with pytest.raises(ValueError, match="optimizer must be one of"):
        training.make_optimizer("adagrad", 0.1)


def _final_weights(seed, eager=False, optimizer="sgd"):
    model = models.mlp(2, hidden=(4,), seed=seed)
    history = training.fit(model, data.moons(seed=seed, n_samples=200),
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
    ds = data.blobs(seed=0, n_samples=100)
    model = models.perceptron(2, seed=0)
    history = training.fit(model, ds, Config(epochs=3, batch_size=20, learning_rate=0.5))
    assert history.epoch == [1, 2, 3] and history.steps == 3 * 4
    p = np.asarray(model(ds.x_val)).reshape(-1)
    assert history.val_accuracy[-1] == pytest.approx(np.mean((p >= 0.5) == ds.y_val), abs=1e-6)
    bce = -np.mean(ds.y_val * np.log(p) + (1 - ds.y_val) * np.log(1 - p))
    assert history.val_loss[-1] == pytest.approx(bce, abs=1e-5)
    assert history.final()["val_accuracy"] == history.val_accuracy[-1]


def test_softmax_model_trains_on_iris():
    ds = data.iris(seed=0)
    model = models.softmax_classifier(4, 3, seed=0)
    history = training.fit(model, ds, Config(epochs=30, learning_rate=0.05, optimizer="adam", batch_size=16))
    assert history.val_accuracy[-1] >= 0.9
    assert history.loss[-1] < history.loss[0]


class Recorder(training.Observer):
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
    ds = data.blobs(seed=0, n_samples=100)
    model = models.perceptron(2, seed=0)
    rec = Recorder(steps=2)
    history = training.fit(model, ds, Config(epochs=2, batch_size=40, learning_rate=0.1), observers=[rec])
    assert [r.step for r in rec.records] == [1, 2]
    first = rec.records[0]
    assert first.names == ["output/kernel", "output/bias"]
    np.testing.assert_array_equal(first.before[0], rec.begun[1][0])
    for w0, g, w1 in zip(first.before, first.grads, first.after):
        np.testing.assert_allclose(w1, w0 - 0.1 * g, atol=1e-7)
    np.testing.assert_array_equal(rec.records[1].before[0], first.after[0])
    assert [e.epoch for e in rec.epochs] == [1, 2]
    assert rec.epochs[0].step_loss.shape == (2,)        # 80 training examples / 40 per batch
    assert rec.epochs[1].first_step == 3
    assert rec.epochs[0].step_params.shape == (2, 3)    # small model: every parameter, every step
    np.testing.assert_allclose(rec.epochs[0].step_params[0], np.concatenate([a.ravel() for a in first.after]))
    assert rec.epochs[0].step_loss[0] == pytest.approx(first.loss)
    assert rec.ended is history


def test_divergence_stops_training_and_says_so():
    ds = data.blobs(seed=0, n_samples=100)
    model = models.mlp(2, hidden=(8,), activation="relu", seed=0)
    history = training.fit(model, ds, Config(epochs=5, batch_size=20, learning_rate=1e30))
    assert history.stopped.startswith("diverged")
    assert "learning-rate" in history.stopped
    assert len(history.epoch) < 5


@pytest.mark.parametrize("make, message", [
    (lambda: (models.perceptron(3), data.blobs(), Config()), "2 features but the model expects 3"),
    (lambda: (models.perceptron(4), data.iris(), Config()), "3 classes but the model has a single sigmoid"),
    (lambda: (models.softmax_classifier(64, 5), data.digits(), Config()), "labels up to 9"),
    (lambda: (models.perceptron(2), data.xor(), Config(batch_size=8)), "batch_size 8 is larger than the 4"),
])
def test_fit_rejects_mismatched_inputs(make, message):
    model, ds, config = make()
    with pytest.raises(ValueError, match=message):
        training.fit(model, ds, config)


def test_fit_rejects_a_non_config():
    with pytest.raises(TypeError, match="config must be"):
        training.fit(models.perceptron(2), data.blobs(), {"epochs": 3})


class AllSteps(training.Observer):
    full_steps = 10**9      # every step one at a time, with host copies: the slow, plain path


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_the_compiled_epoch_gives_bit_identical_weights_to_the_step_by_step_loop(optimizer):
    ds = data.moons(seed=0, n_samples=300)
    fast, slow = models.mlp(2, hidden=(8,), seed=1), models.mlp(2, hidden=(8,), seed=1)
    config = Config(epochs=3, batch_size=32, learning_rate=0.05, optimizer=optimizer)
    h_fast = training.fit(fast, ds, config)
    h_slow = training.fit(slow, ds, config, observers=[AllSteps()])
    for a, b in zip(fast.get_weights(), slow.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert h_fast.loss == h_slow.loss and h_fast.val_accuracy == h_slow.val_accuracy


@pytest.mark.parametrize("build, labels", [
    (lambda: models.mlp(2, hidden=(8,), activation="tanh", seed=2), "binary"),
    (lambda: models.softmax_classifier(2, 3, hidden=(6,), seed=3), "three"),
])
def test_one_sgd_epoch_without_shuffling_equals_keras_model_fit(build, labels):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(100, 2))
    y = (x[:, 0] > 0).astype(int) if labels == "binary" else np.digitize(x[:, 0], [-0.5, 0.5])
    ds = data.from_arrays("toy", x, y, seed=0)
    ours, theirs = build(), build()
    theirs.set_weights(ours.get_weights())
    training.fit(ours, ds, Config(epochs=1, batch_size=16, learning_rate=0.1, shuffle=False))
    theirs.compile(optimizer=keras.optimizers.SGD(0.1), loss=training.loss_for(theirs))
    target = ds.y_train.reshape(-1, 1).astype("float32") if labels == "binary" else ds.y_train
    theirs.fit(ds.x_train, target, batch_size=16, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)
    assert not np.allclose(ours.get_weights()[0], build().get_weights()[0])   # it did train
