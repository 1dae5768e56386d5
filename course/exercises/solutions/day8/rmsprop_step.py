"""Day 8 - RMSprop, as Keras does it.

Write one update of RMSprop in Keras's form: epsilon inside the square root.

    course check day8.rmsprop_step        # check it      course hint day8.rmsprop_step     # a hint, one more each time

The course's solution: compare it with yours.
"""
import numpy as np


def rmsprop_step(w, grad, s, learning_rate):
    """s <- 0.9 s + 0.1 grad^2;  w <- w - lr * grad / sqrt(s + 1e-7), entry by entry.

    Args:
        w, grad, s: arrays of one shape (s starts at zeros). learning_rate: lr.

    Returns:
        (new w, new s).

    Example (the first step):
        >>> rmsprop_step(np.array([0.5]), np.array([-0.2]), np.array([0.0]), 0.1)
        (array([0.81622...]), array([0.004]))     # the first step is lr / sqrt(0.1) = 3.16 lr
    """
    s = 0.9 * s + 0.1 * grad ** 2
    return w - learning_rate * grad / np.sqrt(s + 1e-7), s
