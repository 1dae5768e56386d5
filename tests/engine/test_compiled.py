"""course.engine.compiled: the step wrapped with what the loop reports (make_step), a split's loss and
accuracy (make_evaluate), the rest of an epoch in one call (make_epoch) and its host copy (EpochBuffer).

The oracles: the perceptron's SGD update derived by hand, NumPy losses, and the same steps run one at a time."""
import numpy as np
import pytest

from course.core.config import Config
from course.core.datasets import blobs, moons
from course.core.models import mlp, perceptron
from course.core.optimizers import make_optimizer
from course.core.runtime import tf
from course.core.step import labels_for, loss_for
from course.engine import compiled
from course.engine.loop import fit
from course.engine.records import EpochMetrics, Recorder, StepSeries
from course.reference.losses import binary_cross_entropy


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


@pytest.mark.parametrize("eager", [False, True])
def test_one_sgd_step_is_w_minus_lr_times_gradient(rng, eager):
    model = perceptron(2, seed=0)
    x = rng.normal(size=(4, 2)).astype(np.float32)
    y = np.array([[1.0], [0.0], [1.0], [0.0]], dtype=np.float32)
    w0, b0 = (v.astype(np.float64) for v in model.get_layer("output").get_weights())
    step = compiled.make_step(model, loss_for(model), make_optimizer("sgd", 0.5), eager=eager,
                              record_parameters=True)
    loss, correct, norm, grads, params, flat_grads, finite = step(tf.constant(x), tf.constant(y))
    assert bool(finite)
    p = _sigmoid(x @ w0 + b0)
    g_w, g_b = ((p - y) * x).mean(axis=0).reshape(2, 1), (p - y).mean(axis=0)
    w1, b1 = model.get_layer("output").get_weights()
    np.testing.assert_allclose(w1, w0 - 0.5 * g_w, atol=1e-6)
    np.testing.assert_allclose(b1, b0 - 0.5 * g_b, atol=1e-6)
    assert float(loss) == pytest.approx(binary_cross_entropy(y, p), abs=1e-6)
    assert float(correct) == float(np.sum((p >= 0.5) == (y == 1)))
    assert float(norm) == pytest.approx(float(np.sqrt(np.sum(g_w ** 2) + np.sum(g_b ** 2))), rel=1e-5)
    # every parameter after the update and every gradient entry, flat, in variable order
    np.testing.assert_allclose(params.numpy(), np.concatenate([(w0 - 0.5 * g_w).ravel(), b0 - 0.5 * g_b]),
                               atol=1e-6)
    np.testing.assert_allclose(flat_grads.numpy(), np.concatenate([g_w.ravel(), g_b]), atol=1e-6)
    np.testing.assert_allclose(grads[0].numpy(), g_w, atol=1e-6)


def test_large_models_do_not_build_the_flat_vectors(rng):
    model = mlp(2, hidden=(8,), seed=0)
    step = compiled.make_step(model, loss_for(model), make_optimizer("sgd", 0.1))
    out = step(tf.constant(rng.normal(size=(4, 2)), tf.float32), tf.constant([[1.0], [0.0], [1.0], [1.0]]))
    assert out.params.shape == (0,) and out.flat_grads.shape == (0,) and len(out.grads) == 4


def test_evaluate_is_the_mean_loss_and_accuracy_over_a_split(rng):
    model = perceptron(2, seed=3)
    x = rng.normal(size=(50, 2)).astype(np.float32)
    y = (x[:, 0] > 0).astype(int)
    w, b = (v.astype(np.float64) for v in model.get_weights())
    p = _sigmoid(x @ w + b).ravel()
    for eager in (False, True):
        loss, accuracy = compiled.make_evaluate(model, loss_for(model), eager=eager)(tf.constant(x),
                                                                                     labels_for(model, y))
        assert float(loss) == pytest.approx(binary_cross_entropy(y, p), abs=1e-6)
        assert float(accuracy) == pytest.approx(np.mean((p >= 0.5) == y), abs=1e-7)


def _epoch_inputs(model, ds, order_seed=0):
    """The training split as the loop holds it, an epoch's order, the same examples in that order, validation."""
    order = np.random.default_rng(order_seed).permutation(len(ds.y_train))
    x, y = tf.constant(ds.x_train), labels_for(model, ds.y_train)
    return x, y, tf.constant(order), tf.gather(x, order), tf.gather(y, order), tf.constant(ds.x_val), \
        labels_for(model, ds.y_val)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("n_samples", [200, 190])                 # 160 train: 5 batches of 32; 152: 4 and one of 24
