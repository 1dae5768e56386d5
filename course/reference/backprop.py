"""Backpropagation in NumPy: the chain rule, layer by layer, for a network of ``(W, b, activation)`` layers.

    loss, grads = loss_and_gradients(x, y, layers)      # grads: [(dW, db), ...] in layer order
    loss, new_layers = sgd_step(x, y, layers, 0.1)      # one plain gradient-descent update
"""
from __future__ import annotations

import numpy as np

from course.reference.activations import get as activation_named
from course.reference.forward import forward
from course.reference.losses import bce_from_logits


def loss_and_gradients(x, y, layers):
    """Mean loss and dL/dW, dL/db of every layer, by backpropagation in NumPy.

    The last layer is sigmoid (binary cross-entropy, labels y (n,) in {0, 1}) or softmax
    (categorical cross-entropy, integer labels y (n,)). Both give the same simple error at the
    output, dL/dz = (p - target) / n, which backpropagation then carries layer by layer:
    delta_prev = (delta @ W.T) * f'(z_prev).

    Returns:
        loss (float), grads: [(dW (n_in, n_out), db (n_out,)), ...] in layer order.

    Example:
        >>> loss, grads = loss_and_gradients(x, y, layers_from_keras(model))
    """
    steps = forward(x, layers)
    y = np.asarray(y).reshape(-1)
    n = len(y)
    last = steps[-1]
    if y.shape != (last["z"].shape[0],):
        raise ValueError(f"y must hold one label per example ({last['z'].shape[0]}), got {y.shape}")
    if last["activation"] == "sigmoid":
        z, t = last["z"], y.reshape(-1, 1).astype(np.float64)           # (n, 1)
        # cross-entropy from the logit z, stable for any z (what Keras computes for a sigmoid output)
        loss = bce_from_logits(t, z, axis=None)
        delta = (last["a"] - t) / n                                      # dL/dz, (n, 1)
    elif last["activation"] == "softmax":
        k = last["a"].shape[1]
        if y.min() < 0 or y.max() >= k:
            raise ValueError(f"labels must lie in 0..{k - 1} for {k} softmax outputs")
        onehot = np.eye(k)[y]                                            # (n, k)
        z = last["z"] - last["z"].max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))        # log-softmax, stable
        loss = float(-np.mean(np.sum(onehot * log_p, axis=1)))
        delta = (last["a"] - onehot) / n                                 # dL/dz, (n, k)
    else:
        raise ValueError("the last layer must be sigmoid or softmax, got " + repr(last["activation"]))
    grads = [None] * len(steps)
    for i in range(len(steps) - 1, -1, -1):
        s = steps[i]
        grads[i] = (s["input"].T @ delta, delta.sum(axis=0))   # (n_in, n) @ (n, n_out) -> (n_in, n_out)
        if i > 0:
            prev = steps[i - 1]
            delta = (delta @ s["W"].T) * activation_named(prev["activation"]).df(prev["z"])   # f'(z_prev)
    return loss, grads


def sgd_step(x, y, layers, learning_rate):
    """One plain gradient-descent update of every W and b; returns (loss before, new layers)."""
    loss, grads = loss_and_gradients(x, y, layers)
    new = [(W - learning_rate * dW, b - learning_rate * db, act)
           for (W, b, act), (dW, db) in zip(layers, grads)]
    return loss, new
