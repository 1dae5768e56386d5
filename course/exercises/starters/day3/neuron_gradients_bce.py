"""Day 3 - one neuron's gradients, cross-entropy.

Write dL/dw and dL/db of one sigmoid neuron p = sigmoid(w x + b) with one input, for the binary cross-entropy.

    course check day3.neuron_gradients_bce        # check it      course hint day3.neuron_gradients_bce     # a hint, one more each time
"""
import numpy as np


def neuron_gradients_bce(x, y, w, b):
    """dL/dw and dL/db for L = mean of -[y log p + (1 - y) log(1 - p)], p = sigmoid(w * x + b).

    With cross-entropy the sigmoid's derivative cancels: dL/dz_i = (p_i - y_i) / n.

    Args:
        x: (n,) inputs. y: (n,) labels 0 or 1. w, b: numbers.

    Returns:
        (dw, db): two numbers.

    Example:
        >>> neuron_gradients_bce(np.array([1.0, 2.0]), np.array([0, 1]), 0.5, 0.0)
        (0.0422882..., 0.1767589...)
    """
    raise NotImplementedError("write neuron_gradients_bce: replace this line with your code")
