"""Day 4 - ReLU's derivative.

Write the derivative of ReLU, max(0, z): it passes the gradient where a unit is on and blocks it where it is off.

    course check day4.relu_derivative        # check it      course hint day4.relu_derivative     # a hint, one more each time
"""
import numpy as np


def relu_derivative(z):
    """1 where z > 0, 0 elsewhere (at z = 0 too, as Keras and TensorFlow take it).

    Args:
        z: an array of any shape.

    Returns:
        an array of the same shape, of 0.0 and 1.0.

    Example:
        >>> relu_derivative(np.array([-1.0, 0.0, 2.0]))
        array([0., 0., 1.])
    """
    raise NotImplementedError("write relu_derivative: replace this line with your code")
