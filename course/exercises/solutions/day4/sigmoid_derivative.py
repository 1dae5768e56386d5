"""Day 4 - the sigmoid's derivative.

Write the derivative of the sigmoid, the factor that backpropagation multiplies by at every sigmoid unit.

    course check day4.sigmoid_derivative        # check it      course hint day4.sigmoid_derivative     # a hint, one more each time

The course's solution: compare it with yours.
"""
import numpy as np


def sigmoid_derivative(z):
    """d sigmoid(z) / dz = s (1 - s), with s = sigmoid(z), entry by entry.

    Args:
        z: an array of any shape.

    Returns:
        an array of the same shape, every entry in (0, 0.25].

    Example:
        >>> sigmoid_derivative(np.array([0.0, 2.0]))
        array([0.25      , 0.10499359])
    """
    s = 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))
    return s * (1.0 - s)
