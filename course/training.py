"""The GradientTape training step and the loop around it.

The step is the heart of the course and the same in every lesson::

    loss, predictions, grads = train_step(model, loss_fn, optimizer, x, y)

Everything a learner watches (printed update steps, TensorBoard logs) is done
by *observers* outside the step, at their own cadence, so the step stays four
readable lines. (An observer's per-step scalars are written from the compiled
loop that calls the step, never from the step itself.)

    history = fit(model, data.load("moons"), Config(epochs=10), observers=[...])
    history.val_accuracy[-1]
"""
from __future__ import annotations

import contextlib
import math
import signal
import threading
import numpy as np

from course.config import OPTIMIZERS, Config, check_batch_size
from course.models import is_binary, parameter_count, variable_name
from course.records import EpochRecord, History, Observer, StepRecord  # noqa: F401 (re-exported)
from course.runtime import keras, tf

# Models with at most this many parameters get one scalar per parameter in the
# logs and one line per parameter in the printed trace.
SMALL_MODEL_PARAMETERS = 20


def make_optimizer(name: str, learning_rate: float):
    """A Keras optimizer by course name: sgd, momentum (SGD, 0.9), rmsprop, adam.

    Example:
        >>> make_optimizer("momentum", 0.1).momentum
        0.9
    """
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}; got {name!r}")
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate)
    if name == "momentum":
        return keras.optimizers.SGD(learning_rate, momentum=0.9)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate)
    return keras.optimizers.Adam(learning_rate)


def loss_for(model):
    """Binary cross-entropy for one sigmoid output, sparse categorical cross-entropy for softmax."""
    if is_binary(model):
        return keras.losses.BinaryCrossentropy()
    return keras.losses.SparseCategoricalCrossentropy()


def train_step(model, loss_fn, optimizer, x, y):
    """One update: forward pass, loss, backpropagation, w <- w - lr * dL/dw.

    Args:
        x: (batch, n_features) float32 inputs.
        y: (batch, 1) float32 labels for a sigmoid output, (batch,) int32 for softmax.

    Returns:
        loss (scalar mean over the batch), predictions (batch, n_outputs), grads (one per variable).
    """
    with tf.GradientTape() as tape:                          # 1. record the forward pass
        predictions = model(x, training=True)                # (batch, n_features) -> (batch, n_outputs)
        loss = loss_fn(y, predictions)                       # 2. how wrong are we? a scalar
    grads = tape.gradient(loss, model.trainable_variables)   # 3. backpropagation: dL/dw for every w
    optimizer.apply_gradients(zip(grads, model.trainable_variables))   # 4. w <- w - lr * dL/dw
    return loss, predictions, grads


def count_correct(y, predictions):
    """Number of correctly classified examples in a batch (threshold 0.5 or argmax)."""
    if predictions.shape[-1] == 1:
        guessed = tf.cast(predictions >= 0.5, tf.float32)    # (batch, 1)
        return tf.reduce_sum(tf.cast(tf.equal(guessed, y), tf.float32))
    guessed = tf.argmax(predictions, axis=-1, output_type=tf.int32)   # (batch,)
    return tf.reduce_sum(tf.cast(tf.equal(guessed, y), tf.float32))


def _flat(tensors):
    return tf.concat([tf.reshape(t, [-1]) for t in tensors], axis=0)


def make_step(model, loss_fn, optimizer, *, eager=False, record_parameters=False):
    """Wrap ``train_step`` with what the loop reports, compiled with ``tf.function`` unless ``eager``.

    The wrapper returns (loss, n_correct, gradient global norm, grads, flat params, flat grads);
    the flat vectors (all parameters after the update, and their gradients) are only built for
    small models whose every parameter is logged.
    """
    def step(x, y):
        loss, predictions, grads = train_step(model, loss_fn, optimizer, x, y)
        # Dense on (batch, steps, features) returns kernel gradients with an unknown first dimension;
        # the compiled epoch carries grads through its loop and needs their static shapes.
        grads = [tf.ensure_shape(g, v.shape) for g, v in zip(grads, model.trainable_variables)]
        flat_params = _flat(model.trainable_variables) if record_parameters else tf.zeros([0])
        flat_grads = _flat(grads) if record_parameters else tf.zeros([0])
        return (loss, count_correct(y, predictions), tf.linalg.global_norm(grads), grads,
                flat_params, flat_grads)

    return step if eager else tf.function(step, reduce_retracing=True)


