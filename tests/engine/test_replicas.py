"""course.engine.replicas: the step split across the replicas of a tf.distribute strategy (two logical
CPUs here, see conftest.py). The oracle: the same global batch on one device."""
import numpy as np
import pytest

from course.core.datasets import moons
from course.core.models import mlp, softmax_classifier
from course.core.optimizers import make_optimizer
from course.core.runtime import tf
from course.core.step import labels_for, loss_for, per_example_loss_for, train_step
from course.engine.replicas import make_distributed_step, split_batch, strategy_of


def test_strategy_of_is_the_strategy_a_model_was_built_in(two_replicas):
    with two_replicas.scope():
        mirrored = mlp(2, hidden=(4,), seed=0)
    assert strategy_of(mirrored) is two_replicas
    assert strategy_of(mlp(2, hidden=(4,), seed=0)) is None
    assert two_replicas.num_replicas_in_sync == 2


@pytest.mark.parametrize("m, rows", [(64, [(0, 32), (32, 64)]), (65, [(0, 32), (32, 65)]), (3, [(0, 1), (1, 3)])])
def test_split_batch_gives_replica_r_rows_r_m_over_R_to_r_plus_1_m_over_R(two_replicas, m, rows):
    x = tf.reshape(tf.range(m, dtype=tf.float32), (m, 1))
    y = tf.range(m)
    xs, ys = split_batch(two_replicas, x, y)
    parts = two_replicas.experimental_local_results(xs)
    labels = two_replicas.experimental_local_results(ys)
    assert len(parts) == 2
    for part, label, (start, stop) in zip(parts, labels, rows):
        np.testing.assert_array_equal(part.numpy().ravel(), np.arange(start, stop))
        np.testing.assert_array_equal(label.numpy(), np.arange(start, stop))


@pytest.mark.parametrize("build", [lambda: mlp(2, hidden=(8, 8), seed=3), lambda: softmax_classifier(2, 2, seed=3)])
def test_the_all_reduced_step_is_the_one_device_step_of_the_global_batch(two_replicas, build):
    ds = moons(seed=0, n_samples=200)
    x, y = ds.x_train[:65], ds.y_train[:65]                      # 32 + 33 rows
    one = build()
    loss_one, predictions, grads_one = train_step(one, loss_for(one), make_optimizer("sgd", 0.5), tf.constant(x),
                                                  labels_for(one, y))
    p = predictions.numpy()
    correct = np.sum((p[:, 0] >= 0.5) == y) if p.shape[1] == 1 else np.sum(p.argmax(axis=1) == y)
    with two_replicas.scope():
        model = build()
        optimizer = make_optimizer("sgd", 0.5)
        optimizer.build(model.trainable_variables)
    step = make_distributed_step(two_replicas, model, per_example_loss_for(model), optimizer)
    xs, ys = split_batch(two_replicas, tf.constant(x), labels_for(model, y))
    outputs, replica_losses, replica_grads = step(xs, ys, tf.constant(65))
    assert float(outputs.loss) == pytest.approx(float(loss_one), abs=1e-6)
    shares = [float(v) for v in two_replicas.experimental_local_results(replica_losses)]
    assert sum(shares) == pytest.approx(float(loss_one), abs=1e-6)        # each share: its sum / 65
    for g, g_one in zip(outputs.grads, grads_one):
        np.testing.assert_allclose(g.numpy(), g_one.numpy(), atol=1e-6)
    np.testing.assert_allclose(outputs.flat_grads.numpy(), np.concatenate([g.numpy().ravel() for g in grads_one]),
                               atol=1e-6)
    for v, v_one in zip(model.trainable_variables, one.trainable_variables):
        copies = [c.numpy() for c in two_replicas.experimental_local_results(v.value)]
        np.testing.assert_array_equal(copies[0], copies[1])             # mirrored: the copies stay equal
        np.testing.assert_allclose(copies[0], v_one.numpy(), atol=1e-6)   # and equal the one-device update
    np.testing.assert_allclose(outputs.params.numpy(), np.concatenate([v.numpy().ravel() for v in one.weights]),
                               atol=1e-6)
    assert float(outputs.correct) == correct
    grads_by_replica = [[np.asarray(two_replicas.experimental_local_results(g)[r]) for g in replica_grads]
                        for r in range(2)]
    for k, g_one in enumerate(grads_one):                                # the shares add up to the whole
        np.testing.assert_allclose(grads_by_replica[0][k] + grads_by_replica[1][k], g_one.numpy(), atol=1e-6)
