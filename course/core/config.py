"""The one configuration object a lesson and the training loop share, and the checks every input goes through.

A small frozen dataclass: the command-line flags of every lesson map one to one onto its fields, and
``training.fit`` reads the training fields from it.

    config = Config(epochs=5, learning_rate=0.05, optimizer="adam")
    config.replace(batch_size=4)   # a modified copy; the original is unchanged

The ``check_*`` functions are the rules, written once: ``Config``, the model builders, the data
loaders and the command line's flag types all use them.
"""
from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass

import numpy as np

OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
MAX_SEED = 2**32 - 1   # NumPy and scikit-learn seeds are 32-bit


def integer_kind(minimum: int) -> str:
    """How the rule reads: "a positive integer" (minimum 1), "a non-negative integer" (0), "an integer of at least 10"."""
    return {1: "a positive integer", 0: "a non-negative integer"}.get(minimum, f"an integer of at least {minimum}")


def check_int(name, value, minimum=1) -> int:
    """Return ``value`` as an int, or raise ValueError naming ``name`` unless it is an integer >= ``minimum``.

    NumPy integers are integers; True and False are not.

    Example:
        >>> check_int("epochs", np.int64(3))
        3
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be {integer_kind(minimum)}, got {value!r}")
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


class ConfigError(ValueError):
    """A setting that cannot work with the data (a batch larger than the data set, a data set that
    cannot be had offline). Lessons check for these before anything is trained or written, and the
    command line reports them like a bad flag: one line, exit status 2."""


def check_batch_size(config, dataset) -> None:
    """Raise ConfigError when ``config.batch_size`` is larger than the training split of ``dataset``."""
    n = len(dataset.y_train)
    if config.batch_size > n:
        raise ConfigError(f"batch_size {config.batch_size} is larger than the {n} training examples of "
                          f"{dataset.name}; use at most {n} (all of them = full-batch gradient descent)")


def full_batch(config, dataset, epochs_times: int = 1):
    """``config`` for full-batch gradient descent on ``dataset`` (every example in each step, one step an
    epoch), with ``epochs_times`` times the epochs: a 4-point data set such as XOR needs many.

    Example:
        >>> xor_config = full_batch(Config(epochs=30), data.xor(), 10)
        >>> xor_config.batch_size, xor_config.epochs
        (4, 300)
    """
    epochs = config.epochs * check_int("epochs_times", epochs_times)
    return config.replace(batch_size=len(dataset.y_train), epochs=epochs)


@dataclass(frozen=True)
class Config:
    epochs: int = 20               # passes over the training data
    learning_rate: float = 0.1     # lr in w <- w - lr * dL/dw
    batch_size: int = 32           # examples per update step (mini-batch size)
    optimizer: str = "sgd"         # sgd | momentum | rmsprop | adam
    seed: int = 0                  # seeds data splits, initial weights and shuffling
    logdir: str = "logs"           # TensorBoard root; runs go to logdir/<lesson>/<run-name>/
    trace_steps: int = 3           # print the first K update steps in full (0: none)
    eager: bool = False            # run the training step eagerly instead of as a compiled tf.function
    dataset: str = ""              # the lesson's dataset choice ("" = the lesson's default)
    quiet: bool = False            # print only the lesson's results, no per-step or per-epoch lines
    shuffle: bool = True           # reshuffle the training examples every epoch (seeded)
    log_every_step: bool = False   # TensorBoard histograms and pictures after every update step (tiny runs)

    def __post_init__(self):
        set_ = object.__setattr__      # frozen: store the checked values (NumPy numbers become Python ones)
        set_(self, "epochs", check_int("epochs", self.epochs))
        set_(self, "batch_size", check_int("batch_size", self.batch_size))
        set_(self, "seed", check_seed(self.seed))
        set_(self, "trace_steps", check_int("trace_steps", self.trace_steps, minimum=0))
        set_(self, "learning_rate", check_number("learning_rate", self.learning_rate, low=0, low_open=True,
                                                 kind="a positive finite number"))
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        if not isinstance(self.logdir, str) or not self.logdir:
            raise ValueError(f"logdir must be a non-empty path, got {self.logdir!r}")
        if not isinstance(self.dataset, str):
            raise ValueError(f"dataset must be a name, got {self.dataset!r}")
        for name in ("eager", "quiet", "shuffle", "log_every_step"):
            set_(self, name, check_bool(name, getattr(self, name)))

    def replace(self, **changes) -> "Config":
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)
