"""Day 2 - one Dense layer.

Write the outputs of one Dense layer of sigmoid units.

    course check day2.dense_layer        # check it      course hint day2.dense_layer     # a hint, one more each time
"""
import numpy as np


def dense_layer(x, W, b):
    """a = sigmoid(x @ W + b): every unit's weighted sum of the inputs plus its bias, squashed.

    Args:
        x: (n, d_in) inputs, one example per row.
        W: (d_in, d_out) weights: row i holds input i's weight to every unit.
        b: (d_out,) one bias per unit.

    Returns:
        a: (n, d_out) the units' outputs.

    Example:
        >>> dense_layer(np.array([[1.0, 0.0]]), np.array([[0.2, -0.7], [0.4, 0.1]]), np.array([0.1, -0.2]))
        array([[0.57444252, 0.2890505 ]])        # z = (0.3, -0.9)
    """
    raise NotImplementedError("write dense_layer: replace this line with your code")
