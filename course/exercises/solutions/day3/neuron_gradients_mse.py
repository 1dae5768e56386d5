"""Day 3 - one neuron's gradients, mean squared error.

Write dL/dw and dL/db of one sigmoid neuron p = sigmoid(w x + b) with one input, for the mean squared error.

    course check day3.neuron_gradients_mse        # check it      course hint day3.neuron_gradients_mse     # a hint, one more each time

The course's solution: compare it with yours.
"""
import numpy as np


def neuron_gradients_mse(x, y, w, b):
    """dL/dw and dL/db for L = mean((p - y)^2), p = sigmoid(w * x + b).

    The chain rule, per example i: dL/dp_i = 2 (p_i - y_i) / n, dp_i/dz_i = p_i (1 - p_i),
    dz_i/dw = x_i, dz_i/db = 1. Sum over the examples.

    Args:
        x: (n,) inputs. y: (n,) labels 0 or 1. w, b: numbers.

    Returns:
        (dw, db): two numbers.

    Example:
        >>> neuron_gradients_mse(np.array([1.0, 2.0]), np.array([0, 1]), 0.5, 0.0)
        (0.0405260..., 0.0934031...)
    """
    p = 1.0 / (1.0 + np.exp(-(w * x + b)))         # (n,)
    dz = 2.0 * (p - y) * p * (1.0 - p) / len(x)    # dL/dz_i = dL/dp_i * dp_i/dz_i
    return float(np.sum(dz * x)), float(np.sum(dz))
