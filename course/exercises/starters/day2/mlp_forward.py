"""Day 2 - a multi-layer perceptron's forward pass.

Write the output of a two-layer network: a sigmoid hidden layer, then a sigmoid output layer.

    course check day2.mlp_forward        # check it      course hint day2.mlp_forward     # a hint, one more each time
"""
import numpy as np


def mlp_forward(x, W1, b1, W2, b2):
    """a1 = sigmoid(x @ W1 + b1), then p = sigmoid(a1 @ W2 + b2).

    Args:
        x: (n, d) inputs. W1: (d, h), b1: (h,) the hidden layer. W2: (h, k), b2: (k,) the output layer.

    Returns:
        p: (n, k) the outputs.

    Example (Day 2's XOR weights, the example (1, 0)):
        >>> mlp_forward(np.array([[1.0, 0.0]]), np.array([[5.0, -5.0], [5.0, -5.0]]), np.array([-2.5, 7.5]),
        ...             np.array([[5.0], [5.0]]), np.array([-7.5]))
        array([[0.85086718]])
    """
    raise NotImplementedError("write mlp_forward: replace this line with your code")
