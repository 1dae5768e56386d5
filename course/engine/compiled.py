"""The fast part of the loop: the step compiled with what the loop reports, and whole epochs in one call.

For lesson-sized models the cost of a step is framework overhead, not arithmetic, so the loop runs
the rest of an epoch (every batch, then validation) in one compiled call: ``make_epoch``. Its steps
are the very same ``train_step`` (``course.core.step``), wrapped by ``make_step`` into
``StepOutputs``: the loss, the number correct, the gradient's norm, the gradients, and for small
models every parameter and gradient entry.

    step = make_step(model, loss_fn, optimizer)          # (x, y) -> StepOutputs
    epoch = make_epoch(model, loss_fn, step, 32, data)   # (order, first_batch): the rest of an epoch, one call
"""
from __future__ import annotations

import numpy as np

from course.core.models import parameter_count
from course.core.runtime import tf
from course.core.step import count_correct, train_step
from course.engine.records import EpochMetrics, StepOutputs, StepSeries

# Models with at most this many parameters get one scalar per parameter in the
# logs and one line per parameter in the printed trace.
SMALL_MODEL_PARAMETERS = 20


def flat(tensors):
    """Every entry of a list of tensors, in one (n,) vector."""
    return tf.concat([tf.reshape(t, [-1]) for t in tensors], axis=0)


def all_finite(loss, norm, variables):
    """True when the loss, the gradient's norm and every weight are finite numbers (training can go on)."""
    return tf.reduce_all(tf.stack([tf.math.is_finite(loss), tf.math.is_finite(norm)]
                                  + [tf.reduce_all(tf.math.is_finite(v)) for v in variables]))


def step_outputs(model, loss, correct, grads, record_parameters) -> StepOutputs:
    """What a step reports, from its loss, number correct and gradients (the parameters after the update)."""
    flat_params = flat(model.trainable_variables) if record_parameters else tf.zeros([0])
    flat_grads = flat(grads) if record_parameters else tf.zeros([0])
    norm = tf.linalg.global_norm(grads)
    return StepOutputs(loss, correct, norm, grads, flat_params, flat_grads,
                       all_finite(loss, norm, model.trainable_variables))


def make_step(model, loss_fn, optimizer, *, eager=False, record_parameters=False, update=train_step):
    """``train_step`` with what the loop reports, compiled with ``tf.function`` unless ``eager``.

    The step (x, y) -> ``StepOutputs``; the flat vectors (all parameters after the update, and their
    gradients) are only built for small models whose every parameter is logged. ``update`` is the step
    itself, ``train_step`` unless another one with its signature is given (a learner's own, eagerly).
    """
    def step(x, y):
        loss, predictions, grads = update(model, loss_fn, optimizer, x, y)
        # Dense on (batch, steps, features) returns kernel gradients with an unknown first dimension;
        # the compiled epoch carries grads through its loop and needs their static shapes.
        grads = [tf.ensure_shape(g, v.shape) for g, v in zip(grads, model.trainable_variables)]
        return step_outputs(model, loss, count_correct(y, predictions), grads, record_parameters)

    # One trace per batch shape (a run has two at most: its batch size and a smaller last batch), each with
    # the shapes known, which the compiled epoch's loop calls.
    return step if eager else tf.function(step, autograph=False)


def make_evaluate(model, loss_fn, *, eager=False):
    """(x, y) -> (mean loss, accuracy) over a whole split in one call."""
    def evaluate(x, y):
        predictions = model(x, training=False)
        loss = loss_fn(y, predictions)
        return loss, count_correct(y, predictions) / tf.cast(tf.shape(x)[0], tf.float32)

    return evaluate if eager else tf.function(evaluate, reduce_retracing=True, autograph=False)


def shuffled(rng, n: int) -> np.ndarray:
    """The order of an epoch's ``n`` training examples, from the run's seeded ``rng``: every loop's shuffle."""
    return rng.permutation(n)


