"""course.engine.runners: how a step runs on one device (Runner) or split across replicas (ReplicaRunner).

The oracles: the perceptron's SGD update by hand, and the one-device Runner for the replicas."""
import numpy as np
import pytest

from course.core.config import Config
from course.core.datasets import moons
from course.core.models import mlp, perceptron
from course.core.runtime import tf
from course.core.step import labels_for
from course.engine.compiled import EpochBuffer
from course.engine.records import StepSeries
from course.engine.runners import ReplicaRunner, Runner
from course.reference.losses import binary_cross_entropy


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _data(model, ds):
    """The (x_train, y_train, x_val, y_val) tensors a runner holds for the run."""
    return (tf.constant(ds.x_train), labels_for(model, ds.y_train), tf.constant(ds.x_val), labels_for(model, ds.y_val))


def test_runner_step_is_one_sgd_update(rng):
    model = perceptron(2, seed=0)
    runner = Runner(model, Config(learning_rate=0.5), record_parameters=True, data=_data(model, moons(n_samples=20)))
    assert not runner.every_step_from_python
    x = rng.normal(size=(6, 2)).astype(np.float32)
    y = np.array([1, 0, 1, 1, 0, 0])
    w0, b0 = (v.astype(np.float64) for v in model.get_weights())
    p = _sigmoid(x @ w0 + b0)
    out = runner.step(tf.constant(x), labels_for(model, y), 6)
    t = y.reshape(-1, 1)
    np.testing.assert_allclose(model.get_weights()[0], w0 - 0.5 * ((p - t) * x).mean(axis=0).reshape(2, 1), atol=1e-6)
    assert float(out.loss) == pytest.approx(binary_cross_entropy(y, p), abs=1e-6)
    assert Runner(model, Config(eager=True), True, _data(model, moons(n_samples=20))).every_step_from_python     # --eager: every step from Python


def test_runner_rest_runs_the_remaining_batches_and_validation():
    ds = moons(seed=0, n_samples=100)                                  # 80 train: batches of 32, 32, 16
    a, b = mlp(2, hidden=(3,), seed=0), mlp(2, hidden=(3,), seed=0)
    config = Config(batch_size=32, learning_rate=0.2)
    fast, slow = Runner(a, config, True, _data(a, ds)), Runner(b, config, True, _data(b, ds))
    xs, ys = tf.constant(ds.x_train), labels_for(a, ds.y_train)
    buffer = EpochBuffer()
    first = fast.step(xs[:32], ys[:32], 32)
    buffer.add(StepSeries(float(first.loss), float(first.correct), float(first.grad_norm), first.params.numpy(),
                          first.flat_grads.numpy()), 32)
    series, grads, validation, finite = fast.rest(np.arange(80), 1, first.grads)
    assert finite is True
    outs = [slow.step(xs[s:s + 32], ys[s:s + 32], 32) for s in (0, 32, 64)]
    np.testing.assert_array_equal(series.loss, [float(o.loss) for o in outs[1:]])
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    buffer.add(series, [32, 16])
    metrics = buffer.metrics(80, validation)
    assert metrics.loss == pytest.approx((float(outs[0].loss) * 32 + float(outs[1].loss) * 32
                                          + float(outs[2].loss) * 16) / 80, rel=1e-9)


def test_replica_runner_refuses_a_model_not_built_in_the_strategys_scope(two_replicas):
    with pytest.raises(ValueError, match=r"model must be built inside strategy\.scope\(\)"):
        ReplicaRunner(mlp(2, hidden=(4,)), Config(), True, (), two_replicas)
    with two_replicas.scope():
        mirrored = mlp(2, hidden=(4,))
    with pytest.raises(ValueError, match="strategy must be a tf.distribute.Strategy, got str"):
        ReplicaRunner(mirrored, Config(), True, (), "mirrored")
    other = tf.distribute.MirroredStrategy(["/cpu:0"])
    with pytest.raises(ValueError, match=r"strategy\.scope\(\)"):
        ReplicaRunner(mirrored, Config(), True, (), other)                 # built in another strategy's scope


def test_replica_runner_steps_equal_the_one_device_runner(two_replicas):
    ds = moons(seed=0, n_samples=100)
    config = Config(batch_size=32, learning_rate=0.5, optimizer="momentum")
    one = mlp(2, hidden=(4,), seed=1)
    with two_replicas.scope():
        split = mlp(2, hidden=(4,), seed=1)
    runner = Runner(one, config, True, _data(one, ds))
    replicas = ReplicaRunner(split, config, True, _data(split, ds), two_replicas)
    assert replicas.every_step_from_python
    xs, ys = tf.constant(ds.x_train), labels_for(one, ds.y_train)
    buffer = EpochBuffer()
    for start in (0, 32, 64):
        size = min(32, 80 - start)
        a = runner.step(xs[start:start + 32], ys[start:start + 32], size)
        b = replicas.step(xs[start:start + 32], ys[start:start + 32], size)
        assert float(b.loss) == pytest.approx(float(a.loss), abs=1e-6)
        assert float(b.correct) == float(a.correct)
        np.testing.assert_allclose(b.params.numpy(), a.params.numpy(), atol=1e-6)
        buffer.add(StepSeries(float(b.loss), float(b.correct), float(b.grad_norm), b.params.numpy(),
                              b.flat_grads.numpy()), size)
    for wa, wb in zip(one.get_weights(), split.get_weights()):
        np.testing.assert_allclose(wa, wb, atol=1e-6)
    series, _, validation, finite = replicas.rest(np.arange(80), 3, [])
    assert finite is True
    assert len(series.loss) == 0                                    # every step ran from Python already
    metrics = buffer.metrics(80, validation)
    w = [v.astype(np.float64) for v in one.get_weights()]
    p = _sigmoid(np.maximum(ds.x_val @ w[0] + w[1], 0) @ w[2] + w[3]).ravel()
    assert metrics.val_loss == pytest.approx(binary_cross_entropy(ds.y_val, p), abs=1e-5)
    assert metrics.val_accuracy == pytest.approx(np.mean((p >= 0.5) == ds.y_val), abs=1e-7)


def test_both_runners_show_the_graph_of_their_compiled_step(two_replicas):
    ds = moons(seed=0, n_samples=100)
    one = mlp(2, hidden=(4,), seed=1)
    with two_replicas.scope():
        split = mlp(2, hidden=(4,), seed=1)
    x, y = tf.constant(ds.x_train[:32]), labels_for(one, ds.y_train[:32])
    for runner in (Runner(one, Config(), True, _data(one, ds)), ReplicaRunner(split, Config(), True, _data(split, ds),
                                                                              two_replicas)):
        ops = {op.type for op in runner.graph(x, y).get_operations()}
        assert {"MatMul", "Relu", "Sigmoid"} <= ops, ops
