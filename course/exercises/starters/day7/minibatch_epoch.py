"""Day 7 - one epoch of mini-batch gradient descent.

Write one epoch of mini-batch gradient descent on one sigmoid neuron (one input, cross-entropy), batches in order.

    course check day7.minibatch_epoch        # check it      course hint day7.minibatch_epoch     # a hint, one more each time
"""
import numpy as np


def minibatch_epoch(x, y, w, b, learning_rate, batch_size):
    """For each mini-batch in order (day7.batches): the batch's mean cross-entropy gradient (day3), then
    w <- w - lr * dL/dw and b <- b - lr * dL/db.

    Args:
        x: (n,) inputs. y: (n,) labels 0 or 1. w, b: numbers. learning_rate: lr. batch_size: examples a step.

    Returns:
        (w, b) after the epoch.

    Example:
        >>> minibatch_epoch(np.array([0.5, 1.0, 2.0, 3.0]), np.array([0, 0, 1, 1]), 0.5, 0.0, 0.5, 2)
        (0.7713266..., -0.0939782...)              # two steps of 2 examples
    """
    raise NotImplementedError("write minibatch_epoch: replace this line with your code")
