"""Gradient descent by hand on one sigmoid neuron, p = sigmoid(w * x + b), with one input x.

Every intermediate number is kept, so a lesson can print the chain rule with its values and
compare the result with the GradientTape loop (``records.Recorder`` keeps the loop's own steps):

    dL/dz_i = (p_i - y_i) / n                           binary cross-entropy
    dL/dz_i = 2 (p_i - y_i) p_i (1 - p_i) / n           mean squared error
    dL/dw = sum_i dL/dz_i * x_i,   dL/db = sum_i dL/dz_i
    w_new = w - lr * dL/dw,        b_new = b - lr * dL/db

    steps = descend(x, y, w=0.5, b=0.0, learning_rate=0.5, steps=3)
    steps[-1].w_new, steps[-1].b_new
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course.reference.activations import sigmoid
from course.reference.losses import binary_cross_entropy

LOSSES = ("bce", "mse")


@dataclass(frozen=True)
class HandStep:
    """One by-hand update: the values before it, every intermediate, and the values after."""
    step: int            # 1-based
    w: float             # before the update
    b: float
    z: np.ndarray        # (n,) w * x + b
    p: np.ndarray        # (n,) sigmoid(z)
    loss: float
    dz: np.ndarray       # (n,) dL/dz_i
    dw: float            # dL/dw
    db: float            # dL/db
    w_new: float
    b_new: float


def _inputs(x, y):
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if x.size == 0 or x.shape != y.shape:
        raise ValueError(f"x and y must hold the same non-zero number of values, got {x.size} and {y.size}")
    return x, y


def loss_and_gradients(x, y, w, b, loss="bce"):
    """Loss of p = sigmoid(w*x + b) and its derivatives, with the intermediates.

    Args:
        x: (n,) inputs; y: (n,) labels 0/1; w, b: floats; loss: "bce" or "mse".

    Returns:
        dict with z, p, dz (all (n,)), loss, dw, db (floats).

    Example:
        >>> loss_and_gradients([1.0, 2.0], [0, 1], 0.5, 0.0)["db"]
    """
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {', '.join(LOSSES)}; got {loss!r}")
    x, y = _inputs(x, y)
    z = w * x + b                                     # (n,)
    p = sigmoid(z)                                    # (n,)
    n = x.size
    if loss == "bce":
        value = binary_cross_entropy(y, p)            # mean of -[y log p + (1 - y) log(1 - p)]
        dz = (p - y) / n                              # dL/dp * dp/dz: the p(1-p) factors cancel
    else:
        value = float(np.mean((p - y) ** 2))
        dz = 2.0 * (p - y) * p * (1.0 - p) / n        # dL/dp = 2(p - y)/n, dp/dz = p(1 - p)
    return {"z": z, "p": p, "dz": dz, "loss": value, "dw": float(np.sum(dz * x)), "db": float(np.sum(dz))}


def descend(x, y, w, b, learning_rate, steps, loss="bce") -> list:
    """``steps`` full-batch gradient-descent updates of (w, b); one ``HandStep`` each.

    Example:
        >>> [s.w_new for s in descend([1.0, 2.0], [0, 1], 0.5, 0.0, 0.5, 2)]
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    out = []
    w, b = float(w), float(b)
    for k in range(1, steps + 1):
        g = loss_and_gradients(x, y, w, b, loss)
        w_new, b_new = w - learning_rate * g["dw"], b - learning_rate * g["db"]
        out.append(HandStep(k, w, b, g["z"], g["p"], g["loss"], g["dz"], g["dw"], g["db"], w_new, b_new))
        w, b = w_new, b_new
    return out

