"""Keras optimizers by the course's names: sgd, momentum, rmsprop, adam.

The NumPy versions of the same update rules, with every intermediate number, are in
``course.reference.optimizers``; the two are checked against each other.

    optimizer = make_optimizer("momentum", 0.1)      # SGD with momentum 0.9
"""
from __future__ import annotations

from course.checks import check_choice
from course.core.config import OPTIMIZERS
from course.core.runtime import keras


def make_optimizer(name: str, learning_rate: float):
    """A Keras optimizer by course name: sgd, momentum (SGD, 0.9), rmsprop, adam (Keras's defaults otherwise).

    Example:
        >>> make_optimizer("momentum", 0.1).momentum
        0.9
    """
    check_choice("optimizer", name, OPTIMIZERS)
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate)
    if name == "momentum":
        return keras.optimizers.SGD(learning_rate, momentum=0.9)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate)
    return keras.optimizers.Adam(learning_rate)
