"""Keras optimizers by the course's names: sgd, momentum, rmsprop, adam.

The NumPy versions of the same update rules, with every intermediate number, are in
``course.reference.optimizers``; the two are checked against each other.

    optimizer = make_optimizer("momentum", 0.1)      # SGD with momentum 0.9
"""
from __future__ import annotations

from course.checks import FLOAT32_TINY, LEARNING_RATE_KIND, check_choice, check_number
from course.core.config import OPTIMIZERS
from course.core.runtime import keras


def make_optimizer(name: str, learning_rate: float, clip_norm: float | None = None):
    """A Keras optimizer by course name: sgd, momentum (SGD, 0.9), rmsprop, adam (Keras's defaults otherwise).

    ``clip_norm``: before each update, gradients whose global norm (over every variable) is larger are
    scaled down to it (Keras's ``global_clipnorm``); None or 0 for none.

    Example:
        >>> make_optimizer("momentum", 0.1).momentum
        0.9
    """
    check_choice("optimizer", name, OPTIMIZERS)
    learning_rate = check_number("learning_rate", learning_rate, low=FLOAT32_TINY, kind=LEARNING_RATE_KIND)
    if clip_norm is not None:
        check_number("clip_norm", clip_norm, low=0, kind="a non-negative finite number (0: no clipping)")
    clip = {"global_clipnorm": float(clip_norm)} if clip_norm else {}
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate, **clip)
    if name == "momentum":
        return keras.optimizers.SGD(learning_rate, momentum=0.9, **clip)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate, **clip)
    return keras.optimizers.Adam(learning_rate, **clip)
