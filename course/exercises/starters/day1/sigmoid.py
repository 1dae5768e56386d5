"""Day 1 - the sigmoid, the perceptron's activation.

Write sigmoid(z) so that it works for any z, even z = -1000 or z = 1000, with no NaN in the result.

    course check day1.sigmoid        # check it      course hint day1.sigmoid     # a hint, one more each time
"""
import numpy as np


def sigmoid(z):
    """The sigmoid of every entry of z: 1 / (1 + e^-z), a number between 0 and 1.

    Args:
        z: a NumPy array of any shape (or a number).

    Returns:
        an array of the same shape as z, every entry in (0, 1).

    Example:
        >>> sigmoid(np.array([-2.0, 0.0, 2.0]))
        array([0.11920292, 0.5       , 0.88079708])
    """
    raise NotImplementedError("write sigmoid: replace this line with your code")
