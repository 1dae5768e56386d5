"""The fast part of the loop: the step compiled with what the loop reports, and whole epochs in one call.

For lesson-sized models the cost of a step is framework overhead, not arithmetic, so the loop runs
the rest of an epoch (every batch, then validation) in one compiled call: ``make_epoch``. Its steps
are the very same ``train_step`` (``course.core.step``), wrapped by ``make_step`` into
``StepOutputs``: the loss, the number correct, the gradient's norm, the gradients, and for small
models every parameter and gradient entry.

    step = make_step(model, loss_fn, optimizer)          # (x, y) -> StepOutputs
    epoch = make_epoch(model, loss_fn, step, 32)         # the rest of an epoch, in one call
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


def shuffled(rng, n: int) -> np.ndarray:
    """The order of an epoch's ``n`` training examples, from the run's seeded ``rng``: every loop's shuffle."""
    return rng.permutation(n)


def epoch_loop(step, batch_size: int, columns: dict, *, accumulate=None, finish=None):
    """The rest of an epoch for any network, as one function to compile: ``step`` on every remaining batch of
    pre-shuffled tensors in a ``tf.while_loop``, stopping after a step that is not finite, then ``finish``.

    ``step(*batch)`` returns (``{name: value}`` with the shapes of ``columns``, whether the step left everything
    finite (a boolean scalar), ``carry``: tensors handed from step to step, such as the last gradients);
    ``accumulate(acc, values, rows, finite)`` keeps running sums across the steps, in step order.

    ``run(tensors, first_batch, carry, acc, *finish_args)`` slices each tensor of ``tensors`` (one row per
    example, in the epoch's order) into batches from ``first_batch`` on and returns (``{name: (steps, ...)}``,
    the last carry, the sums, whether the last step was finite, ``finish(*finish_args)`` or None). It is the
    only loop over batches in the course: the classifiers' epoch (``make_epoch``) and the families' (the
    autoencoder's, the GAN's: ``course.engine.steps``) are both built on it.
    """
    def run(tensors, first_batch, carry, acc, *finish_args):
        n = tf.shape(tensors[0])[0]
        last_batch = (n + batch_size - 1) // batch_size
        arrays = {name: tf.TensorArray(tf.float32, size=0, dynamic_size=True, element_shape=shape)
                  for name, shape in columns.items()}

        def more(b, finite, *_):                       # the next batch, unless a step blew up
            return tf.logical_and(b < last_batch, finite)

        def one_step(b, finite, carry, acc, arrays):
            batch = tuple(t[b * batch_size:(b + 1) * batch_size] for t in tensors)
            values, ok, carry = step(*batch)
            arrays = {name: a.write(b - first_batch, tf.cast(values[name], tf.float32)) for name, a in arrays.items()}
            if accumulate is not None:
                acc = accumulate(acc, values, tf.cast(tf.shape(batch[0])[0], tf.float64), ok)
            return b + 1, ok, carry, acc, arrays

        _, finite, carry, acc, arrays = tf.while_loop(
            more, one_step, (first_batch, tf.constant(True), carry, acc, arrays))
        finished = finish(*finish_args) if finish is not None else None
        return {name: a.stack() for name, a in arrays.items()}, carry, acc, finite, finished

    return run


def make_epoch(model, loss_fn, step, batch_size: int, *, record_parameters=False, eager=False):
    """Compile a classifier's "rest of an epoch" (``epoch_loop``): ``step`` (``make_step``'s: ``train_step`` and
    what the loop reports) on every remaining batch, then validation.

    One Python call runs every remaining batch of pre-shuffled tensors and evaluates the validation
    split, so an epoch costs one call. It stops early at a step whose loss or gradient is not finite.

    (xs, ys, x_val, y_val, first_batch, carried, grads) -> (``StepSeries`` of the steps it ran, the
    last step's grads, ``EpochMetrics`` as a (4,) float64 tensor, NaN when the epoch did not finish,
    whether its last step left the loss, the gradient's norm and every weight finite).
    ``carried`` holds (sum of loss * batch size, number correct) of the epoch's steps already run one
    at a time, ``grads`` the gradients of the last of them. ``step`` is called in the loop: compiled, its
    trace is shared with the steps run one at a time (and the graph TensorBoard shows).
    """
    n_flat = parameter_count(model) if record_parameters else 0
    columns = {"loss": [], "correct": [], "grad_norm": [], "params": [n_flat], "flat_grads": [n_flat]}

    def one_step(x, y):
        out = step(x, y)
        values = {"loss": out.loss, "correct": out.correct, "grad_norm": out.grad_norm, "params": out.params,
                  "flat_grads": out.flat_grads}
        return values, out.finite, list(out.grads)

    def sums(acc, values, rows, finite):
        # float64 sums, in step order: the same numbers as when the steps run one at a time
        return (tf.where(finite, acc[0] + tf.cast(values["loss"], tf.float64) * rows, acc[0]),
                tf.where(finite, acc[1] + tf.cast(values["correct"], tf.float64), acc[1]))

    loop = epoch_loop(one_step, batch_size, columns, accumulate=sums, finish=make_evaluate(model, loss_fn, eager=True))

    def run_epoch(xs, ys, x_val, y_val, first_batch, carried, grads):
        series, grads, (loss_sum, correct_sum), finite, (val_loss, val_accuracy) = loop(
            (xs, ys), first_batch, list(grads), (carried[0], carried[1]), x_val, y_val)
        total = tf.cast(tf.shape(xs)[0], tf.float64)
        metrics = tf.where(finite, tf.stack([loss_sum / total, correct_sum / total, tf.cast(val_loss, tf.float64),
                                             tf.cast(val_accuracy, tf.float64)]),
                           tf.fill([4], tf.constant(float("nan"), tf.float64)))
        return StepSeries(*(series[name] for name in columns)), grads, metrics, finite

    # tf.while_loop written out: AutoGraph would convert every function the step calls (Keras's too), a
    # second or more of tracing for the larger models, for nothing.
    return run_epoch if eager else tf.function(run_epoch, reduce_retracing=True, autograph=False)


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
