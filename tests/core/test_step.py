"""course.core.step: the four-line GradientTape step, its replica form, and the losses and labels it uses.

The oracles: the perceptron's gradient derived by hand (dL/dw = mean((p - y) x), dL/db = mean(p - y)),
the NumPy losses of course.reference, and counts done by hand."""
import numpy as np
import pytest

from course.core import step
from course.core.models import perceptron, softmax_classifier
from course.core.optimizers import make_optimizer
from course.core.runtime import keras, tf
from course.reference.losses import binary_cross_entropy, categorical_cross_entropy


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _perceptron_case(rng):
    model = perceptron(3, seed=0)
    x = rng.normal(size=(8, 3)).astype(np.float32)
    y = (rng.random(8) > 0.5).astype(np.float32).reshape(-1, 1)
    w, b = (v.astype(np.float64) for v in model.get_layer("output").get_weights())
    p = _sigmoid(x @ w + b)
    return model, x, y, w, b, p


def test_train_step_is_w_minus_lr_times_the_hand_derived_gradient(rng):
    model, x, y, w, b, p = _perceptron_case(rng)
    loss, predictions, grads = step.train_step(model, keras.losses.BinaryCrossentropy(), make_optimizer("sgd", 0.5),
                                               tf.constant(x), tf.constant(y))
    g_w, g_b = ((p - y) * x).mean(axis=0).reshape(3, 1), (p - y).mean(axis=0)
    np.testing.assert_allclose(grads[0].numpy(), g_w, atol=1e-6)
    np.testing.assert_allclose(grads[1].numpy(), g_b, atol=1e-6)
    np.testing.assert_allclose(np.asarray(predictions), p, atol=1e-6)          # before the update
    assert float(loss) == pytest.approx(binary_cross_entropy(y, p), abs=1e-6)
    w1, b1 = model.get_layer("output").get_weights()
    np.testing.assert_allclose(w1, w - 0.5 * g_w, atol=1e-6)
    np.testing.assert_allclose(b1, b - 0.5 * g_b, atol=1e-6)


def test_replica_step_divides_by_the_global_batch_size(rng):
    # one replica holding 8 of a global batch of 32: its share of the loss and gradient is 8/32 of its mean's
    model, x, y, w, b, p = _perceptron_case(rng)
    loss, _, grads = step.replica_step(model, step.per_example_loss_for(model), make_optimizer("sgd", 0.5),
                                       tf.constant(x), tf.constant(y), 32)
    assert float(loss) == pytest.approx(binary_cross_entropy(y, p) * 8 / 32, abs=1e-6)
    g_w = ((p - y) * x).sum(axis=0).reshape(3, 1) / 32
    np.testing.assert_allclose(grads[0].numpy(), g_w, atol=1e-6)
    np.testing.assert_allclose(model.get_layer("output").get_weights()[0], w - 0.5 * g_w, atol=1e-6)


def test_losses_are_the_models_own_and_equal_the_numpy_references(rng):
    binary, softmax = perceptron(2), softmax_classifier(2, 3)
    assert isinstance(step.loss_for(binary), keras.losses.BinaryCrossentropy)
    assert isinstance(step.loss_for(softmax), keras.losses.SparseCategoricalCrossentropy)
    p = rng.uniform(0.05, 0.95, size=(6, 1)).astype(np.float32)
    y = np.array([1, 0, 1, 1, 0, 0])
    assert float(step.loss_for(binary)(step.labels_for(binary, y), p)) == pytest.approx(
        binary_cross_entropy(y, p), abs=1e-6)
    probs = rng.dirichlet(np.ones(3), size=6).astype(np.float32)
    labels = np.array([0, 2, 1, 1, 0, 2])
    assert float(step.loss_for(softmax)(step.labels_for(softmax, labels), probs)) == pytest.approx(
        categorical_cross_entropy(labels, probs), rel=1e-5)
    per_example = step.per_example_loss_for(softmax)(step.labels_for(softmax, labels), probs).numpy()
    np.testing.assert_allclose(per_example, -np.log(probs[np.arange(6), labels]), rtol=1e-5)   # one per example
    per_example = step.per_example_loss_for(binary)(step.labels_for(binary, y), p).numpy()
    assert per_example.shape == (6,)
    np.testing.assert_allclose(per_example, [binary_cross_entropy([t], [q]) for t, q in zip(y, p[:, 0])], rtol=1e-5)


def test_count_correct_by_hand():
    y = tf.constant([[1.0], [0.0], [1.0], [0.0]])
    p = tf.constant([[0.5], [0.49], [0.2], [0.51]])      # 0.5 counts as class 1
    assert float(step.count_correct(y, p)) == 2.0
    labels = tf.constant([2, 0, 1], tf.int32)
    scores = tf.constant([[0.1, 0.2, 0.7], [0.5, 0.4, 0.1], [0.6, 0.3, 0.1]])
    assert float(step.count_correct(labels, scores)) == 2.0


def test_labels_take_the_shape_and_dtype_the_loss_expects():
    binary = step.labels_for(perceptron(2), np.array([1, 0, 1]))
    assert binary.dtype == tf.float32 and binary.shape == (3, 1)
    np.testing.assert_array_equal(binary.numpy(), [[1.0], [0.0], [1.0]])
    classes = step.labels_for(softmax_classifier(2, 3), np.array([2, 0, 1]))
    assert classes.dtype == tf.int32 and classes.shape == (3,)
    np.testing.assert_array_equal(classes.numpy(), [2, 0, 1])


def test_the_steps_gradient_matches_finite_differences(rng):
    from course.core.models import mlp
    model = mlp(2, hidden=(3,), activation="tanh", seed=4)
    x = rng.normal(size=(6, 2)).astype(np.float32)
    y = np.array([0, 1, 1, 0, 1, 0], dtype=np.float32).reshape(-1, 1)
    loss_fn = keras.losses.BinaryCrossentropy()
    before = [w.copy() for w in model.get_weights()]
    _, _, grads = step.train_step(model, loss_fn, make_optimizer("sgd", 1e-3), tf.constant(x), tf.constant(y))
    model.set_weights(before)                                 # the differences at the weights the step started from
    kernel = model.trainable_variables[0]
    eps, base = 1e-2, kernel.numpy().copy()
    for idx in [(0, 0), (1, 2)]:
        shifted = base.copy()
        shifted[idx] += eps
        kernel.assign(shifted)
        up = float(loss_fn(y, model(x)))
        shifted[idx] -= 2 * eps
        kernel.assign(shifted)
        down = float(loss_fn(y, model(x)))
        kernel.assign(base)
        assert grads[0].numpy()[idx] == pytest.approx((up - down) / (2 * eps), abs=2e-4)
