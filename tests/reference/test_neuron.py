"""course.reference.neuron: gradient descent by hand on one sigmoid neuron, against finite differences,
NumPy backpropagation and the formulas written out."""
import numpy as np
import pytest

from course.reference import neuron
from course.reference.backprop import loss_and_gradients

X = np.array([-2.0, -1.0, 0.5, 1.0, 3.0])          # one feature, five examples
Y = np.array([0.0, 0.0, 1.0, 1.0, 1.0])


def _numeric(loss, w, b, eps=1e-6):
    def f(w_, b_):
        return neuron.loss_and_gradients(X, Y, w_, b_, loss)["loss"]
    return (f(w + eps, b) - f(w - eps, b)) / (2 * eps), (f(w, b + eps) - f(w, b - eps)) / (2 * eps)


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_hand_gradients_equal_finite_differences(loss):
    for w, b in [(0.5, 0.0), (-1.3, 0.7), (2.0, -3.0)]:
        g = neuron.loss_and_gradients(X, Y, w, b, loss)
        dw, db = _numeric(loss, w, b)
        assert g["dw"] == pytest.approx(dw, abs=1e-7)
        assert g["db"] == pytest.approx(db, abs=1e-7)


def test_hand_bce_equals_numpy_backprop_and_the_formulas_written_out():
    g = neuron.loss_and_gradients(X, Y, 0.5, 0.0, "bce")
    loss, [(dW, db)] = loss_and_gradients(X.reshape(-1, 1), Y, [(np.array([[0.5]]), np.zeros(1), "sigmoid")])
    assert g["loss"] == pytest.approx(loss, abs=1e-12)
    assert (g["dw"], g["db"]) == pytest.approx((dW[0, 0], db[0]), abs=1e-12)
    p = 1 / (1 + np.exp(-(0.5 * X)))
    np.testing.assert_allclose(g["z"], 0.5 * X)
    np.testing.assert_allclose(g["p"], p)
    np.testing.assert_allclose(g["dz"], (p - Y) / 5)
    assert g["loss"] == pytest.approx(-np.mean(Y * np.log(p) + (1 - Y) * np.log(1 - p)), abs=1e-12)
    mse = neuron.loss_and_gradients(X, Y, 0.5, 0.0, "mse")
    assert mse["loss"] == pytest.approx(np.mean((p - Y) ** 2), abs=1e-12)
    np.testing.assert_allclose(mse["dz"], 2 * (p - Y) * p * (1 - p) / 5)


def test_descend_chains_each_update_into_the_next():
    steps = neuron.descend(X, Y, 0.5, 0.0, 0.5, 3)
    assert [s.step for s in steps] == [1, 2, 3]
    for s, nxt in zip(steps, steps[1:]):
        assert (s.w_new, s.b_new) == (s.w - 0.5 * s.dw, s.b - 0.5 * s.db)
        assert (nxt.w, nxt.b) == (s.w_new, s.b_new)
    first = neuron.loss_and_gradients(X, Y, 0.5, 0.0)
    assert (steps[0].dw, steps[0].db, steps[0].loss) == (first["dw"], first["db"], first["loss"])
    assert steps[-1].loss < steps[0].loss                                    # downhill


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="loss must be one of bce, mse; got 'hinge'"):
        neuron.loss_and_gradients(X, Y, 0.5, 0.0, "hinge")
    with pytest.raises(ValueError, match="x and y must hold the same non-zero number of values"):
        neuron.loss_and_gradients(X, Y[:3], 0.5, 0.0)
    for steps in (0, True, 2.0):
        with pytest.raises(ValueError, match="steps must be a positive integer"):
            neuron.descend(X, Y, 0.5, 0.0, 0.5, steps)
