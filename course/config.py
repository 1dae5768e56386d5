"""The one configuration object a lesson and the training loop share.

A small frozen dataclass: the command-line flags of every lesson map one to one
onto its fields, and ``training.fit`` reads the training fields from it.

    config = Config(epochs=5, learning_rate=0.05, optimizer="adam")
    config.replace(batch_size=4)   # a modified copy; the original is unchanged
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
MAX_SEED = 2**32 - 1   # NumPy and scikit-learn seeds are 32-bit


def check_seed(seed) -> int:
    """Return ``seed`` as an int, or raise ValueError unless it is an integer in 0 .. 2**32 - 1."""
    import numbers
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be an integer from 0 to {MAX_SEED}, got {seed!r}")
    return int(seed)


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
        check_int("epochs", self.epochs)
        check_int("batch_size", self.batch_size)
        check_seed(self.seed)
        check_int("trace_steps", self.trace_steps, minimum=0)
        lr = self.learning_rate
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not math.isfinite(lr) or lr <= 0:
            raise ValueError(f"learning_rate must be a positive finite number, got {lr!r}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}; got {self.optimizer!r}")
        if not isinstance(self.logdir, str) or not self.logdir:
            raise ValueError(f"logdir must be a non-empty path, got {self.logdir!r}")

    def replace(self, **changes) -> "Config":
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def check_int(name, value, minimum=1) -> int:
    """Return ``value`` or raise ValueError naming ``name`` unless it is an integer >= ``minimum`` (0 or 1)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        kind = "a positive integer" if minimum == 1 else "a non-negative integer"
        raise ValueError(f"{name} must be {kind}, got {value!r}")
    return value
