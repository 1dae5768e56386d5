"""Day 5 - the gradient of softmax and cross-entropy.

Write dL/dz, the gradient of the mean cross-entropy of softmax(z) at the logits z.

    course check day5.softmax_cross_entropy_gradient        # check it      course hint day5.softmax_cross_entropy_gradient     # a hint, one more each time

The course's solution: compare it with yours.
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
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    p = e / e.sum(axis=-1, keepdims=True)          # (n, k)
    onehot = np.eye(z.shape[1])[y]                 # (n, k): a 1 at each example's true class
    return (p - onehot) / len(y)
