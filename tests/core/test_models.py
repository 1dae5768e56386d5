"""course.core.models: the Keras builders and the Keras side of the activation registry
(keras_function, for_keras), against the NumPy references."""
import math

import numpy as np
import pytest

from course.core import models
from course.core.runtime import keras, tf
from course.reference import activations
from course.reference.forward import layers_from_keras, predict


def test_perceptron_is_one_sigmoid_unit():
    model = models.perceptron(3, seed=0)
    assert [layer.name for layer in model.layers] == ["output"]
    assert [models.variable_name(v) for v in model.trainable_variables] == ["output/kernel", "output/bias"]
    assert models.parameter_count(model) == 4
    w, b = model.get_layer("output").get_weights()
    x = np.array([[0.5, -1.0, 2.0]], dtype=np.float32)
    expected = 1 / (1 + np.exp(-(x @ w + b)))
    np.testing.assert_allclose(np.asarray(model(x)), expected, rtol=1e-6)
    assert models.is_binary(model)


def test_mlp_layer_names_sizes_and_activation():
    model = models.mlp(2, hidden=(16, 8), activation="tanh", seed=0)
    assert [layer.name for layer in model.layers] == ["hidden_1", "hidden_2", "output"]
    assert [layer.units for layer in model.layers] == [16, 8, 1]
    assert model.get_layer("hidden_1").activation.__name__ == "tanh"
    assert model.get_layer("output").activation.__name__ == "sigmoid"
    assert models.parameter_count(model) == 2 * 16 + 16 + 16 * 8 + 8 + 8 + 1
    assert [models.variable_name(v) for v in model.trainable_variables] == [
        "hidden_1/kernel", "hidden_1/bias", "hidden_2/kernel", "hidden_2/bias", "output/kernel", "output/bias"]


def test_softmax_classifier_outputs_probabilities():
    model = models.softmax_classifier(4, 3, hidden=(5,), seed=0)
    assert model.output_shape == (None, 3)
    assert not models.is_binary(model)
    p = np.asarray(model(np.random.default_rng(0).normal(size=(7, 4)).astype(np.float32)))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)
    assert [layer.name for layer in model.layers] == ["hidden_1", "output"]


def test_same_seed_same_initial_weights_other_seed_differs():
    a, b, c = models.mlp(2, seed=7), models.mlp(2, seed=7), models.mlp(2, seed=8)
    for va, vb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(va, vb)
    assert not np.array_equal(a.get_weights()[0], c.get_weights()[0])


@pytest.mark.parametrize("call, message", [
    (lambda: models.perceptron(0), "n_features must be a positive integer"),
    (lambda: models.mlp(2, hidden=(4, 0)), "each hidden layer size"),
    (lambda: models.mlp(2, hidden=5), r"hidden must be a sequence of layer sizes such as \(16, 16\) or \(\), got 5"),
    (lambda: models.mlp(2, activation="sigmoidal"), "activation must be one of"),
    (lambda: models.softmax_classifier(4, 1), "n_classes must be at least 2"),
    (lambda: models.perceptron(2, seed=-3), "seed must be an integer from 0 to 4294967295"),
])
def test_bad_arguments_raise(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_no_bias_models_are_sigmoid_of_x_at_w():
    model = models.perceptron(2, seed=0, use_bias=False)
    assert [models.variable_name(v) for v in model.trainable_variables] == ["output/kernel"]
    x = np.array([[0.5, -1.0], [2.0, 3.0]], dtype=np.float32)
    w = model.get_layer("output").get_weights()[0].astype(np.float64)
    np.testing.assert_allclose(np.asarray(model(x)), 1 / (1 + np.exp(-(x @ w))), atol=1e-6)
    (W, b, act), = layers_from_keras(model)
    np.testing.assert_array_equal(b, [0.0])
    assert models.parameter_count(models.mlp(2, hidden=(3,), use_bias=False)) == 2 * 3 + 3 * 1
    with pytest.raises(ValueError, match="use_bias must be True or False"):
        models.mlp(2, use_bias=1)


def test_hidden_activations_are_the_registrys_except_softmax():
    assert models.ACTIVATIONS == tuple(name for name, a in activations.REGISTRY.items() if a.hidden)
    assert "softmax" not in models.ACTIVATIONS and {"relu", "leaky_relu", "gelu"} <= set(models.ACTIVATIONS)
    with pytest.raises(ValueError, match="activation must be one of"):
        models.mlp(2, activation="softmax")


Z = np.linspace(-6.0, 6.0, 241)


@pytest.mark.parametrize("name", list(activations.REGISTRY))
def test_keras_function_equals_the_numpy_registry_function(name):
    keras_out = np.asarray(models.keras_function(name)(tf.constant(Z, tf.float64)))
    np.testing.assert_allclose(keras_out, activations.REGISTRY[name].f(Z), rtol=0, atol=1e-6)


def test_keras_function_uses_slope_0_01_for_leaky_relu_and_exact_gelu():
    z = np.array([-2.0, -1.0, 3.0])
    leaky = models.keras_function("leaky_relu")
    np.testing.assert_allclose(leaky(tf.constant(z)), [-0.02, -0.01, 3.0])            # by hand: 0.01 z for z < 0
    np.testing.assert_allclose(keras.activations.leaky_relu(z), [-0.4, -0.2, 3.0], atol=1e-7)   # Keras 3's 0.2
    gelu = np.asarray(models.keras_function("gelu")(tf.constant(Z, tf.float64)))
    exact = np.array([0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in Z])          # z Phi(z), Phi by erf
    np.testing.assert_allclose(gelu, exact, rtol=1e-6, atol=1e-8)
    approximate = np.asarray(keras.activations.gelu(tf.constant(Z), approximate=True))
    assert np.max(np.abs(approximate - exact)) > 1e-4                                  # the tanh form is not ours
    assert leaky.__name__ == "leaky_relu" and models.keras_function("leaky_relu") is leaky   # one object a name
    assert models.keras_function("relu") is keras.activations.relu                   # no constants: Keras's own


def test_for_keras_finds_only_the_registrys_own_functions():
    model = models.mlp(2, hidden=(3, 3), activation="leaky_relu", seed=0)
    assert [models.for_keras(layer.activation).name for layer in model.layers] == ["leaky_relu", "leaky_relu",
                                                                                  "sigmoid"]
    assert models.for_keras(keras.activations.leaky_relu) is None     # Keras's own, slope 0.2: not ours
    assert models.for_keras(keras.activations.selu) is None           # not in the registry
    assert models.for_keras(lambda x: x) is None
    for name, entry in activations.REGISTRY.items():
        assert models.for_keras(models.keras_function(name)) is entry


def test_a_leaky_relu_mlp_equals_the_numpy_forward_pass_with_slope_0_01(rng):
    model = models.mlp(3, hidden=(6, 4), activation="leaky_relu", seed=2)
    x = rng.normal(size=(32, 3)).astype(np.float32) * 3
    layers = layers_from_keras(model)
    assert [act for _, _, act in layers] == ["leaky_relu", "leaky_relu", "sigmoid"]
    np.testing.assert_allclose(np.asarray(model(x)), predict(x, layers), atol=1e-6)
    # the same weights with Keras's default slope (0.2) give other outputs: the slope is really 0.01
    h = x @ layers[0][0] + layers[0][1]
    assert np.any(h < 0)
    np.testing.assert_allclose(np.asarray(model.get_layer("hidden_1")(x)), np.where(h > 0, h, 0.01 * h), atol=1e-5)
