"""Day 1 - binary cross-entropy, the perceptron's loss.

Write the mean binary cross-entropy of probabilities p against labels y, clipping p as Keras does.

    course check day1.binary_cross_entropy        # check it      course hint day1.binary_cross_entropy     # a hint, one more each time
"""
import numpy as np


def binary_cross_entropy(y, p):
    """L = mean over the examples of -[y log p + (1 - y) log(1 - p)].

    Keras clips p to [1e-7, 1 - 1e-7] first, so that a confident mistake costs about 16, not infinity.

    Args:
        y: (n,) labels, 0 or 1.
        p: (n,) predicted probabilities of class 1.

    Returns:
        the loss, a number.

    Example:
        >>> binary_cross_entropy(np.array([1, 0]), np.array([0.9, 0.2]))
        0.164252...                              # (-log 0.9 - log 0.8) / 2
    """
    raise NotImplementedError("write binary_cross_entropy: replace this line with your code")
