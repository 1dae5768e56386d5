"""Day 8 - SGD with momentum, as Keras does it.

Write one update of SGD with momentum 0.9 in Keras's form: the velocity holds the step itself.

    course check day8.momentum_step        # check it      course hint day8.momentum_step     # a hint, one more each time

The course's solution: compare it with yours.
"""
import numpy as np


def momentum_step(w, grad, velocity, learning_rate):
    """velocity <- 0.9 velocity - lr * grad;  w <- w + velocity.

    Args:
        w, grad, velocity: arrays of one shape (velocity starts at zeros). learning_rate: lr.

    Returns:
        (new w, new velocity).

    Example (the first step: velocity is 0):
        >>> momentum_step(np.array([0.5]), np.array([-0.2]), np.array([0.0]), 0.1)
        (array([0.52]), array([0.02]))
    """
    velocity = 0.9 * velocity - learning_rate * grad
    return w + velocity, velocity
