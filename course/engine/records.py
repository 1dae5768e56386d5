"""What the training loop reports, and to whom.

``fit`` hands ``StepRecord``s (a fully copied update step, for the steps an observer asks for) and
``EpochRecord``s (every step's loss, accuracy and gradient norm, one host copy per epoch) to
``Observer``s: the trace printer, the TensorBoard logger, or your own. It returns a ``History``.

    class LossPrinter(Observer):
        def on_epoch_end(self, record):
            print(record.epoch, record.loss)
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from course.checks import check_int
from course.core.config import Config
from course.engine.history import History  # noqa: F401  (read from here too: what fit returns)


class StepOutputs(NamedTuple):
    """What one update step reports to the loop: tensors from the compiled step, arrays on the host."""
    loss: object          # the batch's mean loss, a scalar
    correct: object       # how many examples of the batch were classified right
    grad_norm: object     # the gradient's global norm (all variables), a scalar
    grads: object         # one gradient per trainable variable
    params: object        # every parameter after the update, flat (n_params,) for small models, else (0,)
    flat_grads: object    # every gradient entry, flat, likewise
    finite: object = True  # the loss, the gradient's norm and every weight after the update are finite


class StepSeries(NamedTuple):
    """Several steps' outputs stacked, one row per step: what the compiled epoch returns."""
    loss: object          # (steps,)
    correct: object       # (steps,)
    grad_norm: object     # (steps,)
    params: object        # (steps, n_params) or (steps, 0)
    flat_grads: object    # (steps, n_params) or (steps, 0)


class EpochMetrics(NamedTuple):
    """An epoch's results: the mean training loss and accuracy over its steps, then validation's."""
    loss: float
    accuracy: float
    val_loss: float
    val_accuracy: float


@dataclass
class StepRecord:
    """A fully copied update step, built only for the steps an observer asked for (the trace)."""
    step: int                 # 1-based update number
    epoch: int                # 1-based
    batch: int                # 1-based index within the epoch
    batches_per_epoch: int
    loss: float
    grad_norm: float
    names: list               # "hidden_1/kernel", ...
    before: list              # numpy arrays, each variable before the update
    grads: list               # numpy arrays, dL/dw
    after: list               # numpy arrays, each variable after the update
    learning_rate: float
    optimizer: str
    clip_norm: float | None = None   # the optimizer scaled the gradients down to this global norm (None: never)


@dataclass
class EpochRecord:
    """What happened during one epoch, with per-step series as NumPy arrays (one host copy per epoch)."""
    epoch: int
    first_step: int                 # global step number of the epoch's first update
    step_loss: np.ndarray           # (steps,)
    step_accuracy: np.ndarray       # (steps,)
    step_grad_norm: np.ndarray      # (steps,)
    step_sizes: np.ndarray          # (steps,) examples in each step's batch
    step_params: np.ndarray | None  # (steps, n_params) for small models, else None
    step_grads: np.ndarray | None   # (steps, n_params) for small models, else None
    loss: float                     # mean training loss over the epoch's batches
    accuracy: float
    val_loss: float
    val_accuracy: float
    learning_rate: float
    names: list                     # variable names
    variables: list                 # numpy arrays after the epoch
    grads: list                     # numpy arrays, gradients of the epoch's last step
    complete: bool = True           # False for the part of an epoch before a divergence or Ctrl-C:
                                    # its epoch-level metrics are NaN, only the per-step series count
    values: dict = field(default_factory=dict)    # a family's step values, {name: (steps,)}: its step's own
    measures: dict = field(default_factory=dict)  # a family's epoch values, {name: float}: means and measures

    @classmethod
    def of_values(cls, epoch, first_step, values: dict, sizes, measures: dict, names, variables, complete=True):
        """The record of a family's epoch (``course.engine.steps``): its step's named values, the epoch's
        measures; the classifier's own fields are empty (no accuracy, no gradient norm)."""
        steps = len(sizes)
        nan, empty = float("nan"), np.full(steps, np.nan)
        return cls(epoch=epoch, first_step=first_step, step_loss=np.asarray(values.get("loss", empty)),
                   step_accuracy=empty, step_grad_norm=empty, step_sizes=np.asarray(sizes, np.float64),
                   step_params=None, step_grads=None, loss=measures.get("loss", nan), accuracy=nan,
                   val_loss=measures.get("val_loss", nan), val_accuracy=nan, learning_rate=nan, names=names,
                   variables=variables, grads=[], complete=complete, values=values, measures=measures)