def test_the_compiled_epoch_equals_the_same_steps_one_at_a_time(optimizer, n_samples):
    ds = moons(seed=0, n_samples=n_samples)
    fast, slow = mlp(2, hidden=(3,), seed=1), mlp(2, hidden=(3,), seed=1)   # 13 parameters: recorded
    x, y, order, xs, ys, x_val, y_val = _epoch_inputs(fast, ds)
    opt_fast, opt_slow = make_optimizer(optimizer, 0.05), make_optimizer(optimizer, 0.05)
    for opt, model in ((opt_fast, fast), (opt_slow, slow)):
        opt.build(model.trainable_variables)
    epoch = compiled.make_epoch(fast, loss_for(fast), compiled.make_step(fast, loss_for(fast), opt_fast,
                                                                         record_parameters=True), 32,
                                (x, y, x_val, y_val), record_parameters=True)
    series, end, grads, validation, finite, values = epoch(order, tf.constant(0))
    assert bool(finite) and int(end) == len(series.loss) == -(-n_samples * 4 // 5 // 32)   # every batch ran
    n = len(ds.y_train)
    step = compiled.make_step(slow, loss_for(slow), opt_slow, record_parameters=True)
    outs = [step(xs[s:s + 32], ys[s:s + 32]) for s in range(0, n, 32)]
    for a, b, value in zip(fast.get_weights(), slow.get_weights(), values):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(value.numpy(), b)                # the variables' values after the last step
    np.testing.assert_array_equal(series.loss.numpy(), [float(o.loss) for o in outs])
    np.testing.assert_array_equal(series.correct.numpy(), [float(o.correct) for o in outs])
    np.testing.assert_array_equal(series.grad_norm.numpy(), [float(o.grad_norm) for o in outs])
    np.testing.assert_array_equal(series.params.numpy(), np.stack([o.params.numpy() for o in outs]))
    np.testing.assert_array_equal(series.flat_grads.numpy()[-1], outs[-1].flat_grads.numpy())
    for g, o in zip(grads, outs[-1].grads):
        np.testing.assert_array_equal(g.numpy(), o.numpy())
    buffer = compiled.EpochBuffer()
    buffer.add(StepSeries(*(a.numpy() for a in series)), [min(32, n - s) for s in range(0, n, 32)])
    metrics = buffer.metrics(n, validation.numpy())
    assert isinstance(metrics, EpochMetrics)
    assert metrics.loss == pytest.approx(sum(float(o.loss) * min(32, n - 32 * i) for i, o in enumerate(outs)) / n,
                                         rel=1e-12)
    assert metrics.accuracy == pytest.approx(sum(float(o.correct) for o in outs) / n, rel=1e-12)
    w = [v.astype(np.float64) for v in slow.get_weights()]
    p = _sigmoid(np.maximum(ds.x_val @ w[0] + w[1], 0) @ w[2] + w[3]).ravel()
    assert metrics.val_loss == pytest.approx(binary_cross_entropy(ds.y_val, p), abs=1e-6)
    assert metrics.val_accuracy == pytest.approx(np.mean((p >= 0.5) == ds.y_val), abs=1e-7)


def test_an_epoch_compiled_by_xla_trains_as_the_default_one_to_float32_precision():
    ds = moons(seed=0, n_samples=190)                       # 152 train: 4 batches of 32 and one of 24
    runs = {}
    for jit_compile in (False, True):
        model = mlp(2, hidden=(3,), seed=1)
        opt = make_optimizer("sgd", 0.5)
        opt.build(model.trainable_variables)
        x, y, order, _, _, x_val, y_val = _epoch_inputs(model, ds)
        epoch = compiled.make_epoch(model, loss_for(model), compiled.make_step(model, loss_for(model), opt), 32,
                                    (x, y, x_val, y_val), jit_compile=jit_compile)
        outs = [epoch(order, tf.constant(0)) for _ in range(3)]
        runs[jit_compile] = (np.concatenate([o[0].loss.numpy()[:int(o[1])] for o in outs]), outs[-1][3].numpy(),
                             model.get_weights())
    (graph_losses, graph_validation, graph_weights), (xla_losses, xla_validation, xla_weights) = runs.values()
    assert len(graph_losses) == len(xla_losses) == 15
    np.testing.assert_allclose(xla_losses, graph_losses, rtol=1e-5)
    np.testing.assert_allclose(xla_validation, graph_validation, rtol=1e-5)
    for a, b in zip(xla_weights, graph_weights):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_the_compiled_epoch_starts_at_a_given_batch():
    ds = blobs(seed=0, n_samples=100)                       # 80 train: 4 batches of 20
    model, twin = perceptron(2, seed=0), perceptron(2, seed=0)
    opt, opt_twin = make_optimizer("sgd", 0.1), make_optimizer("sgd", 0.1)
    opt.build(model.trainable_variables)
    opt_twin.build(twin.trainable_variables)
    x, y, order, xs, ys, x_val, y_val = _epoch_inputs(model, ds)
    epoch = compiled.make_epoch(model, loss_for(model), compiled.make_step(model, loss_for(model), opt, eager=True),
                                20, (x, y, x_val, y_val), eager=True)
    series, end, _, _, _, _ = epoch(order, tf.constant(3))
    assert series.loss.shape == (4,) and int(end) == 4      # a row per batch; only the last batch ran: row 3
    out = compiled.make_step(twin, loss_for(twin), opt_twin, eager=True)(xs[60:], ys[60:])
    assert float(series.loss[3]) == float(out.loss)
    for a, b in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("n_samples", [100, 95])            # 80 train: 8 batches of 10; 76: 7 and one of 6
def test_the_compiled_epoch_stops_at_a_step_that_is_not_finite(n_samples):
    ds = blobs(seed=0, n_samples=n_samples)
    model = mlp(2, hidden=(8,), seed=0)
    opt = make_optimizer("sgd", 1e30)
    opt.build(model.trainable_variables)
    x, y, order, _, _, x_val, y_val = _epoch_inputs(model, ds)
    epoch = compiled.make_epoch(model, loss_for(model), compiled.make_step(model, loss_for(model), opt), 10,
                                (x, y, x_val, y_val))
    series, end, _, _, finite, _ = epoch(order, tf.constant(0))
    losses = series.loss.numpy()[:int(end)]
    assert 1 <= len(losses) < 7 and not bool(finite)         # stopped before the end of the epoch, at its bad step
    assert all(len(column) == -(-n_samples * 4 // 5 // 10) for column in series)      # a row for every batch
    weights = [v.numpy() for v in model.trainable_variables]
    assert not (np.isfinite(losses[-1]) and np.isfinite(series.grad_norm.numpy()[int(end) - 1])
                and all(np.all(np.isfinite(w)) for w in weights))


def test_epoch_buffer_sums_in_step_order():
    buffer = compiled.EpochBuffer()
    assert len(buffer) == 0 and buffer.column("loss").shape == (0,) and buffer.column("params").shape == (0, 0)
    assert buffer.sums() == [0.0, 0.0]
    buffer.add(StepSeries(0.5, 3.0, 1.0, np.array([1.0, 2.0]), np.array([0.1, 0.2])), 4)   # one step (scalars)
    buffer.add(StepSeries(np.array([0.25, 0.125]), np.array([4.0, 1.0]), np.array([2.0, 3.0]),
                          np.array([[3.0, 4.0], [5.0, 6.0]]), np.zeros((2, 2))), [4, 2])
    assert len(buffer) == 3
    np.testing.assert_array_equal(buffer.column("loss"), [0.5, 0.25, 0.125])
    np.testing.assert_array_equal(buffer.column("sizes"), [4, 4, 2])
    np.testing.assert_array_equal(buffer.column("params"), [[1, 2], [3, 4], [5, 6]])
    assert buffer.sums() == [0.5 * 4 + 0.25 * 4 + 0.125 * 2, 8.0]
    assert buffer.metrics(10, (0.75, 0.5)) == EpochMetrics((0.5 * 4 + 0.25 * 4 + 0.125 * 2) / 10, 0.8, 0.75, 0.5)


def test_epoch_buffer_sums_one_step_after_another():
    # 1e16 then sixteen 1s: added one after another, each 1 is lost (1e16 + 1 rounds to 1e16), as in the loop's
    # running sum; NumPy's sum adds them in blocks and keeps them (1e16 + 16)
    losses = np.array([1e16] + [1.0] * 16)
    assert np.sum(losses) == 1e16 + 16
    buffer = compiled.EpochBuffer()
    buffer.add(StepSeries(losses, np.zeros(17), np.zeros(17), np.zeros((17, 0)), np.zeros((17, 0))), [1] * 17)
    total = 0.0
    for loss in losses:
        total += loss
    assert buffer.sums()[0] == total == 1e16


def test_flat_concatenates_every_entry_in_order():
    np.testing.assert_array_equal(compiled.flat([tf.constant([[1.0, 2.0], [3.0, 4.0]]), tf.constant([5.0])]),
                                  [1, 2, 3, 4, 5])


def test_models_of_at_most_20_parameters_record_every_parameter_every_step():
    assert compiled.SMALL_MODEL_PARAMETERS == 20
    rng = np.random.default_rng(0)
    for n_features, small in ((19, True), (20, False)):            # 19 + 1 = 20 parameters; 21
        x = rng.normal(size=(40, n_features))
        from course.core.dataset import from_arrays
        ds = from_arrays("wide", x, (x[:, 0] > 0).astype(int))
        rec = Recorder()
        fit(perceptron(n_features), ds, Config(epochs=1, batch_size=16), observers=[rec])
        if small:
            assert rec.epochs[0].step_params.shape == (2, 20)       # 32 examples: 2 steps
        else:
            assert rec.epochs[0].step_params is None


def test_all_finite_checks_the_loss_the_norm_and_every_weight():
    ok = [tf.constant([1.0, 2.0]), tf.constant([3.0])]
    assert bool(compiled.all_finite(tf.constant(0.5), tf.constant(1.0), ok))
    assert not bool(compiled.all_finite(tf.constant(np.nan), tf.constant(1.0), ok))
    assert not bool(compiled.all_finite(tf.constant(0.5), tf.constant(np.inf), ok))
    assert not bool(compiled.all_finite(tf.constant(0.5), tf.constant(1.0), [ok[0], tf.constant([np.inf])]))
