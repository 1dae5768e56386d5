"""``fit``: the training loop around the GradientTape step, on one device or split across replicas.

    history = fit(model, data.load("moons"), Config(epochs=10), observers=[...])
    history.val_accuracy[-1]

The first steps an observer asks for in full (``Observer.full_steps``: the printed trace) run one at
a time with host copies of every variable; on one device the rest of each epoch runs in one compiled
call (``compiled.make_epoch``). Everything a learner watches is done by observers, outside the step.
The only difference between one device and several replicas is the step a ``Runner`` runs.
"""
from __future__ import annotations

import math

import numpy as np

from course.core.config import Config
from course.core.models import parameter_count, variable_name
from course.core.runtime import tf
from course.core.step import labels_for, train_step
from course.engine.checks import check_fit_inputs, check_observers
from course.engine.compiled import SMALL_MODEL_PARAMETERS, EpochBuffer, shuffled
from course.engine.records import EpochMetrics, EpochRecord, History, StepRecord, StepSeries
from course.engine.replicas import strategy_of
from course.engine.runners import ReplicaRunner, Runner
from course.engine.signals import signals_deferred
from course.engine.stop import diverged, interrupted


def fit(model, dataset, config: Config, observers=(), *, strategy=None, optimizer=None, update=None) -> History:
    """Train ``model`` on ``dataset`` with seeded, shuffled mini-batches: ``prepare(...).run(observers)``.

    Args:
        model: a Keras model from ``course.models`` (sigmoid or softmax output).
        dataset: a ``course.data.Dataset``.
        config: epochs, learning_rate, batch_size, optimizer, seed, eager, shuffle.
        observers: ``Observer`` objects (trace printer, TensorBoard logger, ...).
        strategy: a ``tf.distribute`` strategy: each global batch is split across its replicas (Day 10).
            Default: the strategy whose ``scope()`` the model was built in, if any.
        optimizer: an optimizer object to use instead of ``config.optimizer`` (its ``apply_gradients``
            does the update: a learner's own rule, with ``config.eager``).
        update: a step with ``train_step``'s signature to run instead of it (a learner's own gradient).

    Example:
        >>> history = fit(models.perceptron(2), data.blobs(), Config(epochs=3))
        >>> len(history.loss)
        3
    """
    return prepare(model, dataset, config, strategy=strategy, optimizer=optimizer, update=update).run(observers)


def prepare(model, dataset, config: Config, *, strategy=None, optimizer=None, update=None) -> "Training":
    """Check that ``model``, ``dataset`` and ``config`` can train together (TypeError or ValueError naming the
    argument otherwise, before anything runs or is written) and build what training them takes; ``run``
    trains. ``fit`` is both at once; ``runs.train_and_log`` opens the run's logs between the two.

    Example:
        >>> training = prepare(models.perceptron(2), data.blobs(), Config(epochs=3))   # checked: nothing ran
        >>> history = training.run(observers=[logger])
    """
    check_fit_inputs(model, dataset, config, optimizer=optimizer, update=update)
    strategy = strategy if strategy is not None else strategy_of(model)
    if strategy is not None and (optimizer is not None or update is not None):
        raise ValueError("a model trained under a tf.distribute strategy takes the course's optimizer and step")
    return Training(model, dataset, config, strategy, optimizer, update or train_step)


