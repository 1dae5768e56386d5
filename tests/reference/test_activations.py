"""course.reference.activations: the one registry of activations. NumPy f and f' against Keras's own
functions (with the registry's constants), finite differences, the GradientTape and worked values."""
import dataclasses
import math

import numpy as np
import pytest

from course.core.runtime import keras, tf
from course.reference import activations
from course.reference.activations import REGISTRY
from tests.helpers import python

Z = np.linspace(-6.0, 6.0, 241)
ELEMENTWISE = [n for n in REGISTRY if n != "softmax"]


@pytest.mark.parametrize("name", list(REGISTRY))
def test_numpy_equals_the_keras_function_the_registry_names(name):
    function_name, kwargs = REGISTRY[name].keras
    keras_out = np.asarray(getattr(keras.activations, function_name)(tf.constant(Z, tf.float64), **kwargs))
    np.testing.assert_allclose(REGISTRY[name].f(Z), keras_out, rtol=0, atol=1e-6)


def test_the_registrys_constants_are_not_keras_defaults():
    assert REGISTRY["leaky_relu"].keras == ("leaky_relu", {"negative_slope": 0.01})
    assert REGISTRY["gelu"].keras == ("gelu", {"approximate": False})
    z = np.array([-2.0, -1.0])
    np.testing.assert_allclose(activations.leaky_relu(z), [-0.02, -0.01])          # 0.01 z, by hand
    np.testing.assert_allclose(keras.activations.leaky_relu(z), [-0.4, -0.2], atol=1e-7)   # Keras 3: 0.2
    approx = np.asarray(keras.activations.gelu(tf.constant(Z), approximate=True))
    assert np.max(np.abs(approx - activations.gelu(Z))) > 1e-4     # tanh form differs; we match erf


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivatives_equal_finite_differences_and_the_tape(name):
    z = Z[np.abs(Z) > 1e-3]                       # off the kink of relu / leaky relu at 0
    h = 1e-6
    f, df = REGISTRY[name].f, REGISTRY[name].df
    np.testing.assert_allclose(df(z), (f(z + h) - f(z - h)) / (2 * h), atol=1e-6)
    function_name, kwargs = REGISTRY[name].keras
    t = tf.constant(Z, tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(t)
        out = getattr(keras.activations, function_name)(t, **kwargs)
    np.testing.assert_allclose(df(Z), tape.gradient(out, t).numpy(), atol=1e-6)


def test_softmax_jacobian_and_its_diagonal():
    z = np.array([-5.0, -1.0, 0.0, 1.0, 5.0])
    t = tf.constant(z)
    with tf.GradientTape() as tape:
        tape.watch(t)
        out = keras.activations.softmax(t)
    np.testing.assert_allclose(activations.softmax_jacobian(z), tape.jacobian(out, t).numpy(), atol=1e-12)
    np.testing.assert_allclose(np.diag(activations.softmax_jacobian(z)), activations.DERIVATIVES["softmax"](z))
    np.testing.assert_allclose(activations.softmax(z).sum(), 1.0)


def test_softmax_survives_huge_logits():
    z = np.array([[2.0, 1.0, 0.1], [1000.0, 999.0, 998.0]])
    p = activations.softmax(z)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    e = np.exp([2.0, 1.0, 0.1])
    np.testing.assert_allclose(p[0], e / e.sum(), rtol=1e-12)
    # shift-invariant: logits near 1000 give the same probabilities as [2, 1, 0]
    np.testing.assert_allclose(p[1], activations.softmax(np.array([2.0, 1.0, 0.0])), atol=1e-12)
    assert np.all(np.isfinite(p))


def test_worked_values_and_no_overflow():
    s = activations.FUNCTIONS["sigmoid"](np.array([-5.0, 5.0]))
    assert (round(s[0], 4), round(s[1], 4)) == (0.0067, 0.9933)
    assert s[0] == pytest.approx(1 / (1 + np.exp(5)), abs=1e-15)
    assert activations.sigmoid(np.array([-1000.0, 1000.0])).tolist() == [0.0, 1.0]     # no overflow warning
    assert activations.DERIVATIVES["sigmoid"](0.0) == 0.25       # its largest value
    assert activations.DERIVATIVES["tanh"](0.0) == 1.0
    assert activations.gelu(1.0) == pytest.approx(0.5 * (1 + math.erf(1 / math.sqrt(2))), abs=1e-15)  # 1 * Phi(1)
    assert activations.swish(1.0) == pytest.approx(1 / (1 + np.exp(-1)), abs=1e-15)
    assert activations.elu(-1.0) == pytest.approx(np.exp(-1) - 1, abs=1e-15)
    assert activations.relu(np.array([-1.0, 2.0])).tolist() == [0.0, 2.0]
    assert activations.linear(3).tolist() == 3.0


def test_the_views_are_the_registry_in_its_order():
    toured = [name for name, a in REGISTRY.items() if a.facts is not None]
    assert list(activations.FUNCTIONS) == list(activations.DERIVATIVES) == list(activations.TABLE) == toured
    assert "linear" in REGISTRY and "linear" not in activations.TABLE          # in no tour: no facts
    for name in toured:
        assert activations.FUNCTIONS[name] is REGISTRY[name].f and activations.DERIVATIVES[name] is REGISTRY[name].df
        assert activations.TABLE[name] is REGISTRY[name].facts
    assert activations.HIDDEN == tuple(n for n in REGISTRY if n != "softmax")
    assert activations.get("tanh") is REGISTRY["tanh"]
    with pytest.raises(ValueError, match=r"^activation must be one of sigmoid, tanh, relu, .*; got 'swishy'$"):
        activations.get("swishy")


def test_adding_an_activation_is_one_registry_entry(monkeypatch, rng):
    """A new entry is all the NumPy forward pass and backpropagation need: no other table to edit."""
    from course.reference.backprop import loss_and_gradients
    from course.reference.forward import forward

    softplus = activations.Activation("softplus_test", lambda z: np.logaddexp(0.0, z),
                                      lambda z: activations.sigmoid(z), ("softplus", {}), None)
    monkeypatch.setitem(REGISTRY, "softplus_test", softplus)
    x, y = rng.normal(size=(6, 2)), np.array([0, 1, 1, 0, 1, 0])
    W1, b1, W2, b2 = rng.normal(size=(2, 3)), rng.normal(size=3), rng.normal(size=(3, 1)), rng.normal(size=1)
    steps = forward(x, [(W1, b1, "softplus_test"), (W2, b2, "sigmoid")])
    np.testing.assert_allclose(steps[0]["a"], np.log1p(np.exp(x @ W1 + b1)), rtol=1e-12)
    _, grads = loss_and_gradients(x, y, [(W1, b1, "softplus_test"), (W2, b2, "sigmoid")])
    eps, shifted = 1e-6, W1.copy()
    shifted[1, 2] += eps
    up = loss_and_gradients(x, y, [(shifted, b1, "softplus_test"), (W2, b2, "sigmoid")])[0]
    shifted[1, 2] -= 2 * eps
    down = loss_and_gradients(x, y, [(shifted, b1, "softplus_test"), (W2, b2, "sigmoid")])[0]
    assert grads[0][0][1, 2] == pytest.approx((up - down) / (2 * eps), rel=1e-6)
    # ... and the Keras side the model builders use comes from the same entry
    from course.core.models import for_keras, keras_function
    keras_softplus = keras_function("softplus_test")
    np.testing.assert_allclose(np.asarray(keras_softplus(tf.constant(Z))), softplus.f(Z), atol=1e-6)
    assert for_keras(keras_softplus) is softplus
    with pytest.raises(dataclasses.FrozenInstanceError):
        REGISTRY["relu"].f = None                                   # entries cannot be changed in place


def test_the_references_never_import_tensorflow():
    # import-time behaviour: a fresh process imports every reference module and nothing of TensorFlow
    code = ("import sys\nimport course.reference, course.reference.activations, course.reference.forward, "
            "course.reference.losses, course.reference.backprop, course.reference.optimizers, "
            "course.reference.neuron\n"
            "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))")
    proc = python("-c", code, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "[]\n"
