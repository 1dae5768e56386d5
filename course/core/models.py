"""Keras model builders with readable layer names.

Layer names (``hidden_1``, ``hidden_2``, ``output``) become the TensorBoard tags
(``weights/hidden_1``, ``gradients/output/kernel``) and the names in the printed
update trace. Initial weights are seeded, so the same ``seed`` gives the same model.

    model = mlp(2, hidden=(16, 16), activation="relu", seed=0)
    model(np.zeros((5, 2), "float32")).shape    # (5, 1): a probability per example
"""
from __future__ import annotations

import functools

import numpy as np

from course.checks import check_bool, check_choice, check_int, check_seed
from course.core.runtime import keras
from course.reference import activations

ACTIVATIONS = activations.HIDDEN    # the hidden-layer activations of the registry


@functools.lru_cache(maxsize=None)
def keras_function(name: str):
    """The Keras activation the course's models use for ``name``, with the registry's constants
    (``course.reference.activations``): the function ``activations.FUNCTIONS[name]`` equals.

    One function object per name (cached), named like the activation, so a layer built with it
    can be recognised (``for_keras``). Imports TensorFlow.

    Example:
        >>> keras_function("leaky_relu")(np.array([-1.0]))    # tensor [-0.01]
    """
    function_name, kwargs = activations.get(name).keras
    base = getattr(keras.activations, function_name)
    if not kwargs:
        return base

    def activation(x):
        return base(x, **kwargs)
    activation.__name__ = activation.__qualname__ = name
    return activation


def for_keras(function):
    """The registry entry of a Keras activation function built by ``keras_function``, else None.

    A function Keras made with other constants (``"leaky_relu"`` has slope 0.2 there) is not ours.
    """
    for name, entry in activations.REGISTRY.items():
        if keras_function(name) is function:
            return entry
    return None


def _dense(units, activation, name, seed, use_bias=True):
    # Glorot-uniform kernels with an explicit seed per layer, zero biases: reproducible by construction.
    return keras.layers.Dense(
        units, activation=keras_function(activation), name=name, use_bias=use_bias,
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
        bias_initializer="zeros",
    )


def _stack(n_features, hidden, activation, output_units, output_activation, seed, name, use_bias=True):
    check_int("n_features", n_features)
    check_bool("use_bias", use_bias)
    check_seed(seed)
    check_choice("activation", activation, ACTIVATIONS)
    if isinstance(hidden, (str, bytes)) or not hasattr(hidden, "__iter__"):
        raise ValueError(f"hidden must be a sequence of layer sizes such as (16, 16) or (), got {hidden!r}")
    hidden = tuple(hidden)
    for units in hidden:
        check_int("each hidden layer size", units)
    layers = [keras.Input(shape=(n_features,), name="features")]
    for i, units in enumerate(hidden, start=1):
        layers.append(_dense(units, activation, f"hidden_{i}", seed + i, use_bias))
    layers.append(_dense(output_units, output_activation, "output", seed, use_bias))
    return keras.Sequential(layers, name=name)


def perceptron(n_features: int, seed: int = 0, use_bias: bool = True) -> keras.Model:
    """One Dense unit with a sigmoid: p = sigmoid(x @ w + b).

    Args:
        n_features: size of each input vector, x has shape (batch, n_features).
        seed: seeds the initial weights.
        use_bias: False drops b: p = sigmoid(x @ w), a boundary that must pass through the origin.

    Example:
        >>> model = perceptron(2)
        >>> [v.shape for v in model.trainable_variables]    # kernel (2, 1), bias (1,)
        [(2, 1), (1,)]
    """
    return _stack(n_features, (), "linear", 1, "sigmoid", seed, "perceptron", use_bias)


def mlp(n_features: int, hidden=(16, 16), activation: str = "relu", seed: int = 0,
        use_bias: bool = True) -> keras.Model:
    """A multi-layer perceptron for binary labels: hidden Dense layers, then one sigmoid unit.

    Args:
        n_features: input size, x has shape (batch, n_features).
        hidden: units per hidden layer, e.g. (16, 16) -> layers hidden_1, hidden_2.
        activation: activation of the hidden layers (see ``ACTIVATIONS``).
        seed: seeds the initial weights.
        use_bias: False builds every layer without a bias vector.

    Example:
        >>> model = mlp(2, hidden=(4,), activation="tanh")
        >>> [layer.name for layer in model.layers]
        ['hidden_1', 'output']
    """
    return _stack(n_features, hidden, activation, 1, "sigmoid", seed, "mlp", use_bias)


def softmax_classifier(n_features: int, n_classes: int, hidden=(), activation: str = "relu",
                       seed: int = 0) -> keras.Model:
    """Optional hidden layers, then one softmax unit per class: p = softmax(h @ W + b).

    Example:
        >>> model = softmax_classifier(4, 3)           # iris: 4 features, 3 species
        >>> model.output_shape
        (None, 3)
    """
    check_int("n_classes", n_classes)
    if n_classes < 2:
        raise ValueError(f"n_classes must be at least 2, got {n_classes}")
    return _stack(n_features, hidden, activation, n_classes, "softmax", seed, "softmax_classifier")


def variable_name(variable) -> str:
    """``hidden_1/kernel`` for a Keras 3 variable whose path is ``mlp/hidden_1/kernel``."""
    parts = variable.path.split("/")
    return "/".join(parts[-2:]) if len(parts) >= 2 else variable.path


def parameter_count(model) -> int:
    """Number of trainable scalars in ``model``."""
    return int(sum(int(np.prod(v.shape)) for v in model.trainable_variables))


def is_binary(model) -> bool:
    """True when the model ends in a single sigmoid unit (binary labels), False for softmax."""
    return int(model.output_shape[-1]) == 1
