"""course.reference.forward: the NumPy forward pass, against Keras models and numbers worked by hand."""
import numpy as np
import pytest

from course.core import models
from course.reference.forward import dense, forward, layers_from_keras, predict


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "swish"])
def test_forward_equals_keras_mlp_to_1e6(activation, rng):
    model = models.mlp(3, hidden=(5, 4), activation=activation, seed=1)
    x = rng.normal(size=(10, 3)).astype(np.float32)
    np.testing.assert_allclose(predict(x, layers_from_keras(model)), np.asarray(model(x)), atol=1e-6)


def test_only_the_registrys_constants_are_read_back(rng):
    import keras
    plain = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="swish"),
                              keras.layers.Dense(1, activation="sigmoid")])
    x = rng.normal(size=(4, 3)).astype(np.float32)        # Keras's own swish (named silu) is the registry's
    np.testing.assert_allclose(predict(x, layers_from_keras(plain)), np.asarray(plain(x)), atol=1e-6)
    slope_02 = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="leaky_relu")])
    with pytest.raises(ValueError, match="'leaky_relu' is not one of the registry's"):   # Keras's slope is 0.2
        layers_from_keras(slope_02)


def test_forward_equals_keras_softmax_classifier(rng):
    model = models.softmax_classifier(4, 3, hidden=(6,), seed=2)
    x = rng.normal(size=(8, 4)).astype(np.float32)
    np.testing.assert_allclose(predict(x, layers_from_keras(model)), np.asarray(model(x)), atol=1e-6)


def test_forward_keeps_every_intermediate_value():
    W1, b1 = np.array([[1.0, -1.0], [2.0, 0.5]]), np.array([0.5, -0.5])
    W2, b2 = np.array([[1.0], [-2.0]]), np.array([0.25])
    x = np.array([[1.0, 2.0]])
    steps = forward(x, [(W1, b1, "relu"), (W2, b2, "sigmoid")])
    np.testing.assert_allclose(steps[0]["z"], [[1 + 4 + 0.5, -1 + 1 - 0.5]])     # by hand
    np.testing.assert_allclose(steps[0]["a"], [[5.5, 0.0]])
    np.testing.assert_array_equal(steps[0]["input"], x)
    np.testing.assert_allclose(steps[1]["input"], [[5.5, 0.0]])
    np.testing.assert_allclose(steps[1]["z"], [[5.5 + 0.25]])
    np.testing.assert_allclose(steps[1]["a"], [[1 / (1 + np.exp(-5.75))]])
    assert [s["activation"] for s in steps] == ["relu", "sigmoid"]
    np.testing.assert_array_equal(predict(x, [(W1, b1, "relu"), (W2, b2, "sigmoid")]), steps[-1]["a"])


def test_dense_is_x_at_w_plus_b_through_the_activation():
    z, a = dense(np.array([[1.0, -1.0]]), np.array([[2.0], [3.0]]), np.array([0.5]), "leaky_relu")
    assert z.tolist() == [[2.0 - 3.0 + 0.5]] and a.tolist() == [[-0.005]]      # slope 0.01 below 0


def test_layers_from_keras_reads_kernels_biases_and_activation_names():
    model = models.mlp(2, hidden=(3,), activation="tanh", seed=0)
    layers = layers_from_keras(model)
    assert [(W.shape, b.shape, act) for W, b, act in layers] == [((2, 3), (3,), "tanh"), ((3, 1), (1,), "sigmoid")]
    assert all(W.dtype == np.float64 and b.dtype == np.float64 for W, b, _ in layers)
    np.testing.assert_array_equal(layers[0][0], model.get_layer("hidden_1").kernel.numpy())
    no_bias = layers_from_keras(models.perceptron(2, use_bias=False))
    np.testing.assert_array_equal(no_bias[0][1], [0.0])                        # a missing bias reads as 0


def test_dense_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="cannot be multiplied"):
        dense(np.zeros((2, 3)), np.zeros((2, 1)), np.zeros(1), "relu")
    with pytest.raises(ValueError, match=r"b must have shape \(1,\)"):
        dense(np.zeros((2, 2)), np.zeros((2, 1)), np.zeros(2), "relu")
    with pytest.raises(ValueError, match="activation must be one of"):
        dense(np.zeros((2, 2)), np.zeros((2, 1)), np.zeros(1), "swishy")


def test_bad_layers_are_named():
    with pytest.raises(ValueError, match=r"layers must be a non-empty list of \(W, b, activation\)"):
        forward(np.zeros((1, 2)), [(np.zeros((2, 1)), np.zeros(1))])
    with pytest.raises(ValueError, match=r"layers must be a non-empty list"):
        forward(np.zeros((1, 2)), [])
