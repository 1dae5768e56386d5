"""The rules every input is checked by, written once: the configuration, the model builders, the data
loaders, the NumPy references and the command line's flag types all use them.

    check_int("epochs", np.int64(3))          # 3: NumPy integers are integers
    check_bool("quiet", "no")                 # ValueError: quiet must be True or False, got 'no'

Each returns the value (as a plain Python number) or raises ValueError naming the argument and what
was expected.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

MAX_SEED = 2**32 - 1   # NumPy and scikit-learn seeds are 32-bit


FLOAT32_TINY = 1.1754943508222875e-38     # float32's smallest normal number: below it Keras's lr loses its digits
FLOAT32_MAX = 3.4028234663852886e+38      # float32's largest finite number
LEARNING_RATE_KIND = ("a positive finite number of at least 1.2e-38 (below it a float32 learning rate is 0 or loses "
                      "its digits)")
MAX_EPOCHS = 1_000_000   # far past any lesson; a count of 2**64 would overflow the loop's counters


def integer_kind(minimum: int, maximum: int | None = None) -> str:
    """How the rule reads: "a positive integer" (minimum 1), "a non-negative integer" (0), "an integer of at least
    10", with " up to 1,000,000" when there is a ``maximum``."""
    kind = {1: "a positive integer", 0: "a non-negative integer"}.get(minimum, f"an integer of at least {minimum}")
    return kind + (f" up to {maximum:,}" if maximum is not None else "")


def check_int(name, value, minimum=1, maximum=None) -> int:
    """Return ``value`` as an int, or raise ValueError naming ``name`` unless it is an integer >= ``minimum``
    (and <= ``maximum``, when given).

    NumPy integers are integers; True and False are not.

    Example:
        >>> check_int("epochs", np.int64(3))
        3
    """
    if (isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum
            or (maximum is not None and value > maximum)):
        raise ValueError(f"{name} must be {integer_kind(minimum, maximum)}, got {value!r}")
    return int(value)


def check_seed(seed) -> int:
    """Return ``seed`` as an int, or raise ValueError unless it is an integer in 0 .. 2**32 - 1."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be an integer from 0 to {MAX_SEED}, got {seed!r}")
    return int(seed)


def check_number(name, value, *, low=None, high=None, low_open=False, high_open=False, kind=None) -> float:
    """Return ``value`` as a float, or raise ValueError unless it is a finite real number in the range.

    Example:
        >>> check_number("noise", 0.2, low=0)
        0.2
    """
    ok = not isinstance(value, bool) and isinstance(value, numbers.Real) and math.isfinite(value)
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        raise ValueError(f"{name} must be {kind or 'a finite number'}, got {value!r}")
    return float(value)


def check_bool(name, value) -> bool:
    """Return ``value`` unless it is not True or False (a string such as 'no' is refused, not taken as true)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_choice(name, value, choices):
    """Return ``value`` unless it is not one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value


def tensorflow_backend(environ, keras_imported: bool) -> str:
    """Set ``KERAS_BACKEND`` in ``environ`` to tensorflow; return a note when it named another backend ("" when
    not). The course is Keras on TensorFlow (tf.GradientTape, tf.function, tf.distribute): another backend fails
    deep inside. Keras reads the variable once, on its first import: RuntimeError when that has happened."""
    backend = environ.get("KERAS_BACKEND", "tensorflow")
    if backend != "tensorflow" and keras_imported:
        raise RuntimeError(f"the course needs Keras's TensorFlow backend, and this process imported Keras with "
                           f"KERAS_BACKEND={backend} first: import course before keras, or unset KERAS_BACKEND")
    environ["KERAS_BACKEND"] = "tensorflow"
    return f"KERAS_BACKEND={backend} is ignored: the course runs Keras on TensorFlow" if backend != "tensorflow" else ""
