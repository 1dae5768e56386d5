"""The model exercise, driven: a learner's Keras model described as data (its layers with their kinds, units,
activations, biases and names, its parameter count) and run forward with seeded weights, so that the checker
can compare it with the specification computed in NumPy (``specified``), never importing TensorFlow.

    layers, parameters, p = describe(mlp_model, n_features=2, hidden=(3,), activation="relu", x=x, seed=0)
    layers == (("input", "Input", 2, "", False), ("hidden_1", "Dense", 3, "relu", True), ("output", ...))

A layer is (name, kind, units, activation, uses a bias); the first entry is the input, with its size.
``parameters`` is -1 for a model with no weights yet (no ``keras.Input``); a value that is not a Keras model
is described as ("not a Keras model", its type).
"""
from __future__ import annotations

import numpy as np

from course.reference.forward import forward

NOT_A_MODEL = "not a Keras model"


def seeded_weights(shapes, seed) -> list:
    """One array per shape, drawn in order from ``seed``: the weights both sides run the model with."""
    rng = np.random.default_rng(seed)
    return [rng.normal(0.0, 0.7, size=shape) for shape in shapes]


def specified(n_features, hidden, activation, x, seed):
    """What the specification says, in NumPy: the layers, the parameter count, the forward pass."""
    sizes = [n_features, *hidden, 1]
    layers = [("input", "Input", n_features, "", False)]
    layers += [(f"hidden_{i}", "Dense", units, activation, True) for i, units in enumerate(hidden, start=1)]
    layers += [("output", "Dense", 1, "sigmoid", True)]
    shapes = [s for a, b in zip(sizes[:-1], sizes[1:]) for s in ((a, b), (b,))]
    weights = seeded_weights(shapes, seed)
    activations = [activation] * len(hidden) + ["sigmoid"]
    steps = forward(x, [(weights[2 * i], weights[2 * i + 1], f) for i, f in enumerate(activations)])
    parameters = sum(int(np.prod(s)) for s in shapes)
    return tuple(layers), parameters, steps[-1]["a"]


def _activation(layer) -> str:
    function = getattr(layer, "activation", None)
    return getattr(function, "__name__", str(function)) if function is not None else ""


def _layer(layer) -> tuple:
    kind = type(layer).__name__
    units = getattr(layer, "units", None)
    return (layer.name, kind, int(units) if isinstance(units, int) else -1, _activation(layer),
            bool(getattr(layer, "use_bias", False)))


def describe(function, n_features, hidden, activation, x, seed):
    """Build the learner's model (``function(n_features, hidden, activation)``) and describe it: (layers,
    parameters, the outputs on ``x`` with ``seeded_weights`` in the model's own variables' order)."""
    from course.core.runtime import keras
    model = function(n_features, hidden, activation)
    if not isinstance(model, keras.Model):
        return (NOT_A_MODEL, type(model).__name__), -1, np.zeros(0)
    layers = [_layer(layer) for layer in model.layers if type(layer).__name__ != "InputLayer"]
    try:
        shape = model.input_shape
        size = int(shape[-1]) if isinstance(shape, tuple) and isinstance(shape[-1], int) else -1
        built = model.built and bool(model.weights)
    except Exception:  # noqa: BLE001 - a model that was never called has no input shape (Keras says so its way)
        size, built = -1, False
    layers.insert(0, ("input", "Input", size, "", False))
    if not built:
        return tuple(layers), -1, np.zeros(0)
    if size != np.shape(x)[-1]:               # the wrong input size: the layers say so, no forward pass
        return tuple(layers), int(model.count_params()), np.zeros(0)
    variables = model.trainable_variables
    for variable, value in zip(variables, seeded_weights([tuple(v.shape) for v in variables], seed)):
        variable.assign(value.astype(np.float32))
    p = np.asarray(model(np.asarray(x, np.float32)), np.float64)
    return tuple(layers), int(model.count_params()), p
