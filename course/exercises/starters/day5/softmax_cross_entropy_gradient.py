"""Day 5 - the gradient of softmax and cross-entropy.

Write dL/dz, the gradient of the mean cross-entropy of softmax(z) at the logits z.

    course check day5.softmax_cross_entropy_gradient        # check it      course hint day5.softmax_cross_entropy_gradient     # a hint, one more each time
"""
import numpy as np


def softmax_cross_entropy_gradient(z, y):
    """dL/dz = (softmax(z) - onehot(y)) / n.

    Args:
        z: (n, k) logits. y: (n,) integer labels 0..k-1.

    Returns:
        dz: (n, k).

    Example:
        >>> softmax_cross_entropy_gradient(np.array([[2.0, 1.0, 0.1]]), np.array([0]))
        array([[-0.34099886,  0.24243297,  0.09856589]])
    """
    raise NotImplementedError("write softmax_cross_entropy_gradient: replace this line with your code")
