import numpy as np
import pytest

from course import models


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
    (lambda: models.mlp(2, activation="sigmoidal"), "activation must be one of"),
    (lambda: models.softmax_classifier(4, 1), "n_classes must be at least 2"),
    (lambda: models.perceptron(2, seed=-3), "seed must be an integer from 0 to 4294967295"),
])
def test_bad_arguments_raise(call, message):
    with pytest.raises(ValueError, match=message):
        call()
