"""From-scratch NumPy forward propagation: the oracle the lessons and tests compare Keras against.

A network is a list of ``(W, b, activation)`` layers, the activation a name from the registry
(``course.reference.activations``); ``forward`` keeps every intermediate value so a lesson can print
the computation step by step.

    layers = [(W1, b1, "sigmoid"), (W2, b2, "sigmoid")]   # W1 (2, 2), b1 (2,), W2 (2, 1), b2 (1,)
    steps = forward(x, layers)                            # steps[-1]["a"] is the output
"""
from __future__ import annotations

import numpy as np

from course.reference.activations import get as activation_named, name_of_keras


def dense(x, W, b, activation):
    """One Dense layer. x (batch, n_in) @ W (n_in, n_out) + b (n_out,) -> z, a (batch, n_out)."""
    f = activation_named(activation).f
    x, W, b = (np.asarray(v, dtype=np.float64) for v in (x, W, b))
    if x.ndim != 2 or W.ndim != 2 or x.shape[1] != W.shape[0]:
        raise ValueError(f"x of shape {x.shape} cannot be multiplied by W of shape {W.shape}")
    if b.shape != (W.shape[1],):
        raise ValueError(f"b must have shape ({W.shape[1]},) to match W, got {b.shape}")
    z = x @ W + b                       # (batch, n_in) @ (n_in, n_out) + (n_out,) -> (batch, n_out)
    return z, f(z)


def forward(x, layers):
    """Run ``x`` through ``layers``; return one dict per layer with its input, z and a.

    Example:
        >>> steps = forward(np.ones((1, 2)), [(np.ones((2, 1)), np.zeros(1), "relu")])
        >>> steps[-1]["a"]
        array([[2.]])
    """
    layers = list(layers)
    if not layers or any(not isinstance(layer, (tuple, list)) or len(layer) != 3 for layer in layers):
        raise ValueError("layers must be a non-empty list of (W, b, activation) triples")
    steps, a = [], np.asarray(x, dtype=np.float64)
    for W, b, activation in layers:
        z, out = dense(a, W, b, activation)
        steps.append({"input": a, "W": np.asarray(W), "b": np.asarray(b), "z": z, "a": out,
                      "activation": activation})
        a = out
    return steps


def predict(x, layers):
    """The network's output only: forward(x, layers)[-1]['a']."""
    return forward(x, layers)[-1]["a"]


def layers_from_keras(model):
    """Read a Keras Dense stack into ``(W, b, activation)`` triples (float64 copies)."""
    layers = []
    for layer in model.layers:
        W, *bias = layer.get_weights()               # a layer built with use_bias=False has no b
        b = bias[0] if bias else np.zeros(W.shape[1], dtype=W.dtype)
        layers.append((W.astype(np.float64), b.astype(np.float64), name_of_keras(layer.activation)))
    return layers