def make_evaluate(model, loss_fn, *, eager=False):
    """(x, y) -> (mean loss, accuracy) over a whole split in one call."""
    def evaluate(x, y):
        predictions = model(x, training=False)
        loss = loss_fn(y, predictions)
        return loss, count_correct(y, predictions) / tf.cast(tf.shape(x)[0], tf.float32)

    return evaluate if eager else tf.function(evaluate, reduce_retracing=True)


def labels_for(model, y):
    """Labels in the shape and dtype the model's loss expects."""
    y = np.asarray(y)
    if is_binary(model):
        return tf.constant(y.reshape(-1, 1), dtype=tf.float32)   # (n, 1) 0./1.
    return tf.constant(y, dtype=tf.int32)                        # (n,) class ids


def check_fit_inputs(model, dataset, config) -> None:
    """Raise ValueError/TypeError when model, dataset and config cannot train together."""
    if not isinstance(config, Config):
        raise TypeError(f"config must be a course.config.Config, got {type(config).__name__}")
    for split in ("x_train", "x_val"):
        x = getattr(dataset, split)
        if x.ndim != 2 or x.shape[0] == 0:
            raise ValueError(f"dataset.{split} must be a non-empty (n_examples, n_features) array, got {x.shape}")
        if not np.all(np.isfinite(x)):
            raise ValueError(f"dataset.{split} contains NaN or infinite values")
    for x, y, split in ((dataset.x_train, dataset.y_train, "y_train"), (dataset.x_val, dataset.y_val, "y_val")):
        if y.shape != (x.shape[0],) or not np.issubdtype(y.dtype, np.integer) or y.min() < 0:
            raise ValueError(f"dataset.{split} must hold {x.shape[0]} integer class labels >= 0")
    n_inputs = int(model.input_shape[-1])
    if dataset.x_train.shape[1] != n_inputs:
        raise ValueError(f"dataset has {dataset.x_train.shape[1]} features but the model expects {n_inputs}")
    n_outputs = int(model.output_shape[-1])
    n_classes = max(int(dataset.y_train.max()), int(dataset.y_val.max())) + 1
    if n_outputs == 1 and n_classes > 2:
        raise ValueError(f"dataset has {n_classes} classes but the model has a single sigmoid output")
    if n_outputs > 1 and n_classes > n_outputs:
        raise ValueError(f"dataset has labels up to {n_classes - 1} but the model has {n_outputs} outputs")
    check_batch_size(config, dataset)


def _divergence(step, epoch, batch, loss, names, variables, grads) -> str:
    bad_grads = [n for n, g in zip(names, grads) if not np.all(np.isfinite(g.numpy()))]
    bad_weights = [n for n, v in zip(names, variables) if not np.all(np.isfinite(v.numpy()))]
    def listed(kind, bad):
        return (f"the {kind} of {bad[0]} is not finite" if len(bad) == 1
                else f"the {kind}s of {', '.join(bad)} are not finite")
    where = (listed("gradient", bad_grads) if bad_grads else listed("weight", bad_weights) if bad_weights
             else "every gradient entry is finite, but the gradient's norm or the loss overflowed float32")
    return (f"diverged at step {step} (epoch {epoch}, batch {batch}): the loss is {loss:.4g} and {where}; "
            "lower the learning rate (--learning-rate), e.g. ten times smaller")


