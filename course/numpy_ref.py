"""From-scratch NumPy forward propagation: the oracle the lessons and tests compare Keras against.

A network is a list of ``(W, b, activation)`` layers; ``forward`` keeps every
intermediate value so a lesson can print the computation step by step.

    layers = [(W1, b1, "sigmoid"), (W2, b2, "sigmoid")]   # W1 (2, 2), b1 (2,), W2 (2, 1), b2 (1,)
    steps = forward(x, layers)                            # steps[-1]["a"] is the output
"""
from __future__ import annotations

import numpy as np


def sigmoid(z):
    """1 / (1 + e^-z), computed without overflow for large |z|."""
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def tanh(z):
    return np.tanh(np.asarray(z, dtype=np.float64))


def relu(z):
    return np.maximum(np.asarray(z, dtype=np.float64), 0.0)


def linear(z):
    return np.asarray(z, dtype=np.float64)


def softmax(z, axis=-1):
    """exp(z - max) / sum(exp(z - max)): subtracting the max keeps exp from overflowing."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


ACTIVATIONS = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu, "linear": linear, "softmax": softmax}


def dense(x, W, b, activation):
    """One Dense layer. x (batch, n_in) @ W (n_in, n_out) + b (n_out,) -> z, a (batch, n_out)."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}; got {activation!r}")
    x, W, b = (np.asarray(v, dtype=np.float64) for v in (x, W, b))
    if x.ndim != 2 or W.ndim != 2 or x.shape[1] != W.shape[0]:
        raise ValueError(f"x of shape {x.shape} cannot be multiplied by W of shape {W.shape}")
    if b.shape != (W.shape[1],):
        raise ValueError(f"b must have shape ({W.shape[1]},) to match W, got {b.shape}")
    z = x @ W + b                       # (batch, n_in) @ (n_in, n_out) + (n_out,) -> (batch, n_out)
    return z, ACTIVATIONS[activation](z)


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
        layers.append((W.astype(np.float64), b.astype(np.float64), layer.activation.__name__))
    return layers


def binary_cross_entropy(y, p, eps=1e-7):
    """Mean of -[y log p + (1 - y) log(1 - p)], with p clipped to [eps, 1 - eps] as Keras does."""
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    p = np.clip(np.asarray(p, dtype=np.float64).reshape(-1), eps, 1 - eps)
    if y.shape != p.shape or y.size == 0:
        raise ValueError(f"y and p must hold the same non-zero number of values, got {y.size} and {p.size}")
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))


def bce_from_logits(y, z, axis=-1):
    """Mean binary cross-entropy of p = sigmoid(z), from the logit z without forming p.

    max(z, 0) - z*y + log(1 + e^-|z|) equals -[y log p + (1 - y) log(1 - p)] and never overflows.
    ``y`` broadcasts against ``z``; the mean is over ``axis`` (a float when the result is 0-d).

    Example:
        >>> bce_from_logits(np.array([1.0, 0.0]), np.array([2.0, -2.0]))   # -log sigmoid(2)
        0.12692801104297263
    """
    z = np.asarray(z, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    loss = np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))), axis=axis)
    return float(loss) if np.ndim(loss) == 0 else loss


def perceptron_criterion(y, z):
    """Mean of max(0, -t * z) with labels t = +1/-1 (from y = 1/0) and z the pre-activation.

    Zero for every correctly classified point; the distance past the boundary otherwise.
    """
    t = 2.0 * np.asarray(y, dtype=np.float64).reshape(-1) - 1.0
    z = np.asarray(z, dtype=np.float64).reshape(-1)
    if t.shape != z.shape or t.size == 0:
        raise ValueError(f"y and z must hold the same non-zero number of values, got {t.size} and {z.size}")
    return float(np.mean(np.maximum(0.0, -t * z)))


# --- backward: the chain rule, layer by layer ---------------------------------------------

_DERIVATIVES = {   # f'(z), written with the layer's output a = f(z) where that is simpler
    "sigmoid": lambda z, a: a * (1.0 - a),
    "tanh": lambda z, a: 1.0 - a ** 2,
    "relu": lambda z, a: (z > 0).astype(np.float64),
    "linear": lambda z, a: np.ones_like(z),
}


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
            delta = (delta @ s["W"].T) * _DERIVATIVES[prev["activation"]](prev["z"], prev["a"])
    return loss, grads


def sgd_step(x, y, layers, learning_rate):
    """One plain gradient-descent update of every W and b; returns (loss before, new layers)."""
    loss, grads = loss_and_gradients(x, y, layers)
    new = [(W - learning_rate * dW, b - learning_rate * db, act)
           for (W, b, act), (dW, db) in zip(layers, grads)]
    return loss, new


# --- multi-class outputs: cross-entropy and the confusion matrix ----------------------------

def categorical_cross_entropy(y, p, eps=1e-7):
    """Mean of -sum_k onehot(y)_k log p_k = -log p[true class], with p clipped to [eps, 1 - eps] as Keras does.

    Args:
        y: (n,) integer labels. p: (n, k) probabilities, each row summing to 1.

    Example:
        >>> categorical_cross_entropy([0], [[0.9, 0.07, 0.03]])    # -log 0.9
        0.10536...
    """
    y = np.asarray(y).reshape(-1)
    p = np.clip(np.asarray(p, dtype=np.float64), eps, 1 - eps)
    if p.ndim != 2 or y.shape != (p.shape[0],) or y.size == 0:
        raise ValueError(f"p must have shape (n, k) with one label in y per row, got p {p.shape} and y {y.shape}")
    if y.min() < 0 or y.max() >= p.shape[1]:
        raise ValueError(f"labels must lie in 0..{p.shape[1] - 1} for {p.shape[1]} classes")
    return float(np.mean(-np.log(p[np.arange(len(y)), y])))


def confusion_matrix(y_true, y_pred, n_classes):
    """counts[i, j] = how many examples of true class i were predicted as class j.

    The diagonal holds the correct predictions; each row sums to that class's count.

    Example:
        >>> confusion_matrix([0, 1, 1], [0, 1, 0], 2)
        array([[1, 0],
               [1, 1]])
    """
    y_true, y_pred = np.asarray(y_true).reshape(-1), np.asarray(y_pred).reshape(-1)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same length, got {y_true.size} and {y_pred.size}")
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if y.size and (y.min() < 0 or y.max() >= n_classes):
            raise ValueError(f"{name} must hold labels in 0..{n_classes - 1}")
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (y_true.astype(np.int64), y_pred.astype(np.int64)), 1)
    return counts
