"""The loop for a network that is not a classifier (an autoencoder, a GAN): it brings its step, the loop does
the rest, with the classifiers' machinery: the same shuffle, the same compiled epoch (``compiled.epoch_loop``),
the same ``Stop`` when a number stops being finite, the same ``History``, the same observers (``RunLogger``
into TensorBoard, a printer, a lesson's figures).

    steps = Steps(step=lambda x: {"loss": reconstruction_step(model, optimizer, x)}, names=("loss",),
                  data=(x_train,), models=(model,), measure=lambda: {"val_loss": mse(model, x_val)})
    history = fit_steps(steps, config, observers=[logger])
    history.loss, history.val_loss                 # one value per epoch
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course.core.models import variable_name
from course.core.runtime import tf
from course.engine.compiled import epoch_loop, shuffled
from course.engine.history import CLASSIFIER, History
from course.engine.records import EpochRecord
from course.engine.signals import signals_deferred
from course.engine.stop import interrupted, values_diverged


@dataclass(frozen=True)
class Steps:
    """What a network brings to the loop: its update step and what to measure after each epoch."""
    step: object              # step(*batch) -> {name: scalar tensor}: one update (the family's GradientTape step)
    names: tuple              # the names of those values, in order
    data: tuple               # arrays with one row per training example: the autoencoder's (x,), the GAN's (real,)
    models: tuple             # the networks the step trains
    check: tuple = ()         # the values that must stay finite numbers (default: all of them)
    measure: object = None    # measure() -> {name: value} after each complete epoch: validation error, samples
    measured: tuple = ()      # the names measure() returns (NaN in the history's final() before any epoch ends)
    fresh: object = None      # fresh(rng, n) -> arrays drawn anew each epoch, one row per example (a GAN's noise)


def fit_steps(steps: Steps, config, observers=()) -> History:
    """Train with ``steps.step`` on seeded, shuffled mini-batches of ``steps.data``; the epoch's values are means
    over its steps (weighted by batch size), then ``steps.measure()``'s.

    Example:
        >>> history = fit_steps(Steps(step, ("loss",), (x_train,), (model,)), Config(epochs=3, optimizer="adam"))
    """
    data = tuple(np.asarray(a, np.float32) for a in steps.data)
    if not data or any(a.ndim < 1 or len(a) != len(data[0]) or len(a) == 0 for a in data):
        raise ValueError("steps.data must be arrays with one row per training example, as many rows each")
    return _Steps(steps, data, config, list(observers)).run()


class _Steps:
    """One call of ``fit_steps``: the state its epochs share."""

    def __init__(self, steps, data, config, observers):
        self.steps, self.data, self.config, self.observers = steps, data, config, observers
        self.n, self.batch_size = len(data[0]), min(config.batch_size, len(data[0]))
        self.check = steps.check or steps.names

        def one_step(*batch):
            values = steps.step(*batch)
            finite = tf.reduce_all(tf.stack([tf.math.is_finite(tf.cast(values[k], tf.float32)) for k in self.check]))
            return values, finite, []

        loop = epoch_loop(one_step, self.batch_size, {name: [] for name in steps.names})
        self.epoch_loop = loop if config.eager else tf.function(loop, reduce_retracing=True, autograph=False)
        self.variables = [v for model in steps.models for v in model.trainable_variables]
        self.names = [variable_name(v) for v in self.variables]
        self.history, self.step = History(), 0
        for name in (*steps.names, *steps.measured):        # a run that stops in epoch 1 has them, empty
            if name not in CLASSIFIER:
                self.history.series[name] = []

    def run(self) -> History:
        rng, epoch = np.random.default_rng(self.config.seed), 0
        try:
            for obs in self.observers:
                obs.on_train_begin(self.steps.models[0], self.config, self.names, [v.numpy() for v in self.variables])
            for epoch in range(1, self.config.epochs + 1):
                with signals_deferred():      # an epoch and its hand-over to the observers happen together
                    self._epoch(rng, epoch)
                if self.history.stop:
                    break
        except KeyboardInterrupt:
            self.history.stop = interrupted(self.step, epoch)
            for obs in self.observers:
                obs.on_train_end(self.history)
            raise
        for obs in self.observers:
            obs.on_train_end(self.history)
        return self.history

    def _epoch(self, rng, epoch):
        order = shuffled(rng, self.n)
        fresh = self.steps.fresh(rng, self.n) if self.steps.fresh is not None else ()
        tensors = tuple(tf.constant(a[order]) for a in self.data) + tuple(tf.constant(a) for a in fresh)
        series, end, _, finite, _ = self.epoch_loop(tensors, tf.constant(0), [])
        values = {name: series[name].numpy()[:int(end)].astype(np.float64) for name in self.steps.names}
        done = len(values[self.steps.names[0]])
        if not bool(finite):           # the step that blew up is neither counted nor logged, as in fit
            last = {name: values[name][-1] for name in self.check}
            self.history.stop = values_diverged(self.step + done, epoch, done, last)
            done -= 1
            values = {name: column[:done] for name, column in values.items()}
        sizes = np.minimum(self.batch_size, self.n - self.batch_size * np.arange(done))
        first, self.step = self.step + 1, self.step + done
        self.history.steps = self.step
        measures = {}
        if not self.history.stop:
            measures = {name: float(np.average(column, weights=sizes)) for name, column in values.items()}
            measures.update(self.steps.measure() if self.steps.measure is not None else {})
            self.history.add(epoch, measures)
        record = EpochRecord.of_values(epoch, first, values, sizes, measures, self.names,
                                       [v.numpy() for v in self.variables], complete=not self.history.stop)
        for obs in self.observers:
            obs.on_epoch_end(record)


def printed_epoch(epoch: int, epochs: int, lines: int = 10) -> bool:
    """About ``lines`` epoch lines a run: the first, every k-th and the last."""
    k = max(1, epochs // lines)
    return epoch == 1 or epoch % k == 0 or epoch == epochs