class Training:
    """What ``prepare`` built: the state the epochs of one training run share; ``run(observers)`` trains."""

    def __init__(self, model, dataset, config, strategy, optimizer, update):
        self.config = config
        self.variables = model.trainable_variables
        self.names = [variable_name(v) for v in self.variables]
        self.record_parameters = parameter_count(model) <= SMALL_MODEL_PARAMETERS
        # The data become tensors once; a batch is a slice of a shuffled copy.
        self.x_train = tf.constant(dataset.x_train)          # (n_train, n_features)
        self.y_train = labels_for(model, dataset.y_train)    # (n_train, 1) or (n_train,)
        self.x_val, self.y_val = tf.constant(dataset.x_val), labels_for(model, dataset.y_val)
        data = (self.x_train, self.y_train, self.x_val, self.y_val)
        self.runner = (Runner(model, config, self.record_parameters, data, optimizer=optimizer, update=update)
                       if strategy is None else ReplicaRunner(model, config, self.record_parameters, data, strategy))
        self.n = int(self.x_train.shape[0])
        self.batches = math.ceil(self.n / config.batch_size)
        bs = config.batch_size
        self.sizes = np.minimum(bs, self.n - bs * np.arange(self.batches))   # the last batch may be smaller
        self.history, self.step, self.buffer, self.values = History(), 0, EpochBuffer(), None
        self.model = model

    def begin(self):
        """Every observer's ``on_train_begin``, then the graph for those that want it."""
        for obs in self.observers:
            obs.on_train_begin(self.model, self.config, self.names, [v.numpy() for v in self.variables])
        graph_watchers = [obs for obs in self.observers if getattr(obs, "wants_graph", False)]
        if graph_watchers and not self.config.eager:
            # When the first steps run one at a time (the printed trace), their first call reuses this
            # trace; with --trace-steps 0 it is traced for the graph alone.
            bs = self.config.batch_size
            graph = self.runner.graph(self.x_train[:bs], self.y_train[:bs])
            for obs in graph_watchers:
                obs.on_graph(graph)

    def run(self, observers=()) -> History:
        """Train, every epoch, handing each observer what it asked for; the History (once: a second call is refused)."""
        check_observers(observers)
        if self.history.epoch or self.history.stop or self.step:
            raise ValueError("this training ran already: prepare another one")
        self.observers = list(observers)
        self.full_steps = max([int(getattr(obs, "full_steps", 0)) for obs in self.observers], default=0)
        config, rng, epoch = self.config, np.random.default_rng(self.config.seed), 0
        grads, self.handed_over = [tf.zeros_like(v) for v in self.variables], True
        try:
            with signals_deferred():      # a Ctrl-C while TensorFlow traces the step would break its tracing
                self.begin()
            for epoch in range(1, config.epochs + 1):
                order = tf.constant(shuffled(rng, self.n) if config.shuffle else np.arange(self.n))
                self.buffer, self.handed_over, xs, ys, b = EpochBuffer(), False, None, None, 0
                self.values = None        # the variables' values at the epoch's end, once the compiled call read them
                while b < self.batches and (self.runner.every_step_from_python or self.step < self.full_steps):
                    if xs is None:                # the epoch's order, here for the steps run one at a time
                        xs, ys = tf.gather(self.x_train, order), tf.gather(self.y_train, order)
                    with signals_deferred():      # a step and its logging happen together
                        grads = self._watched_step(xs, ys, epoch, b)
                    if self.history.stop:         # stop at this step: what was logged so far stays as it was
                        break
                    b += 1
                # Ctrl-C waits for the compiled call and its hand-over to the observers: the updates it
                # applied are then logged, never lost between the call and the logs.
                with signals_deferred():
                    metrics = None
                    if not self.history.stop:
                        grads, metrics = self._rest_of_epoch(order, epoch, b, grads)
                    self._end_epoch(epoch, grads, metrics)
                if self.history.stop:
                    break
        except KeyboardInterrupt:
            # Ctrl-C (or SIGTERM): hand the finished steps of this epoch to the observers so the partial
            # run is logged, then let the interruption go on.
            partial = self._record(epoch, self.buffer if not self.handed_over else EpochBuffer(), None, None)
            self.history.steps = self.step
            self.history.stop = interrupted(self.step, epoch)
            for obs in self.observers:
                obs.on_epoch_end(partial)
                obs.on_train_end(self.history)
            raise
        for obs in self.observers:
            obs.on_train_end(self.history)
        return self.history

    def _watched_step(self, xs, ys, epoch, b):
        """One update step run from Python, with full host copies for the observers that asked for it."""
        bs = self.config.batch_size
        x, y = xs[b * bs:(b + 1) * bs], ys[b * bs:(b + 1) * bs]
        watchers = [obs for obs in self.observers if self.step < int(getattr(obs, "full_steps", 0))]
        before = [v.numpy() for v in self.variables] if watchers else None
        out = self.runner.step(x, y, self.sizes[b])
        loss, norm = float(out.loss), float(out.grad_norm)
        if not bool(out.finite):
            self.history.stop = diverged(self.step + 1, epoch, b + 1, loss, self.names, self.variables, out.grads)
            return out.grads
        self.step += 1
        empty = np.zeros(0)
        self.buffer.add(StepSeries(loss, float(out.correct), norm,
                                   out.params.numpy() if self.record_parameters else empty,
                                   out.flat_grads.numpy() if self.record_parameters else empty), self.sizes[b])
        if watchers:
            record = StepRecord(self.step, epoch, b + 1, self.batches, loss, norm, self.names, before,
                                [g.numpy() for g in out.grads], [v.numpy() for v in self.variables],
                                float(self.config.learning_rate), self.config.optimizer, self.config.clip_norm)
            for obs in watchers:
                obs.on_step(record)
        return out.grads

    def _rest_of_epoch(self, order, epoch, b, grads):
        """The fast path: the rest of the epoch and validation in one call; (last grads, metrics or None)."""
        series, grads, validation, finite = self.runner.rest(order, b, grads)
        self.values = self.runner.values
        done = len(series.loss)
        if done and not finite:
            done -= 1
            self.history.stop = diverged(self.step + done + 1, epoch, b + done + 1, float(series.loss[-1]),
                                         self.names, self.variables, grads)
        self.buffer.add(StepSeries(*(column[:done] for column in series)), self.sizes[b:b + done])
        self.step += done
        return grads, None if self.history.stop else self.buffer.metrics(self.n, validation)

    def _end_epoch(self, epoch, grads, metrics):
        history = self.history
        record = self._record(epoch, self.buffer, grads, metrics)
        if metrics is not None:
            history.add(epoch, {key: getattr(record, key) for key in ("loss", "accuracy", "val_loss", "val_accuracy")})
        history.steps = self.step
        self.handed_over = True   # set first: an interruption in the observers must not log these steps twice
        for obs in self.observers:
            obs.on_epoch_end(record)

    def _record(self, epoch, buffer, grads, metrics) -> EpochRecord:
        """One epoch's per-step outputs; ``metrics`` None for a partial (diverged or interrupted) epoch."""
        keep = self.record_parameters and len(buffer) > 0
        values = metrics if metrics is not None else EpochMetrics(*[math.nan] * 4)
        return EpochRecord(
            epoch=epoch, first_step=self.step - len(buffer) + 1,
            step_loss=buffer.column("loss"),
            step_accuracy=buffer.column("correct") / np.maximum(buffer.column("sizes"), 1),
            step_grad_norm=buffer.column("grad_norm"), step_sizes=buffer.column("sizes"),
            step_params=buffer.column("params") if keep else None,
            step_grads=buffer.column("flat_grads") if keep else None,
            loss=values.loss, accuracy=values.accuracy, val_loss=values.val_loss, val_accuracy=values.val_accuracy,
            learning_rate=float(self.config.learning_rate),
            names=self.names, variables=self.values or [v.numpy() for v in self.variables],
            grads=[np.asarray(g) for g in grads] if grads is not None else [],
            complete=metrics is not None)
