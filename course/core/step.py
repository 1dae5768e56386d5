"""The training step: four lines, the same in every lesson. Read this file first.

    loss, predictions, grads = train_step(model, loss_fn, optimizer, x, y)

Everything a learner watches (printed update steps, TensorBoard) happens outside the step, in the
loop that calls it (``course.engine``). ``replica_step`` is the same step as one replica of several
runs it (Day 10): the only difference is how the loss is averaged.
"""
from __future__ import annotations

import numpy as np

from course.core.models import is_binary
from course.core.runtime import keras, tf


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


def replica_step(model, loss_fn, optimizer, x, y, global_batch_size):
    """``train_step`` as one replica runs it under ``tf.distribute``, on its slice of the global batch.

    Args:
        loss_fn: a per-example loss (``per_example_loss_for``).
        x: (replica_batch, n_features), this replica's slice; y: its labels.
        global_batch_size: examples in the whole global batch, over all replicas.

    Returns:
        loss (this replica's share: sum of its losses / global batch size), predictions, grads
        (this replica's share of the gradient, before the all-reduce).
    """
    with tf.GradientTape() as tape:                          # 1. record the forward pass
        predictions = model(x, training=True)                # (replica_batch, n_outputs)
        per_example = loss_fn(y, predictions)                # (replica_batch,) no mean yet
        loss = tf.nn.compute_average_loss(per_example, global_batch_size=global_batch_size)  # 2. sum / global
    grads = tape.gradient(loss, model.trainable_variables)   # 3. this replica's share of dL/dw
    optimizer.apply_gradients(zip(grads, model.trainable_variables))   # 4. all-reduce (sum), w <- w - lr * g
    return loss, predictions, grads


def loss_for(model):
    """Binary cross-entropy for one sigmoid output, sparse categorical cross-entropy for softmax."""
    if is_binary(model):
        return keras.losses.BinaryCrossentropy()
    return keras.losses.SparseCategoricalCrossentropy()


def per_example_loss_for(model):
    """``loss_for`` without the mean: one loss per example, (batch,)."""
    if is_binary(model):
        return keras.losses.BinaryCrossentropy(reduction=None)
    return keras.losses.SparseCategoricalCrossentropy(reduction=None)


def count_correct(y, predictions):
    """Number of correctly classified examples in a batch (threshold 0.5 or argmax)."""
    if predictions.shape[-1] == 1:
        guessed = tf.cast(predictions >= 0.5, tf.float32)    # (batch, 1)
        return tf.reduce_sum(tf.cast(tf.equal(guessed, y), tf.float32))
    guessed = tf.argmax(predictions, axis=-1, output_type=tf.int32)   # (batch,)
    return tf.reduce_sum(tf.cast(tf.equal(guessed, y), tf.float32))


def labels_for(model, y):
    """Labels in the shape and dtype the model's loss expects."""
    y = np.asarray(y)
    if is_binary(model):
        return tf.constant(y.reshape(-1, 1), dtype=tf.float32)   # (n, 1) 0./1.
    return tf.constant(y, dtype=tf.int32)                        # (n,) class ids
