"""A family's values into TensorBoard (``course.engine.steps``: an autoencoder, a GAN), through its run's
``RunLogger``: the same event files as every run, under the tags the family names.

    TAGS = ValueTags(per_step={"loss": "batch_loss"}, per_epoch={"loss": ("train", "epoch_loss"),
                     "val_loss": ("validation", "epoch_loss")}, histograms=True)
    fit_steps(steps, config, observers=[StepsLogger(logger, TAGS)])
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from course.engine.records import Observer
from course.tensorboard.layout import histogram_tags
from course.tensorboard.values import histogram_buckets


@dataclass(frozen=True)
class ValueTags:
    """Where a family's values go in TensorBoard (a classifier's tags are the RunLogger's own)."""
    per_step: dict                                   # {value: tag} in train/, at every update step
    per_epoch: dict = field(default_factory=dict)    # {value: (split, tag)}, at every epoch
    histograms: bool = False                         # the weights after each epoch (weights/..., biases/...)


class StepsLogger(Observer):
    """Writes the values of ``fit_steps``'s epochs to ``logger``'s event files under ``tags``.

    Example:
        >>> fit_steps(steps, config, observers=[StepsLogger(logger, autoencoding.TAGS)])
    """

    def __init__(self, logger, tags: ValueTags):
        self.logger, self.tags = logger, tags

    def on_train_begin(self, model, config, names, initial):
        self.histogram_tags = [histogram_tags(name)[0] for name in names]
        if self.tags.histograms:           # the initial weights at step 0
            self.logger.split("train").histograms(0, self._buckets(initial))

    def on_epoch_end(self, record):
        logged = [name for name in self.tags.per_step if name in record.values]
        if logged and len(record.values[logged[0]]):
            columns = np.column_stack([record.values[name] for name in logged])           # (steps, tags)
            self.logger.split("train").scalars(record.first_step, columns, [self.tags.per_step[n] for n in logged])
        if not record.complete:
            return
        by_split = {}
        for name, (split, tag) in self.tags.per_epoch.items():
            if name in record.measures:
                by_split.setdefault(split, []).append((tag, record.measures[name]))
        for split, pairs in by_split.items():
            self.logger.split(split).scalars(record.epoch, [[value for _, value in pairs]], [tag for tag, _ in pairs])
        if self.tags.histograms:           # keyed by update step, as every histogram of the course
            self.logger.split("train").histograms(record.first_step + len(record.step_sizes) - 1,
                                                  self._buckets(record.variables))

    def on_train_end(self, history):
        self.logger.on_train_end(history)   # run/stopped, when it stopped early; then everything flushed

    def _buckets(self, values) -> dict:
        return {tag: histogram_buckets(value) for tag, value in zip(self.histogram_tags, values)}
