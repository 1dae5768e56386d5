"""course.reference.backprop: NumPy backpropagation, against GradientTape, finite differences and a step by hand."""
import numpy as np
import pytest

from course.core import models
from course.core.runtime import tf
from course.core.step import labels_for, loss_for
from course.reference.backprop import loss_and_gradients, sgd_step
from course.reference.forward import layers_from_keras


@pytest.mark.parametrize("build, n_classes", [
    (lambda: models.perceptron(3, seed=0), 2),
    (lambda: models.mlp(3, hidden=(5, 4), activation="tanh", seed=1), 2),
    (lambda: models.mlp(3, hidden=(6,), activation="relu", seed=2), 2),
    (lambda: models.mlp(3, hidden=(4,), activation="sigmoid", seed=3), 2),
    (lambda: models.mlp(3, hidden=(4,), activation="gelu", seed=5), 2),
    (lambda: models.softmax_classifier(3, 4, hidden=(5,), seed=4), 4),
])
def test_backprop_equals_the_gradient_tape(build, n_classes, rng):
    model = build()
    x = rng.normal(size=(9, 3)).astype(np.float32)
    y = rng.integers(0, n_classes, size=9)
    loss, grads = loss_and_gradients(x, y, layers_from_keras(model))
    with tf.GradientTape() as tape:
        tape_loss = loss_for(model)(labels_for(model, y), model(x))
    tape_grads = tape.gradient(tape_loss, model.trainable_variables)
    assert loss == pytest.approx(float(tape_loss), abs=1e-5)
    ours = [g for pair in grads for g in pair]
    assert len(ours) == len(tape_grads)
    for mine, theirs in zip(ours, tape_grads):
        np.testing.assert_allclose(mine, theirs.numpy(), atol=1e-5)


def test_backprop_equals_centered_finite_differences_in_float64(rng):
    W1, b1 = rng.normal(size=(2, 3)), rng.normal(size=3)
    W2, b2 = rng.normal(size=(3, 1)), rng.normal(size=1)
    x, y = rng.normal(size=(5, 2)), np.array([0, 1, 1, 0, 1])
    layers = [(W1, b1, "tanh"), (W2, b2, "sigmoid")]
    _, grads = loss_and_gradients(x, y, layers)
    eps = 1e-6
    for li in range(2):
        for k in range(2):                       # W, then b
            value = layers[li][k]
            for idx in np.ndindex(value.shape):
                shifted = []
                for sign in (1, -1):
                    v = value.copy()
                    v[idx] += sign * eps
                    layer = (v, layers[li][1], "tanh" if li == 0 else "sigmoid") if k == 0 else \
                        (layers[li][0], v, "tanh" if li == 0 else "sigmoid")
                    shifted.append(loss_and_gradients(x, y, [*layers[:li], layer, *layers[li + 1:]])[0])
                numeric = (shifted[0] - shifted[1]) / (2 * eps)
                assert abs(numeric - grads[li][k][idx]) <= 1e-6 * max(1.0, abs(numeric))


def test_sgd_step_moves_against_the_gradient():
    layers = [(np.array([[0.5], [-0.5]]), np.array([0.1]), "sigmoid")]
    x, y = np.array([[1.0, 2.0]]), np.array([1])
    loss, new = sgd_step(x, y, layers, 0.1)
    p = 1 / (1 + np.exp(-(0.5 - 1.0 + 0.1)))
    np.testing.assert_allclose(new[0][0], [[0.5 - 0.1 * (p - 1) * 1.0], [-0.5 - 0.1 * (p - 1) * 2.0]])
    np.testing.assert_allclose(new[0][1], [0.1 - 0.1 * (p - 1)])
    assert new[0][2] == "sigmoid"
    assert loss == pytest.approx(-np.log(p))


def test_bad_labels_and_output_layers_are_named():
    layers = [(np.zeros((2, 3)), np.zeros(3), "softmax")]
    with pytest.raises(ValueError, match=r"labels must lie in 0\.\.2 for 3 softmax outputs"):
        loss_and_gradients(np.zeros((2, 2)), [0, 3], layers)
    with pytest.raises(ValueError, match="y must hold one label per example"):
        loss_and_gradients(np.zeros((2, 2)), [0, 1, 2], layers)
    with pytest.raises(ValueError, match="the last layer must be sigmoid or softmax, got 'relu'"):
        loss_and_gradients(np.zeros((2, 2)), [0, 1], [(np.zeros((2, 1)), np.zeros(1), "relu")])
