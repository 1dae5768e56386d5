"""How an update step runs: on one device (the rest of each epoch compiled in one call), or split
across the replicas of a ``tf.distribute`` strategy (every step a distributed call from Python).

``fit`` (``course.engine.loop``) is the same loop for both; only its ``Runner`` differs:

    runner = Runner(model, config, record_parameters)          # one device
    runner = ReplicaRunner(model, config, record_parameters, strategy)
    outputs = runner.step(x, y, size)                          # StepOutputs of one update
"""
from __future__ import annotations

import numpy as np

from course.core.optimizers import make_optimizer
from course.core.runtime import tf
from course.core.step import loss_for, per_example_loss_for, train_step
from course.engine.compiled import make_epoch, make_evaluate, make_step, metrics_of
from course.engine.records import EpochMetrics, StepSeries
from course.engine.replicas import make_distributed_step, split_batch, strategy_of


class Runner:
    """How an update step runs on one device: ``step`` from Python, ``rest`` of an epoch compiled."""

    every_step_from_python = False

    def __init__(self, model, config, record_parameters, *, optimizer=None, update=train_step):
        if optimizer is None:
            optimizer = make_optimizer(config.optimizer, config.learning_rate, config.clip_norm)
        self.optimizer = optimizer
        self.optimizer.build(model.trainable_variables)
        loss_fn = loss_for(model)
        self._step = make_step(model, loss_fn, self.optimizer, eager=config.eager, record_parameters=record_parameters,
                               update=update)
        # With --eager every step runs from Python and the (uncompiled) epoch function only validates.
        # Compiled, the epoch calls the very step traced for the first steps and the graph: one trace, not two.
        self._epoch = make_epoch(model, loss_fn, self._step, config.batch_size, record_parameters=record_parameters,
                                 eager=config.eager)
        self.every_step_from_python = config.eager

    def graph(self, x, y):
        """The compiled step's graph, traced for batches of any size: the steps run one at a time and the
        compiled epoch (whose batches are slices of unknown size) call this trace."""
        return self._step.get_concrete_function(tf.TensorSpec([None, *x.shape[1:]], x.dtype),
                                                tf.TensorSpec([None, *y.shape[1:]], y.dtype)).graph

    def step(self, x, y, size):
        return self._step(x, y)

    def rest(self, xs, ys, x_val, y_val, first_batch, buffer, grads):
        """The epoch's remaining batches and validation: (StepSeries, last grads, EpochMetrics, whether the
        last step left everything finite)."""
        carried = tf.constant(buffer.sums(), tf.float64)
        series, grads, metrics, finite = self._epoch(xs, ys, x_val, y_val, tf.constant(first_batch, tf.int32),
                                                     carried, grads)
        return StepSeries(*(a.numpy() for a in series)), grads, metrics_of(metrics.numpy()), bool(finite)


class ReplicaRunner(Runner):
    """The same, each global batch split across ``strategy``'s replicas; every step runs from Python."""

    every_step_from_python = True

    def __init__(self, model, config, record_parameters, strategy):
        if not isinstance(strategy, tf.distribute.Strategy):
            raise ValueError(f"strategy must be a tf.distribute.Strategy, got {type(strategy).__name__}")
        if strategy_of(model) is not strategy:
            raise ValueError("model must be built inside strategy.scope(), so that its variables are mirrored")
        self.strategy, self.n = strategy, None
        with strategy.scope():
            self.optimizer = make_optimizer(config.optimizer, config.learning_rate, config.clip_norm)
            self.optimizer.build(model.trainable_variables)
        self._step = make_distributed_step(strategy, model, per_example_loss_for(model), self.optimizer,
                                           eager=config.eager, record_parameters=record_parameters)
        self._evaluate = make_evaluate(model, loss_for(model), eager=config.eager)

    def graph(self, x, y):
        xs, ys = split_batch(self.strategy, x, y)
        return self._step.get_concrete_function(xs, ys, tf.constant(int(x.shape[0]))).graph

    def step(self, x, y, size):
        xs, ys = split_batch(self.strategy, x, y)
        return self._step(xs, ys, tf.constant(int(size)))[0]

    def rest(self, xs, ys, x_val, y_val, first_batch, buffer, grads):
        val_loss, val_accuracy = self._evaluate(x_val, y_val)
        loss_sum, correct_sum = buffer.sums()
        n = int(xs.shape[0])
        empty = np.zeros(0)
        return (StepSeries(empty, empty, empty, np.zeros((0, 0)), np.zeros((0, 0))), grads,
                EpochMetrics(loss_sum / n, correct_sum / n, float(val_loss), float(val_accuracy)), True)
