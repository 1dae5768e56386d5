"""Day 1 - the perceptron's forward pass.

Write the probability p = sigmoid(x @ w + b) the perceptron gives every example.

    course check day1.perceptron_forward        # check it      course hint day1.perceptron_forward     # a hint, one more each time
"""
import numpy as np


def perceptron_forward(x, w, b):
    """p = sigmoid(x @ w + b): one probability of class 1 per example.

    Args:
        x: (n, d) inputs, one example per row.
        w: (d,) weights, one per feature.
        b: the bias, a number.

    Returns:
        p: (n,) probabilities.

    Example:
        >>> perceptron_forward(np.array([[1.0, 2.0], [0.0, -1.0]]), np.array([0.5, -0.25]), 0.1)
        array([0.52497919, 0.58661758])          # z = 0.1 and 0.35
    """
    raise NotImplementedError("write perceptron_forward: replace this line with your code")