def epoch_loop(step, batch_size: int, columns: dict, *, finish=None):
    """The rest of an epoch for any network, as one function to compile: ``step`` on every remaining batch of
    pre-shuffled tensors in a ``tf.while_loop``, stopping after a step that is not finite, then ``finish``.

    ``step(*batch)`` returns (``{name: value}`` with the shapes of ``columns``, whether the step left everything
    finite (a boolean scalar), ``carry``: tensors handed from step to step, such as the last gradients).

    ``run(tensors, first_batch, carry, *finish_args)`` slices each tensor of ``tensors`` (one row per example,
    in the epoch's order) into batches from ``first_batch`` on and returns (``{name: (batches, ...)}`` whose
    rows ``first_batch`` to ``end - 1`` are the steps that ran, ``end``, the last carry, whether the last step
    was finite, ``finish(*finish_args)`` or None). It is the only loop over batches in the course: the
    classifiers' epoch (``make_epoch``) and the families' (the autoencoder's, the GAN's:
    ``course.engine.steps``) are both built on it. What is summed over the steps is summed by the host, from the
    columns: the loop carries nothing it does not need (each value it carries costs at every step).
    """
    def run(tensors, first_batch, carry, *finish_args):
        # Every batch has a shape known when the epoch is traced (its data's shape is fixed for the run): the
        # full ones in the loop, a smaller last one after it. TensorFlow then works out the shapes in the step's
        # gradient once, while tracing, instead of at every step (a sixth of a small model's step).
        n = int(tensors[0].shape[0])
        full, last = divmod(n, batch_size)
        arrays = {name: tf.TensorArray(tf.float32, size=full + (last > 0), element_shape=shape)
                  for name, shape in columns.items()}

        def batch(b, size):
            return tuple(tf.slice(t, tf.stack([b * batch_size] + [0] * (len(t.shape) - 1)), [size, *t.shape[1:]])
                         for t in tensors)

        def write(arrays, b, values):
            return {name: a.write(b, tf.cast(values[name], tf.float32)) for name, a in arrays.items()}

        def more(b, finite, *_):                       # the next batch, unless a step blew up
            return tf.logical_and(b < full, finite)

        def one_step(b, finite, carry, arrays):
            values, ok, carry = step(*batch(b, batch_size))
            return b + 1, ok, carry, write(arrays, b, values)

        b, finite, carry, arrays = tf.while_loop(more, one_step, (first_batch, tf.constant(True), carry, arrays))
        if last:                                       # the smaller last batch, unless a step blew up already
            def last_step():
                values, ok, new_carry = step(*batch(full, last))
                return tf.constant(full + 1), ok, new_carry, write(arrays, full, values)

            b, finite, carry, arrays = tf.cond(tf.logical_and(b == full, finite), last_step,
                                               lambda: (b, finite, carry, arrays))
        finished = finish(*finish_args) if finish is not None else None
        return {name: a.stack() for name, a in arrays.items()}, b, carry, finite, finished

    return run


