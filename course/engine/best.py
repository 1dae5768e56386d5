"""Keep the best epoch: what a practitioner's checkpoint does when a run learns, then gets worse.

``KeepBest`` watches each epoch's validation accuracy (ties: the lower validation loss) and, when training
ends, puts the best epoch's weights back into the model, as Keras's ``EarlyStopping(restore_best_weights=True)``
does, without stopping early. It keeps every epoch's validation accuracy and largest gradient norm, so a
lesson can say what happened: "learned by epoch 3 (0.967), then fell to 0.512 (the gradient norm reached 135
in epoch 4)".

    keep = KeepBest()
    fit(model, ds, config, observers=[keep])      # the model now holds the best epoch's weights
    keep.best.epoch, keep.best.val_accuracy, keep.last.val_accuracy
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from course.engine.records import Observer


@dataclass(frozen=True)
class EpochSummary:
    epoch: int
    val_accuracy: float
    val_loss: float
    largest_grad_norm: float     # the largest gradient norm of the epoch's update steps


class KeepBest(Observer):
    """Remember the epoch with the best validation accuracy and restore its weights when training ends.

    Example:
        >>> keep = KeepBest(); fit(model, ds, config, observers=[keep])
        >>> keep.best.epoch, keep.restored        # (3, True) when a later epoch was worse
    """

    def __init__(self, restore: bool = True):
        self.restore = bool(restore)
        self.epochs, self.best, self.restored = [], None, False
        self._weights, self._model = None, None

    def on_train_begin(self, model, config, names, initial):
        self._model, self.epochs, self.best, self.restored, self._weights = model, [], None, False, None

    def on_epoch_end(self, record):
        if not record.complete or not math.isfinite(record.val_accuracy):
            return
        norms = np.asarray(record.step_grad_norm, np.float64)
        summary = EpochSummary(record.epoch, float(record.val_accuracy), float(record.val_loss),
                               float(np.max(norms)) if norms.size else math.nan)
        self.epochs.append(summary)
        if self.best is None or (summary.val_accuracy, -summary.val_loss) > (self.best.val_accuracy,
                                                                              -self.best.val_loss):
            self.best, self._weights = summary, [np.array(v, copy=True) for v in record.variables]

    def on_train_end(self, history):
        if self.restore and self.best is not None and self.epochs[-1].epoch != self.best.epoch:
            for variable, value in zip(self._model.trainable_variables, self._weights):
                variable.assign(value)
            self.restored = True

    @property
    def last(self) -> EpochSummary | None:
        """The last complete epoch (None when none completed)."""
        return self.epochs[-1] if self.epochs else None

    def largest_norm_after_best(self) -> EpochSummary | None:
        """The epoch after the best one whose update steps had the largest gradient norm (None when none)."""
        later = [e for e in self.epochs if self.best is not None and e.epoch > self.best.epoch]
        return max(later, key=lambda e: e.largest_grad_norm) if later else None
