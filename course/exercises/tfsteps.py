"""The training-step exercise, driven: a learner's ``train_step`` run for k steps from a seeded model, each step
watched (``observed``), and what came of it as numbers the checker compares with the course's own step run
the same way, in the same process (bit for bit the same operations when the learner's step is right).

    weights, state, losses, calls = run_steps(train_step, model, loss_fn, optimizer, x, y, steps=3)

``calls`` has one row per step, its columns ``COLUMNS``: how many ``apply_gradients`` calls, how many
trainable variables got a gradient, got None, were left out; variables given that the model does not train;
pairs given as (variable, gradient); whether the trainable weights moved, whether the non-trainable ones
(a BatchNormalization's moving mean) moved; whether the step returned a single number.

The step runs eagerly (``tf.config.run_functions_eagerly``), also a learner's ``@tf.function``: every call
is then seen as it happens. The builders (``mlp``, ``normalised_classifier``, ``loss``, ``optimizer``) make
the inputs in the worker (``wire.Build``); TensorFlow is imported when they run, never when this module is.
"""
from __future__ import annotations

import contextlib

import numpy as np

from course.exercises.observed import ObservedLoss, ObservedOptimizer

COLUMNS = ("applies", "given", "none", "left_out", "foreign", "reversed", "moved", "state_moved", "returned")


# --- the inputs, built in the worker ------------------------------------------------------------------------

def mlp(n_features, hidden, activation, seed):
    """Day 2's MLP (``course.models.mlp``): hidden_1, ..., output."""
    from course.core.models import mlp as build
    return build(n_features, hidden=hidden, activation=activation, seed=seed)


def normalised_classifier(n_features, units, n_classes, seed):
    """Dense (relu) -> BatchNormalization -> softmax: a model with non-trainable weights (the moving mean and
    variance), which only a forward pass with ``training=True`` updates."""
    from course.core.runtime import keras
    glorot = keras.initializers.GlorotUniform
    return keras.Sequential([
        keras.Input(shape=(n_features,), name="features"),
        keras.layers.Dense(units, activation="relu", name="hidden_1", kernel_initializer=glorot(seed=seed + 1)),
        keras.layers.BatchNormalization(name="norm"),
        keras.layers.Dense(n_classes, activation="softmax", name="output", kernel_initializer=glorot(seed=seed)),
    ], name="normalised")


def loss(kind):
    """Keras's binary or sparse categorical cross-entropy: the mean over the batch."""
    from course.core.runtime import keras
    return keras.losses.BinaryCrossentropy() if kind == "binary" else keras.losses.SparseCategoricalCrossentropy()


def optimizer(name, learning_rate):
    from course.core.optimizers import make_optimizer
    return make_optimizer(name, learning_rate)


# --- the course's step, and the drive ----------------------------------------------------------------------

def course_train_step(model, loss_fn, optimizer, x, y):
    """The course's step (``course.core.step.train_step``), returning the loss as the exercise asks."""
    from course.core.step import train_step
    loss_value, _, _ = train_step(model, loss_fn, optimizer, x, y)
    return loss_value


@contextlib.contextmanager
def eagerly():
    """Every ``tf.function`` runs as plain Python meanwhile (a learner's ``@tf.function`` step too)."""
    from course.core.runtime import tf
    before = tf.config.functions_run_eagerly()
    tf.config.run_functions_eagerly(True)
    try:
        yield
    finally:
        tf.config.run_functions_eagerly(before)


def flat(variables) -> np.ndarray:
    """Every entry of ``variables``, one float64 array."""
    return np.concatenate([np.ravel(np.asarray(v, np.float64)) for v in variables] or [np.zeros(0)])


def scalar(value):
    """``value`` as a float when it is one number (a scalar tensor, a NumPy number), else None."""
    if value is None or isinstance(value, (str, bytes)):
        return None
    try:
        array = np.asarray(value.numpy() if callable(getattr(value, "numpy", None)) else value, dtype=np.float64)
    except (TypeError, ValueError, AttributeError):
        return None
    return float(array) if array.size == 1 and array.ndim <= 1 else None


def labels(model, y):
    from course.core.step import labels_for
    return labels_for(model, y)


def one_step(function, model, loss_fn, optimizer, x, y) -> tuple:
    """Call the learner's step once, watched: (its loss as a float or None, the row of ``COLUMNS``)."""
    before = flat(model.trainable_variables), flat(model.non_trainable_variables)
    optimizer.reset()
    value = function(model, loss_fn, optimizer, x, y)
    after = flat(model.trainable_variables), flat(model.non_trainable_variables)
    returned = scalar(value)
    moved = [int(not np.array_equal(a, b)) for a, b in zip(after, before)]
    row = [optimizer.applies, len(optimizer.given), len(optimizer.without), optimizer.left_out(), optimizer.foreign,
           optimizer.reversed, *moved, int(returned is not None)]
    return returned, row


def run_steps(function, model, loss_fn, optimizer, x, y, steps):
    """``steps`` calls of ``function(model, loss_fn, optimizer, x, y)`` on one batch. Returns (weights after
    the steps (the trainable ones, flat), state (the non-trainable ones), the loss each step returned (NaN
    when it returned no single number), calls (one row of ``COLUMNS`` per step))."""
    from course.core.runtime import tf
    x, y = tf.constant(x, tf.float32), labels(model, y)
    optimizer.build(model.trainable_variables)
    observed, observed_loss = ObservedOptimizer(optimizer, model), ObservedLoss(loss_fn)
    losses, rows = [], []
    with eagerly():
        for _ in range(steps):
            returned, row = one_step(function, model, observed_loss, observed, x, y)
            losses.append(np.nan if returned is None else returned)
            rows.append(row)
    return (flat(model.trainable_variables), flat(model.non_trainable_variables), np.array(losses),
            np.array(rows, dtype=np.int64))


def update_variables(function, kernel, bias, grad_kernel, grad_bias, learning_rate):
    """``function([kernel, bias] as tf.Variable, [their gradients] as tensors, learning_rate)``, then the
    variables' values: (kernel, bias). What the function returns is not looked at: it updates in place."""
    from course.core.runtime import tf
    variables = [tf.Variable(kernel), tf.Variable(bias)]
    function(variables, [tf.constant(grad_kernel), tf.constant(grad_bias)], learning_rate)
    return variables[0].numpy(), variables[1].numpy()
