"""How an update step runs: on one device (the rest of each epoch compiled in one call), or split
across the replicas of a ``tf.distribute`` strategy (every step a distributed call from Python).

``fit`` (``course.engine.loop``) is the same loop for both; only its ``Runner`` differs:

    runner = Runner(model, config, record_parameters, data)    # one device; data: (x_train, y_train, x_val, y_val)
    runner = ReplicaRunner(model, config, record_parameters, data, strategy)
    outputs = runner.step(x, y, size)                          # StepOutputs of one update
"""
from __future__ import annotations

import numpy as np

from course.core.optimizers import make_optimizer
from course.core.runtime import tf
from course.core.step import loss_for, per_example_loss_for, train_step
from course.engine.compiled import make_epoch, make_evaluate, make_step
from course.engine.records import StepSeries
from course.engine.replicas import make_distributed_step, split_batch, strategy_of


class Runner:
    """How an update step runs on one device: ``step`` from Python, ``rest`` of an epoch compiled."""

    every_step_from_python = False

    def __init__(self, model, config, record_parameters, data, *, optimizer=None, update=train_step):
        if optimizer is None:
            optimizer = make_optimizer(config.optimizer, config.learning_rate, config.clip_norm)
        self.optimizer = optimizer
        self.optimizer.build(model.trainable_variables)
        loss_fn = loss_for(model)
        self._step = make_step(model, loss_fn, self.optimizer, eager=config.eager, record_parameters=record_parameters,
                               update=update)
        # With --eager every step runs from Python and the (uncompiled) epoch function only validates.
        # Compiled, the epoch calls the very step traced for the first steps and the graph: one trace, not two.
        self._epoch = make_epoch(model, loss_fn, self._step, config.batch_size, data,
                                 record_parameters=record_parameters, eager=config.eager)
        self.every_step_from_python = config.eager
        self.values = None

    def graph(self, x, y):
        """The compiled step's graph for a batch like ``x``, ``y``: the steps run one at a time and the compiled
        epoch's loop call this trace."""
        return self._step.get_concrete_function(tf.TensorSpec(x.shape, x.dtype), tf.TensorSpec(y.shape, y.dtype)).graph

    def step(self, x, y, size):
        return self._step(x, y)

    def rest(self, order, first_batch, grads):
        """The epoch's remaining batches, from ``first_batch`` on, of the training examples in the epoch's ``order``,
        and validation: (StepSeries, last grads (``grads`` when no step was left), (validation loss, validation
        accuracy), whether the last step left everything finite). ``values``: every trainable variable after it,
        as arrays."""
        series, end, last, validation, finite, values = self._epoch(tf.convert_to_tensor(order),
                                                                    tf.constant(first_batch, tf.int32))
        series = StepSeries(*(a.numpy()[first_batch:int(end)] for a in series))
        self.values = [v.numpy() for v in values]
        return series, last if len(series.loss) else grads, validation.numpy(), bool(finite)


class ReplicaRunner(Runner):
    """The same, each global batch split across ``strategy``'s replicas; every step runs from Python."""

    every_step_from_python = True

    def __init__(self, model, config, record_parameters, data, strategy):
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
        self._validation = data[2:]

    def graph(self, x, y):
        xs, ys = split_batch(self.strategy, x, y)
        return self._step.get_concrete_function(xs, ys, tf.constant(int(x.shape[0]))).graph

    def step(self, x, y, size):
        xs, ys = split_batch(self.strategy, x, y)
        return self._step(xs, ys, tf.constant(int(size)))[0]

    def rest(self, order, first_batch, grads):
        self.values = None
        val_loss, val_accuracy = self._evaluate(*self._validation)
        empty = np.zeros(0)
        return StepSeries(empty, empty, empty, np.zeros((0, 0)), np.zeros((0, 0))), grads, \
            (float(val_loss), float(val_accuracy)), True
