"""The GradientTape training step and the loop around it.

The step is the heart of the course and the same in every lesson::

    loss, predictions, grads = train_step(model, loss_fn, optimizer, x, y)

Everything a learner watches (printed update steps, TensorBoard logs) is done
by *observers* outside the step, at their own cadence, so the step stays four
readable lines.

    history = fit(model, data.load("moons"), Config(epochs=10), observers=[...])
    history.val_accuracy[-1]
"""
from __future__ import annotations

import math
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
             else "the gradients are too large to add up")
    return (f"diverged at step {step} (epoch {epoch}, batch {batch}): the loss is {loss:.4g} and {where}; "
            "lower the learning rate (--learning-rate), e.g. ten times smaller")


def fit(model, dataset, config: Config, observers=()) -> History:
    """Train ``model`` on ``dataset`` with seeded, shuffled mini-batches.

    Args:
        model: a Keras model from ``course.models`` (sigmoid or softmax output).
        dataset: a ``course.data.Dataset``.
        config: epochs, learning_rate, batch_size, optimizer, seed, eager, shuffle.
        observers: ``Observer`` objects (trace printer, TensorBoard logger, ...).

    Example:
        >>> history = fit(models.perceptron(2), data.blobs(), Config(epochs=3))
        >>> len(history.loss)
        3
    """
    check_fit_inputs(model, dataset, config)
    observers = list(observers)
    loss_fn = loss_for(model)
    optimizer = make_optimizer(config.optimizer, config.learning_rate)
    variables = model.trainable_variables
    optimizer.build(variables)
    names = [variable_name(v) for v in variables]
    record_parameters = parameter_count(model) <= SMALL_MODEL_PARAMETERS
    step_fn = make_step(model, loss_fn, optimizer, eager=config.eager, record_parameters=record_parameters)
    evaluate = make_evaluate(model, loss_fn, eager=config.eager)

    # The data become tensors once; a batch is a slice of a shuffled copy.
    x_train = tf.constant(dataset.x_train)          # (n_train, n_features)
    y_train = labels_for(model, dataset.y_train)    # (n_train, 1) or (n_train,)
    x_val = tf.constant(dataset.x_val)
    y_val = labels_for(model, dataset.y_val)
    n = int(x_train.shape[0])
    batch_size = config.batch_size
    batches = math.ceil(n / batch_size)
    rng = np.random.default_rng(config.seed)

    for obs in observers:
        obs.on_train_begin(model, config, names, [v.numpy() for v in variables])

    history = History()
    step, epoch, outputs, handed_over = 0, 0, [], True
    try:
        for epoch in range(1, config.epochs + 1):
            if config.shuffle:
                order = tf.constant(rng.permutation(n))
                xs, ys = tf.gather(x_train, order), tf.gather(y_train, order)
            else:
                xs, ys = x_train, y_train
            outputs = []   # per-step results; tensors are copied to the host once per epoch
            handed_over = False
            grads = None
            for b in range(batches):
                x, y = xs[b * batch_size:(b + 1) * batch_size], ys[b * batch_size:(b + 1) * batch_size]
                watchers = [obs for obs in observers if obs.wants_step(step + 1)]
                before = [v.numpy() for v in variables] if watchers else None
                loss, correct, grad_norm, grads, flat_params, flat_grads = step_fn(x, y)
                loss_value, norm_value = float(loss), float(grad_norm)
                if not (math.isfinite(loss_value) and math.isfinite(norm_value)):
                    # Stop at this step: what was logged so far stays as it was.
                    history.stopped = _divergence(step + 1, epoch, b + 1, loss_value, names, variables, grads)
                    history.diverged = True
                    break
                step += 1
                outputs.append((loss_value, correct, norm_value, flat_params, flat_grads, int(x.shape[0])))
                if watchers:
                    record = StepRecord(step, epoch, b + 1, batches, loss_value, norm_value, names, before,
                                        [g.numpy() for g in grads], [v.numpy() for v in variables],
                                        float(config.learning_rate), config.optimizer)
                    for obs in watchers:
                        obs.on_step(record)
            complete = not history.stopped
            record = _epoch_record(epoch, step, outputs, names, variables, grads, config, record_parameters,
                                   evaluate(x_val, y_val) if complete else None, n)
            if complete:
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
        history.stopped = f"interrupted at step {step} (epoch {epoch})"
        history.steps = step
        partial = _epoch_record(epoch, step, outputs if not handed_over else [], names, variables, None,
                                config, record_parameters, None, n)
        for obs in observers:
            obs.on_epoch_end(partial)
            obs.on_train_end(history)
        raise
    for obs in observers:
        obs.on_train_end(history)
    return history


def _epoch_record(epoch, step, outputs, names, variables, grads, config, record_parameters, val, n):
    """Gather one epoch's per-step outputs; ``val`` is (val_loss, val_accuracy) or None (a partial epoch)."""
    step_loss = np.array([o[0] for o in outputs], dtype=np.float64)
    sizes = np.array([o[5] for o in outputs], dtype=np.float64)
    step_acc = np.array([float(o[1]) for o in outputs], dtype=np.float64) / np.maximum(sizes, 1)
    step_norm = np.array([o[2] for o in outputs], dtype=np.float64)
    stack = (lambda k: np.stack([o[k].numpy() for o in outputs])) if record_parameters and outputs else None
    nan = float("nan")
    return EpochRecord(
        epoch=epoch, first_step=step - len(outputs) + 1,
        step_loss=step_loss, step_accuracy=step_acc, step_grad_norm=step_norm,
        step_params=stack(3) if stack else None, step_grads=stack(4) if stack else None,
        loss=float(np.sum(step_loss * sizes) / n) if val is not None else nan,
        accuracy=float(np.sum(step_acc * sizes) / n) if val is not None else nan,
        val_loss=float(val[0]) if val is not None else nan,
        val_accuracy=float(val[1]) if val is not None else nan,
        learning_rate=float(config.learning_rate),
        names=names, variables=[v.numpy() for v in variables],
        grads=[g.numpy() for g in grads] if grads is not None else [],
        complete=val is not None,
    )
