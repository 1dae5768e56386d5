"""Day 5 - categorical cross-entropy.

Write the mean categorical cross-entropy: -log of the probability each example gave its true class.

    course check day5.cross_entropy        # check it      course hint day5.cross_entropy     # a hint, one more each time
"""
import numpy as np


def cross_entropy(y, p):
    """L = mean over the examples of -log p[i, y_i], with p clipped to [1e-7, 1 - 1e-7] as Keras does.

    Args:
        y: (n,) integer labels 0..k-1. p: (n, k) probabilities, one row per example.

    Returns:
        the loss, a number.

    Example:
        >>> cross_entropy(np.array([0, 2]), np.array([[0.9, 0.07, 0.03], [0.2, 0.3, 0.5]]))
        0.399253...                               # (-log 0.9 - log 0.5) / 2
    """
    raise NotImplementedError("write cross_entropy: replace this line with your code")
