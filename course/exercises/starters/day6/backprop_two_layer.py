"""Day 6 - backpropagation through two layers.

Write every gradient of a 2-layer sigmoid network with a cross-entropy loss, by the chain rule.

    course check day6.backprop_two_layer        # check it      course hint day6.backprop_two_layer     # a hint, one more each time
"""
import numpy as np


def backprop_two_layer(x, y, W1, b1, W2, b2):
    """dL/dW1, dL/db1, dL/dW2, dL/db2 for p = sigmoid(sigmoid(x @ W1 + b1) @ W2 + b2),
    L = mean binary cross-entropy.

    Forward: a1 = sigmoid(x @ W1 + b1), p = sigmoid(a1 @ W2 + b2).
    Backward: delta2 = (p - y) / n; dW2 = a1.T @ delta2, db2 = delta2 summed over the examples;
    delta1 = (delta2 @ W2.T) * a1 (1 - a1); dW1 = x.T @ delta1, db1 = delta1 summed.

    Args:
        x: (n, d). y: (n,) labels 0 or 1. W1: (d, h), b1: (h,). W2: (h, 1), b2: (1,).

    Returns:
        (dW1, db1, dW2, db2), each the shape of its parameter.

    Example (Day 6's network, x = (1, 2), y = 1):
        db2 = p - y = -0.4372..., db1 = [-0.0441..., 0.0872..., -0.0410...]
    """
    raise NotImplementedError("write backprop_two_layer: replace this line with your code")
