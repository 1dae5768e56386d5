"""course.core.gradients: the gradient check (GradientTape against finite differences, in float64) and
the gradient norm per layer. The oracles: NumPy backpropagation (course.reference), the MSE gradient
derived by hand, and exact relative errors of chosen numbers."""
import numpy as np
import pytest

from course.core import gradients
from course.core.datasets import breast_cancer, iris
from course.core.models import mlp, perceptron, softmax_classifier
from course.core.runtime import keras
from course.reference.backprop import loss_and_gradients
from course.reference.forward import layers_from_keras

TOL = 1e-6


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_layer_gradient_norms_equal_numpy_backprop(rng):
    model = mlp(2, hidden=(5,) * 3, activation="sigmoid", seed=3)
    x = rng.normal(size=(40, 2)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    norms = gradients.layer_gradient_norms(model, x, y)
    _, grads = loss_and_gradients(x, y, layers_from_keras(model))
    assert list(norms) == ["hidden_1", "hidden_2", "hidden_3", "output"]
    np.testing.assert_allclose(list(norms.values()), [np.linalg.norm(dW) for dW, _ in grads], rtol=1e-4)


def test_layer_gradient_norms_of_a_softmax_model(rng):
    model = softmax_classifier(4, 3, hidden=(6,), seed=1)
    x, y = rng.normal(size=(30, 4)).astype(np.float32), rng.integers(0, 3, 30)
    _, grads = loss_and_gradients(x, y, layers_from_keras(model))
    norms = gradients.layer_gradient_norms(model, x, y)
    np.testing.assert_allclose([norms["hidden_1"], norms["output"]], [np.linalg.norm(g[0]) for g in grads], rtol=1e-4)


def test_gradient_check_on_a_softmax_model_agrees_with_numpy_backprop():
    ds = iris(seed=0)
    model = softmax_classifier(4, 3, hidden=(8,), activation="tanh", seed=1)
    before = [w.copy() for w in model.get_weights()]
    x, y = ds.x_train[:16], ds.y_train[:16]
    errors = gradients.gradient_check(model, x, y)
    assert set(errors) == {"hidden_1/kernel", "hidden_1/bias", "output/kernel", "output/bias"}
    assert max(errors.values()) <= TOL
    loss, tape = gradients.tape_gradients(model, x, y)
    ref_loss, ref = loss_and_gradients(x, y, layers_from_keras(model))
    assert loss == pytest.approx(ref_loss, rel=1e-12)
    for g, r in zip(tape.values(), [g for pair in ref for g in pair]):
        np.testing.assert_allclose(g, r, rtol=1e-10, atol=1e-14)
    numeric = gradients.finite_difference_gradients(model, x, y)
    for name in tape:
        np.testing.assert_allclose(numeric[name], tape[name], rtol=1e-6, atol=1e-9)
    for w, b in zip(model.get_weights(), before):                 # the model itself is untouched
        np.testing.assert_array_equal(w, b)
    assert model.trainable_variables[0].dtype == "float32"


def test_gradient_check_with_a_named_loss_matches_the_mse_formula(rng):
    model = perceptron(3, seed=0)
    x, y = rng.normal(size=(10, 3)), rng.integers(0, 2, 10)
    errors = gradients.gradient_check(model, x, y, loss="mean_squared_error")
    assert max(errors.values()) <= TOL
    _, tape = gradients.tape_gradients(model, x, y, loss=keras.losses.MeanSquaredError())
    w, b = (v.astype(np.float64) for v in model.get_weights())
    p = _sigmoid(x @ w + b).reshape(-1)
    common = 2 * (p - y) * p * (1 - p) / len(y)                    # d mean((p - y)^2) / dz
    np.testing.assert_allclose(tape["output/kernel"].reshape(-1), x.T @ common, rtol=1e-10)
    np.testing.assert_allclose(tape["output/bias"], [common.sum()], rtol=1e-10)
    _, plain = gradients.tape_gradients(model, x, y, loss=lambda t, q: (t - q) ** 2)   # a callable: its mean
    np.testing.assert_allclose(plain["output/bias"], [common.sum()], rtol=1e-10)


def test_as_float64_and_relative_error_and_bad_input():
    model = mlp(2, hidden=(4,), activation="relu", seed=0)
    copy = gradients.as_float64(model)
    assert all(v.dtype == "float64" for v in copy.trainable_variables) and copy.inputs[0].dtype == "float64"
    x = np.linspace(-1, 1, 10).reshape(5, 2).astype(np.float32)
    np.testing.assert_allclose(np.asarray(copy(x)), np.asarray(model(x)), atol=1e-6)
    assert gradients.relative_error([3.0, 4.0], [3.0, 4.000005]) == pytest.approx(5e-6 / np.hypot(3, 4.000005),
                                                                                   rel=1e-9)
    assert gradients.relative_error(2.0, 2.000002) == pytest.approx(2e-6 / 2.000002, rel=1e-9)
    assert gradients.relative_error([0.0, 1.0], [0.0, 1.0]) == 0.0
    assert gradients.relative_error([1.0], [-1.0]) == 2.0
    assert gradients.relative_error([], []) == 0.0
    with pytest.raises(ValueError, match="same shape"):
        gradients.relative_error([1.0], [1.0, 2.0])
    with pytest.raises(TypeError, match="keras.Model"):
        gradients.gradient_check("model", x, [0] * 5)
    with pytest.raises(ValueError, match="eps"):
        gradients.finite_difference_gradients(model, x, [0] * 5, eps=0)
    with pytest.raises(ValueError, match="one label in y per row"):
        gradients.tape_gradients(model, x, [0] * 4)
    with pytest.raises(TypeError, match="loss must be a keras Loss"):
        gradients.tape_gradients(model, x, [0] * 5, loss=3)


def test_gradient_check_accepts_correct_gradients_with_tiny_entries():
    # A sigmoid MLP on 30 breast-cancer features: many gradient entries are tiny, and finite
    # differences' absolute error (~1e-10) made an entrywise ratio exceed 1e-6 for correct gradients.
    ds = breast_cancer(seed=0)
    model = mlp(30, hidden=(16, 16), activation="sigmoid", seed=0)
    errors = gradients.gradient_check(model, ds.x_train[:32], ds.y_train[:32])
    assert max(errors.values()) < 1e-6
    tape = gradients.tape_gradients(model, ds.x_train[:32], ds.y_train[:32])[1]
    wrong = {name: g * (1 + 1e-3) for name, g in tape.items()}     # a 0.1 % error is caught
    assert all(gradients.relative_error(wrong[n], tape[n]) == pytest.approx(1e-3 / (1 + 1e-3)) for n in tape)
