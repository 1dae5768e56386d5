"""Day 7 - one epoch of mini-batch gradient descent.

Write one epoch of mini-batch gradient descent on one sigmoid neuron (one input, cross-entropy), batches in order.

    course check day7.minibatch_epoch        # check it      course hint day7.minibatch_epoch     # a hint, one more each time

The course's solution: compare it with yours.
"""
import numpy as np


def minibatch_epoch(x, y, w, b, learning_rate, batch_size):
    """For each mini-batch in order (day7.batches): the batch's mean cross-entropy gradient (day3), then
    w <- w - lr * dL/dw and b <- b - lr * dL/db.

    Args:
        x: (n,) inputs. y: (n,) labels 0 or 1. w, b: numbers. learning_rate: lr. batch_size: examples a step.

    Returns:
        (w, b) after the epoch.

    Example:
        >>> minibatch_epoch(np.array([0.5, 1.0, 2.0, 3.0]), np.array([0, 0, 1, 1]), 0.5, 0.0, 0.5, 2)
        (0.7713266..., -0.0939782...)              # two steps of 2 examples
    """
    for start in range(0, len(x), batch_size):
        xb, yb = x[start:start + batch_size], y[start:start + batch_size]
        p = 1.0 / (1.0 + np.exp(-(w * xb + b)))
        dz = (p - yb) / len(xb)                    # the batch's mean: divide by the batch's size
        w, b = w - learning_rate * np.sum(dz * xb), b - learning_rate * np.sum(dz)
    return float(w), float(b)
