"""Day 6 - the gradient by finite differences.

Write the centered finite-difference estimate of the gradient of f at w: the independent witness of a gradient check.

    course check day6.numerical_gradient        # check it      course hint day6.numerical_gradient     # a hint, one more each time

The course's solution: compare it with yours.
"""
import numpy as np


def numerical_gradient(f, w, eps):
    """grad_i = (f(w + eps e_i) - f(w - eps e_i)) / (2 eps), for every entry i of w.

    e_i is the array of zeros with a 1 at entry i: shift one entry at a time. Leave w unchanged.

    Args:
        f: a function of an array like w, returning a number. w: an array. eps: the step, e.g. 1e-5.

    Returns:
        an array the shape of w.

    Example:
        >>> numerical_gradient(lambda w: np.sum(w ** 2), np.array([1.0, -2.0]), 1e-5)
        array([ 2., -4.])                          # the gradient of |w|^2 is 2 w
    """
    grad = np.zeros(np.shape(w))
    for i in range(grad.size):
        shift = np.zeros(np.shape(w))
        shift.flat[i] = eps
        grad.flat[i] = (f(w + shift) - f(w - shift)) / (2 * eps)
    return grad