def make_epoch(model, loss_fn, step, batch_size: int, data, *, record_parameters=False, eager=False,
               jit_compile=False):
    """Compile a classifier's "rest of an epoch" (``epoch_loop``) on ``data``: ``step`` (``make_step``'s:
    ``train_step`` and what the loop reports) on every remaining batch, then validation.

    One Python call shuffles, runs every remaining batch and evaluates the validation split, so an epoch
    costs one call. It stops early at a step whose loss or gradient is not finite.

    ``data`` is (x_train, y_train, x_val, y_val), tensors the function holds for the whole run (an argument
    costs every call; these never change). (order, first_batch) -> (``StepSeries`` with a row per batch, of
    the training examples in ``order``: rows ``first_batch`` to ``end - 1`` are the steps it ran; ``end``; the
    last step's grads (zeros when none ran); (validation loss, validation accuracy); whether its last step
    left the loss, the gradient's norm and every weight finite; every trainable variable's value at the end).
    ``step`` is called in the loop: compiled, its trace for a full batch is shared with the steps run one at
    a time (and the graph TensorBoard shows).

    ``jit_compile``: compile the whole epoch with XLA. It runs a small model's epoch about twice as fast and
    costs seconds to compile, more than it saves in a lesson's run (``benchmarks/bench_training.py``
    measures both), and XLA may change the last bits of the results: the course does not use it.
    """
    x, y, x_val, y_val = data
    n_flat = parameter_count(model) if record_parameters else 0
    # A step's three numbers travel as one (3,) row; a large model's empty parameter columns not at all.
    columns = {"scalars": [3], **({"params": [n_flat], "flat_grads": [n_flat]} if record_parameters else {})}

    def one_step(x, y):
        out = step(x, y)
        values = {"scalars": tf.stack([tf.cast(v, tf.float32) for v in (out.loss, out.correct, out.grad_norm)])}
        if record_parameters:
            values.update(params=out.params, flat_grads=out.flat_grads)
        return values, out.finite, list(out.grads)

    loop = epoch_loop(one_step, batch_size, columns, finish=make_evaluate(model, loss_fn, eager=True))

    def run_epoch(order, first_batch):
        zeros = [tf.zeros_like(v) for v in model.trainable_variables]
        series, end, grads, finite, (val_loss, val_accuracy) = loop(
            (tf.gather(x, order), tf.gather(y, order)), first_batch, zeros, x_val, y_val)
        scalars = series["scalars"]
        empty = tf.zeros([tf.shape(scalars)[0], 0])
        return (StepSeries(scalars[:, 0], scalars[:, 1], scalars[:, 2], series.get("params", empty),
                           series.get("flat_grads", empty)), end,
                grads, tf.stack([tf.cast(val_loss, tf.float32), tf.cast(val_accuracy, tf.float32)]), finite,
                [tf.identity(v) for v in model.trainable_variables])      # read here: cheaper than from Python

    if eager:
        return run_epoch
    # tf.while_loop written out: AutoGraph would convert every function the step calls (Keras's too), a
    # second or more of tracing for the larger models, for nothing. The concrete function, found once, is
    # called without tf.function's search of its traces at every epoch (a sixth of a small model's epoch).
    compiled, traced = tf.function(run_epoch, autograph=False, jit_compile=jit_compile), []

    def call(order, first_batch):
        if not traced:                 # traced at the first epoch, not before training starts
            traced.append(compiled.get_concrete_function(tf.TensorSpec([int(x.shape[0])], tf.int64),
                                                         tf.TensorSpec([], tf.int32)))
        return traced[0](order, first_batch)

    return call


class EpochBuffer:
    """One epoch's per-step results on the host, in step order (one copy per compiled call).

    Example:
        >>> buffer.add(StepSeries(loss, correct, norm, params, flat_grads), sizes)
        >>> buffer.column("loss"), buffer.sums()
    """

    def __init__(self):
        self.parts = []    # (StepSeries of NumPy arrays, batch sizes)

    def add(self, series: StepSeries, sizes) -> None:
        if np.size(series.loss) == 0:    # a part with no steps (the replica runner's rest) adds nothing
            return
        self.parts.append((StepSeries(
            np.atleast_1d(np.asarray(series.loss, np.float64)), np.atleast_1d(np.asarray(series.correct, np.float64)),
            np.atleast_1d(np.asarray(series.grad_norm, np.float64)), np.atleast_2d(series.params),
            np.atleast_2d(series.flat_grads)), np.atleast_1d(np.asarray(sizes, np.float64))))

    def column(self, name: str) -> np.ndarray:
        """One field of every step so far, in step order; ``"sizes"`` for the batch sizes."""
        if not self.parts:
            return np.zeros((0, 0) if name in ("params", "flat_grads") else (0,))
        return np.concatenate([sizes if name == "sizes" else getattr(series, name) for series, sizes in self.parts])

    def sums(self) -> list:
        """(sum of loss * batch size, number correct), added one step after another, in step order (float64):
        what an epoch's mean loss and accuracy are made of, however its steps ran."""
        if not self.parts:
            return [0.0, 0.0]
        # cumsum adds in order, one step after another (a plain sum would add pairwise)
        loss = np.cumsum(self.column("loss") * self.column("sizes"))[-1]
        return [float(loss), float(np.cumsum(self.column("correct"))[-1])]

    def metrics(self, n: int, validation) -> EpochMetrics:
        """The epoch's ``EpochMetrics``: its steps' mean loss and accuracy over ``n`` examples, then
        ``validation``'s (loss, accuracy)."""
        loss_sum, correct_sum = self.sums()
        return EpochMetrics(loss_sum / n, correct_sum / n, *(float(v) for v in validation))

    def __len__(self) -> int:
        return sum(len(series.loss) for series, _ in self.parts)
