"""The fast part of the loop: the step compiled with what the loop reports, and whole epochs in one call.

For lesson-sized models the cost of a step is framework overhead, not arithmetic, so the loop runs
the rest of an epoch (every batch, then validation) in one compiled call: ``make_epoch``. Its steps
are the very same ``train_step`` (``course.core.step``), wrapped by ``make_step`` into
``StepOutputs``: the loss, the number correct, the gradient's norm, the gradients, and for small
models every parameter and gradient entry.

    step = make_step(model, loss_fn, optimizer)          # (x, y) -> StepOutputs
    epoch = make_epoch(model, loss_fn, optimizer, 32)    # the rest of an epoch, in one call
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

    return step if eager else tf.function(step, reduce_retracing=True, autograph=False)


def make_evaluate(model, loss_fn, *, eager=False):
    """(x, y) -> (mean loss, accuracy) over a whole split in one call."""
    def evaluate(x, y):
        predictions = model(x, training=False)
        loss = loss_fn(y, predictions)
        return loss, count_correct(y, predictions) / tf.cast(tf.shape(x)[0], tf.float32)

    return evaluate if eager else tf.function(evaluate, reduce_retracing=True, autograph=False)


def make_epoch(model, loss_fn, optimizer, batch_size: int, *, record_parameters=False, eager=False,
               update=train_step, step=None):
    """Compile "the rest of an epoch": ``train_step`` in a ``tf.while_loop``, then validation.

    One Python call runs every remaining batch of pre-shuffled tensors and evaluates the validation
    split, so an epoch costs one call. It stops early at a step whose loss or gradient is not finite.

    (xs, ys, x_val, y_val, first_batch, carried, grads) -> (``StepSeries`` of the steps it ran, the
    last step's grads, ``EpochMetrics`` as a (4,) float64 tensor, NaN when the epoch did not finish,
    whether its last step left the loss, the gradient's norm and every weight finite).
    ``carried`` holds (sum of loss * batch size, number correct) of the epoch's steps already run one
    at a time, ``grads`` the gradients of the last of them. ``step``: the compiled step (``make_step``)
    to call in the loop, its trace shared with the steps run one at a time; by default the step is
    traced into the loop itself.
    """
    if step is None:
        step = make_step(model, loss_fn, optimizer, eager=True, record_parameters=record_parameters, update=update)
    evaluate = make_evaluate(model, loss_fn, eager=True)
    n_flat = parameter_count(model) if record_parameters else 0

    def run_epoch(xs, ys, x_val, y_val, first_batch, carried, grads):
        n = tf.shape(xs)[0]
        last_batch = (n + batch_size - 1) // batch_size
        series = StepSeries(*(tf.TensorArray(tf.float32, size=0, dynamic_size=True, element_shape=shape)
                              for shape in ([], [], [], [n_flat], [n_flat])))

        def more(b, finite, *_):                       # the next batch, unless a step blew up
            return tf.logical_and(b < last_batch, finite)

        def one_step(b, finite, loss_sum, correct_sum, grads, series):
            x, y = xs[b * batch_size:(b + 1) * batch_size], ys[b * batch_size:(b + 1) * batch_size]
            out = step(x, y)
            series = StepSeries(*(a.write(b - first_batch, v) for a, v in zip(
                series, (out.loss, out.correct, out.grad_norm, out.params, out.flat_grads))))
            size = tf.cast(tf.shape(x)[0], tf.float64)
            # float64 sums, in step order: the same numbers as when the steps run one at a time
            loss_sum = tf.where(out.finite, loss_sum + tf.cast(out.loss, tf.float64) * size, loss_sum)
            correct_sum = tf.where(out.finite, correct_sum + tf.cast(out.correct, tf.float64), correct_sum)
            return b + 1, out.finite, loss_sum, correct_sum, list(out.grads), series

        _, finite, loss_sum, correct_sum, grads, series = tf.while_loop(
            more, one_step, (first_batch, tf.constant(True), carried[0], carried[1], list(grads), series))
        val_loss, val_accuracy = evaluate(x_val, y_val)
        total = tf.cast(n, tf.float64)
        metrics = tf.where(finite, tf.stack([loss_sum / total, correct_sum / total, tf.cast(val_loss, tf.float64),
                                             tf.cast(val_accuracy, tf.float64)]),
                           tf.fill([4], tf.constant(float("nan"), tf.float64)))
        return StepSeries(*(a.stack() for a in series)), grads, metrics, finite

    # tf.while_loop written out: AutoGraph would convert every function the step calls (Keras's too), a
    # second or more of tracing for the larger models, for nothing.
    return run_epoch if eager else tf.function(run_epoch, reduce_retracing=True, autograph=False)


def make_loop(step, batch_size: int, outputs: int, *, check: int | None = None, eager=False):
    """Compile every batch of an epoch for a step of one's own (the autoencoder's, the GAN's).

    ``step(*batch)`` returns ``outputs`` scalars; the compiled ``loop(*tensors)`` slices each tensor (one
    row per example, in the epoch's order) into batches, runs the step on each and returns their outputs,
    (steps, outputs) float32, stopping after the first step whose first ``check`` outputs are not finite.

    Example:
        >>> loop = make_loop(lambda x: (reconstruction_step(model, optimizer, x),), 32, 1)
        >>> losses = loop(tf.constant(x_train[order]))[:, 0]
    """
    check = outputs if check is None else check

    def run(*tensors):
        last = (tf.shape(tensors[0])[0] + batch_size - 1) // batch_size

        def more(b, finite, rows):
            return tf.logical_and(b < last, finite)

        def one_step(b, finite, rows):
            values = tf.stack([tf.cast(v, tf.float32) for v in step(*(t[b * batch_size:(b + 1) * batch_size]
                                                                     for t in tensors))])
            return b + 1, tf.reduce_all(tf.math.is_finite(values[:check])), rows.write(b, values)

        rows = tf.TensorArray(tf.float32, size=0, dynamic_size=True, element_shape=[outputs])
        return tf.while_loop(more, one_step, (tf.constant(0), tf.constant(True), rows))[2].stack()

    return run if eager else tf.function(run, reduce_retracing=True, autograph=False)


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
        """(sum of loss * batch size, number correct), added in step order as the compiled epoch does."""
        loss_sum = correct_sum = 0.0
        for loss, correct, size in zip(self.column("loss"), self.column("correct"), self.column("sizes")):
            loss_sum += float(loss) * float(size)
            correct_sum += float(correct)
        return [loss_sum, correct_sum]

    def __len__(self) -> int:
        return sum(len(series.loss) for series, _ in self.parts)


def metrics_of(values) -> EpochMetrics:
    """``EpochMetrics`` from the compiled epoch's (4,) float64 result."""
    return EpochMetrics(*(float(v) for v in values))