class Observer:
    """Base class: override what you need. ``fit`` calls these outside the compiled step.

    ``full_steps``: how many of the first update steps this observer wants as full ``StepRecord``s
    (host copies of every variable before and after). Those steps run one at a time; the rest of
    each epoch runs in one compiled call and reaches observers only through ``on_epoch_end``.
    ``on_graph`` is called once, after ``on_train_begin``, for observers with ``wants_graph``
    (not with ``config.eager``, which has no graph).
    """

    full_steps: int = 0
    wants_graph: bool = False   # True: ``on_graph`` receives the compiled training step's tf.Graph

    def on_train_begin(self, model, config: Config, names: list, initial: list) -> None: ...

    def on_graph(self, graph) -> None: ...

    def on_step(self, record: StepRecord) -> None: ...

    def on_epoch_end(self, record: EpochRecord) -> None: ...

    def on_train_end(self, history: History) -> None: ...


class Recorder(Observer):
    """Keeps what ``fit`` reports, for a lesson to compare runs afterwards.

    ``steps``: the first ``full_steps`` ``StepRecord``s (before, grads, after); ``epochs``: every
    ``EpochRecord`` (per-step losses; for small models every parameter after every step).

    Example:
        >>> rec = Recorder(full_steps=1); fit(model, ds, config, observers=[rec])
        >>> rec.steps[0].after, rec.step_losses().shape, rec.path().shape   # (steps,), (steps + 1, n_params)
    """

    def __init__(self, full_steps: int = 0):
        self.full_steps = check_int("full_steps", full_steps, minimum=0)
        self.initial, self.steps, self.epochs = None, [], []

    def on_train_begin(self, model, config, names, initial):
        self.initial = np.concatenate([np.ravel(w) for w in initial])   # (n_params,)
        self.steps, self.epochs = [], []

    def on_step(self, record):
        self.steps.append(record)

    def on_epoch_end(self, record):
        self.epochs.append(record)

    def step_losses(self, epoch: int | None = None) -> np.ndarray:
        """The batch loss of every update step (of one 1-based ``epoch``, or of all): (steps,)."""
        records = self.epochs if epoch is None else [r for r in self.epochs if r.epoch == epoch]
        return np.concatenate([r.step_loss for r in records]) if records else np.zeros(0)

    def path(self) -> np.ndarray:
        """Every parameter, initial values first then after each step: (steps + 1, n_params).

        Only for small models (``engine.compiled.SMALL_MODEL_PARAMETERS``), whose steps fit records in full.
        """
        if self.initial is None:
            raise ValueError("nothing was recorded yet: pass the Recorder to fit (observers=[recorder]) first")
        stepped = [r for r in self.epochs if len(r.step_loss)]    # an epoch stopped before its first step: none
        if any(r.step_params is None for r in stepped):
            raise ValueError("the parameter path is only recorded for small models (see "
                             "course.training.SMALL_MODEL_PARAMETERS)")
        return np.concatenate([self.initial[None]] + [r.step_params for r in stepped])


class EpochTimer(Observer):
    """Wall-clock time between consecutive epoch ends; epoch 1 (tracing and compiling) is left out.

    Put it last among the observers, so the time of the others' logging is in it too.

    Example:
        >>> timer = EpochTimer(); fit(model, ds, config, observers=[timer])
        >>> timer.per_epoch(), timer.per_update()          # seconds, from epoch 2 on
    """

    def __init__(self):
        self.stamps, self.steps = [], []

    def on_train_begin(self, model, config, names, initial):
        self.stamps, self.steps = [time.perf_counter()], [0]

    def on_epoch_end(self, record):
        if record.complete:
            self.stamps.append(time.perf_counter())
            self.steps.append(record.first_step + len(record.step_loss) - 1)

    def per_epoch(self) -> list:
        """Seconds of each epoch after the first."""
        return [float(t) for t in np.diff(self.stamps)[1:]]

    def per_update(self) -> float:
        """Seconds per update step over the epochs after the first (NaN with a single epoch)."""
        if len(self.stamps) < 3:
            return float("nan")
        return (self.stamps[-1] - self.stamps[1]) / (self.steps[-1] - self.steps[1])