@contextlib.contextmanager
def _signals_deferred():
    """Hold Ctrl-C and SIGTERM until the block ends: an update step and its logging happen together.

    A compiled call is atomic already (Python sees the signal when it returns); a step run from
    Python would otherwise be applied but only half logged.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    previous = {sig: signal.signal(sig, lambda signum, frame: received.append(signum))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for signum in received[:1]:      # now deliver it, to whatever handled it before
            handler = previous[signum]
            if callable(handler):
                handler(signum, None)
            elif handler == signal.SIG_DFL and signum == signal.SIGINT:
                raise KeyboardInterrupt
            elif handler == signal.SIG_DFL:
                signal.raise_signal(signum)   # SIGTERM with no handler: end the process, as it would have


def make_epoch(model, loss_fn, optimizer, batch_size: int, *, record_parameters=False, eager=False):
    """Compile "the rest of an epoch": ``train_step`` in a ``tf.range`` loop, then validation.

    One Python call runs every remaining batch of pre-shuffled tensors (framework overhead per
    step is what makes small models slow) and evaluates the validation split, so an epoch costs one
    call. It stops early at a step whose loss or gradient is not finite.

    (xs, ys, x_val, y_val, first_batch, carried, grads) -> (per-step arrays
    [loss, n_correct, gradient norm, flat params, flat grads], the last step's grads, metrics
    [loss, accuracy, val_loss, val_accuracy], NaN when the epoch did not finish). ``carried`` holds
    (sum of loss * batch size, number correct) of the epoch's steps already run one at a time,
    ``grads`` the gradients of the last of them.
    """
    step = make_step(model, loss_fn, optimizer, eager=True, record_parameters=record_parameters)
    evaluate = make_evaluate(model, loss_fn, eager=True)
    n_flat = parameter_count(model) if record_parameters else 0

    def run_epoch(xs, ys, x_val, y_val, first_batch, carried, grads):
        n = tf.shape(xs)[0]
        last_batch = (n + batch_size - 1) // batch_size
        shapes = [[], [], [], [n_flat], [n_flat]]
        arrays = [tf.TensorArray(tf.float32, size=0, dynamic_size=True, element_shape=shape) for shape in shapes]
        loss_sum, correct_sum = carried[0], carried[1]
        finite = tf.constant(True)
        for b in tf.range(first_batch, last_batch):
            x, y = xs[b * batch_size:(b + 1) * batch_size], ys[b * batch_size:(b + 1) * batch_size]
            loss, correct, norm, grads, flat_params, flat_grads = step(x, y)
            i = b - first_batch
            arrays = [a.write(i, v) for a, v in zip(arrays, (loss, correct, norm, flat_params, flat_grads))]
            finite = tf.logical_and(tf.math.is_finite(loss), tf.math.is_finite(norm))
            if not finite:
                break
            size = tf.cast(tf.shape(x)[0], tf.float32)
            # float64 sums, in step order: the same numbers as when the steps run one at a time
            loss_sum += tf.cast(loss, tf.float64) * tf.cast(size, tf.float64)
            correct_sum += tf.cast(correct, tf.float64)
        metrics = tf.fill([4], tf.constant(float("nan"), tf.float64))
        if finite:
            val_loss, val_accuracy = evaluate(x_val, y_val)
            total = tf.cast(n, tf.float64)
            metrics = tf.stack([loss_sum / total, correct_sum / total,
                                tf.cast(val_loss, tf.float64), tf.cast(val_accuracy, tf.float64)])
        return [a.stack() for a in arrays], grads, metrics

    return run_epoch if eager else tf.function(run_epoch, reduce_retracing=True)


class _EpochBuffer:
    """Per-step results of one epoch, kept as host arrays (one copy per compiled call)."""

    def __init__(self):
        self.parts = []   # (loss, correct, norm, flat_params, flat_grads, sizes) arrays

    def add(self, loss, correct, norm, flat_params, flat_grads, sizes):
        self.parts.append((np.atleast_1d(np.asarray(loss, np.float64)), np.atleast_1d(np.asarray(correct, np.float64)),
                           np.atleast_1d(np.asarray(norm, np.float64)), np.atleast_2d(flat_params),
                           np.atleast_2d(flat_grads), np.atleast_1d(np.asarray(sizes, np.float64))))

    def sums(self):
        """(sum of loss * batch size, number correct), added in step order as the compiled epoch does."""
        loss_sum = correct_sum = 0.0
        for loss, correct, size in zip(self.column(0), self.column(1), self.column(5)):
            loss_sum += float(loss) * float(size)
            correct_sum += float(correct)
        return [loss_sum, correct_sum]

    def column(self, k):
        if not self.parts:
            return np.zeros((0,) if k not in (3, 4) else (0, 0))
        return np.concatenate([p[k] for p in self.parts])

    def __len__(self):
        return sum(len(p[0]) for p in self.parts)


def run_watched_step(call, step, epoch, batch, batches, size, observers, names, variables, config, buffer,
                     record_parameters):
    """One update step run from Python, with full host copies for the observers that asked for it.

    ``call()`` runs the step and returns (loss, n_correct, gradient norm, grads, flat params, flat
    grads), as ``make_step``'s step does; ``batch`` is the step's 1-based index in its epoch. A
    finite step goes into ``buffer`` and, as a ``StepRecord``, to the watching observers. Callers
    hold Ctrl-C around it (``_signals_deferred``): a step and its logging happen together.

    Returns:
        (steps done, the step's grads, why training stops: "" unless the loss or a gradient is not finite).
    """
    watchers = [obs for obs in observers if step < int(getattr(obs, "full_steps", 0))]
    before = [v.numpy() for v in variables] if watchers else None
    loss, correct, grad_norm, grads, flat_params, flat_grads = call()
    loss_value, norm_value = float(loss), float(grad_norm)
    finite = math.isfinite(loss_value) and math.isfinite(norm_value)
    if finite:
        step += 1
        empty = np.zeros(0)
        buffer.add(loss_value, float(correct), norm_value, flat_params.numpy() if record_parameters else empty,
                   flat_grads.numpy() if record_parameters else empty, size)
    if not finite:
        return step, grads, _divergence(step + 1, epoch, batch, loss_value, names, variables, grads)
    if watchers:
        record = StepRecord(step, epoch, batch, batches, loss_value, norm_value, names, before,
                            [g.numpy() for g in grads], [v.numpy() for v in variables],
                            float(config.learning_rate), config.optimizer)
        for obs in watchers:
            obs.on_step(record)
    return step, grads, ""


def fit(model, dataset, config: Config, observers=(), *, strategy=None) -> History:
    """Train ``model`` on ``dataset`` with seeded, shuffled mini-batches.

    The first steps that an observer asks for in full (``Observer.full_steps``, the printed trace)
    run one compiled step at a time with host copies of every variable; the rest of each epoch runs
    in one compiled call (``make_epoch``). ``config.eager`` runs every step eagerly instead.

    Args:
        model: a Keras model from ``course.models`` (sigmoid or softmax output).
        dataset: a ``course.data.Dataset``.
        config: epochs, learning_rate, batch_size, optimizer, seed, eager, shuffle.
        observers: ``Observer`` objects (trace printer, TensorBoard logger, ...).
        strategy: a ``tf.distribute`` strategy: each global batch is split across its replicas
            (``course.distributed.fit``, Day 10). Default: the strategy whose ``scope()`` the model
            was built in, if any, so a model built there trains distributed with no other change.

    Example:
        >>> history = fit(models.perceptron(2), data.blobs(), Config(epochs=3))
        >>> len(history.loss)
        3
    """
    from course import distributed   # it imports this module
    strategy = strategy if strategy is not None else distributed.strategy_of(model)
    if strategy is not None:
        return distributed.fit(model, dataset, config, observers, strategy=strategy)
    check_fit_inputs(model, dataset, config)
    observers = list(observers)
    loss_fn = loss_for(model)
    optimizer = make_optimizer(config.optimizer, config.learning_rate)
    variables = model.trainable_variables
    optimizer.build(variables)
    names = [variable_name(v) for v in variables]
    record_parameters = parameter_count(model) <= SMALL_MODEL_PARAMETERS
    step_fn = make_step(model, loss_fn, optimizer, eager=config.eager, record_parameters=record_parameters)
    full_steps = max([int(getattr(obs, "full_steps", 0)) for obs in observers], default=0)

    # The data become tensors once; a batch is a slice of a shuffled copy.
    x_train = tf.constant(dataset.x_train)          # (n_train, n_features)
    y_train = labels_for(model, dataset.y_train)    # (n_train, 1) or (n_train,)
    x_val = tf.constant(dataset.x_val)
    y_val = labels_for(model, dataset.y_val)
    n = int(x_train.shape[0])
    batch_size = config.batch_size
    batches = math.ceil(n / batch_size)
    sizes = np.minimum(batch_size, n - batch_size * np.arange(batches))   # the last batch may be smaller
    rng = np.random.default_rng(config.seed)
    # With --eager every step runs one at a time from Python and the epoch function (uncompiled)
    # only validates.
    epoch_fn = make_epoch(model, loss_fn, optimizer, batch_size, record_parameters=record_parameters,
                          eager=config.eager)

    for obs in observers:
        obs.on_train_begin(model, config, names, [v.numpy() for v in variables])
    graph_watchers = [obs for obs in observers if getattr(obs, "wants_graph", False)]
    if graph_watchers and not config.eager:
        # When the first steps run one at a time (the printed trace), their first call reuses this
        # trace; with --trace-steps 0 it is traced for the graph alone (tens of milliseconds).
        graph = step_fn.get_concrete_function(x_train[:batch_size], y_train[:batch_size]).graph
        for obs in graph_watchers:
            obs.on_graph(graph)

    history = History()
    step, epoch, buffer, handed_over = 0, 0, _EpochBuffer(), True
    grads = [tf.zeros_like(v) for v in variables]
    try:
        for epoch in range(1, config.epochs + 1):
            if config.shuffle:
                order = tf.constant(rng.permutation(n))
                xs, ys = tf.gather(x_train, order), tf.gather(y_train, order)
            else:
                xs, ys = x_train, y_train
            buffer, handed_over = _EpochBuffer(), False
            b = 0
            while b < batches and (config.eager or step < full_steps):
                # One step at a time, with full host copies for the observers that asked for this step.
                x, y = xs[b * batch_size:(b + 1) * batch_size], ys[b * batch_size:(b + 1) * batch_size]
                with _signals_deferred():
                    step, grads, history.stopped = run_watched_step(
                        lambda: step_fn(x, y), step, epoch, b + 1, batches, sizes[b], observers, names,
                        variables, config, buffer, record_parameters)
                if history.stopped:      # stop at this step: what was logged so far stays as it was
                    break
                b += 1
            # Ctrl-C waits for the compiled call and its hand-over to the observers: the updates it
            # applied are then logged, never lost between the call and the logs.
            with _signals_deferred():
                metrics = None
                if not history.stopped:
                    # The fast path: the rest of the epoch, validation and the epoch's logging in one call.
                    carried = tf.constant(buffer.sums(), tf.float64)
                    arrays, grads, metrics = epoch_fn(xs, ys, x_val, y_val, tf.constant(b, tf.int32), carried, grads)
                    loss, correct, norm, flat_params, flat_grads = (a.numpy() for a in arrays)
                    done = len(loss)
                    metrics = metrics.numpy()
                    if done and not (np.isfinite(loss[-1]) and np.isfinite(norm[-1])):
                        done -= 1
                        history.stopped = _divergence(step + done + 1, epoch, b + done + 1, float(loss[-1]),
                                                      names, variables, grads)
                        metrics = None
                    buffer.add(loss[:done], correct[:done], norm[:done], flat_params[:done], flat_grads[:done],
                               sizes[b:b + done])
                    step += done
                history.diverged = bool(history.stopped)
                record = _epoch_record(epoch, step, buffer, names, variables, grads, config, record_parameters, metrics)
                if metrics is not None:
                    history.epoch.append(epoch)
                    history.loss.append(record.loss)
                    history.accuracy.append(record.accuracy)
                    history.val_loss.append(record.val_loss)
                    history.val_accuracy.append(record.val_accuracy)
                history.steps = step
                handed_over = True   # set first: an interruption in the observers must not log steps twice
                for obs in observers:
                    obs.on_epoch_end(record)
            if history.stopped:
                break
    except KeyboardInterrupt:
        # Ctrl-C (or SIGTERM, see course.cli): hand the finished steps of this epoch to the observers
        # so the partial run is logged, then let the interruption go on.
        partial = _epoch_record(epoch, step, buffer if not handed_over else _EpochBuffer(), names, variables,
                                None, config, record_parameters, None)
        history.steps = step
        history.stopped = f"interrupted at step {history.steps} (epoch {epoch})"
        for obs in observers:
            obs.on_epoch_end(partial)
            obs.on_train_end(history)
        raise
    for obs in observers:
        obs.on_train_end(history)
    return history


def _epoch_record(epoch, step, buffer, names, variables, grads, config, record_parameters, metrics):
    """Gather one epoch's per-step outputs; ``metrics`` is [loss, accuracy, val_loss, val_accuracy]
    from the compiled epoch, or None for a partial (diverged or interrupted) epoch."""
    sizes = buffer.column(5)
    keep = record_parameters and len(buffer) > 0
    loss, accuracy, val_loss, val_accuracy = (float(v) for v in metrics) if metrics is not None else [math.nan] * 4
    return EpochRecord(
        epoch=epoch, first_step=step - len(buffer) + 1,
        step_loss=buffer.column(0), step_accuracy=buffer.column(1) / np.maximum(sizes, 1),
        step_grad_norm=buffer.column(2),
        step_params=buffer.column(3) if keep else None, step_grads=buffer.column(4) if keep else None,
        loss=loss, accuracy=accuracy, val_loss=val_loss, val_accuracy=val_accuracy,
        learning_rate=float(config.learning_rate),
        names=names, variables=[v.numpy() for v in variables],
        grads=[g.numpy() for g in grads] if grads is not None else [],
        complete=metrics is not None,
    )
