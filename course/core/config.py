"""The one configuration object a lesson and the training loop share.

A small frozen dataclass: the command-line flags of every lesson map one to one onto its fields, and
``training.fit`` reads the training fields from it.

    config = Config(epochs=5, learning_rate=0.05, optimizer="adam")
    config.replace(batch_size=4)   # a modified copy; the original is unchanged

Its fields are checked by the rules of ``course.checks``, the same the command line's flags use.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from course.checks import (FLOAT32_TINY, LEARNING_RATE_KIND, MAX_EPOCHS, check_bool, check_choice, check_int,
                           check_number, check_seed)
from course.reference.optimizers import OPTIMIZERS


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
    clip_norm: float | None = None  # scale the gradients down to this global norm when larger (Keras's
                                    # global_clipnorm); 0: never; None: the lesson's choice (never, except
                                    # Day 9's recurrent nets: 1)

    def __post_init__(self):
        set_ = object.__setattr__      # frozen: store the checked values (NumPy numbers become Python ones)
        set_(self, "epochs", check_int("epochs", self.epochs, maximum=MAX_EPOCHS))
        set_(self, "batch_size", check_int("batch_size", self.batch_size))
        set_(self, "seed", check_seed(self.seed))
        set_(self, "trace_steps", check_int("trace_steps", self.trace_steps, minimum=0))
        set_(self, "learning_rate", check_number("learning_rate", self.learning_rate, low=FLOAT32_TINY,
                                                 kind=LEARNING_RATE_KIND))
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        if not isinstance(self.logdir, str) or not self.logdir:
            raise ValueError(f"logdir must be a non-empty path, got {self.logdir!r}")
        if not isinstance(self.dataset, str):
            raise ValueError(f"dataset must be a name, got {self.dataset!r}")
        for name in ("eager", "quiet", "shuffle", "log_every_step"):
            set_(self, name, check_bool(name, getattr(self, name)))
        if self.clip_norm is not None:
            set_(self, "clip_norm", check_number("clip_norm", self.clip_norm, low=0,
                                                 kind="a non-negative finite number (0: no clipping)"))

    def replace(self, **changes) -> "Config":
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)
