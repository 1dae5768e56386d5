"""Day 3 - one step of gradient descent.

Write one update of plain gradient descent (SGD): every weight moves a step against its gradient.

    course check day3.sgd_step        # check it      course hint day3.sgd_step     # a hint, one more each time

The course's solution: compare it with yours.
"""
import numpy as np


def sgd_step(w, grad, learning_rate):
    """w <- w - lr * dL/dw, for every entry of w.

    Args:
        w: an array of weights (any shape). grad: dL/dw, the same shape. learning_rate: lr, a number.

    Returns:
        the new weights, the same shape as w (leave w itself unchanged).

    Example:
        >>> sgd_step(np.array([0.5, -0.25]), np.array([0.2, -0.4]), 0.1)
        array([ 0.48, -0.21])
    """
    return w - learning_rate * grad
