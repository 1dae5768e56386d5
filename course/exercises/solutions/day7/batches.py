"""Day 7 - mini-batches.

Write the rows each mini-batch takes: every example once an epoch, the last batch possibly smaller.

    course check day7.batches        # check it      course hint day7.batches     # a hint, one more each time

The course's solution: compare it with yours.
"""
import numpy as np


def batches(n, batch_size):
    """The (start, stop) rows of every mini-batch of n examples: rows start .. stop - 1.

    Args:
        n: the number of examples. batch_size: examples per batch.

    Returns:
        a list of (start, stop) pairs.

    Example:
        >>> batches(10, 4)
        [(0, 4), (4, 8), (8, 10)]
    """
    return [(start, min(start + batch_size, n)) for start in range(0, n, batch_size)]
