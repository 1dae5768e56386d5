"""Training an autoencoder: the target is the input itself, the loss the mean squared error.

There are no labels: the step is the same four lines with the input as its own target::

    with tf.GradientTape() as tape:
        reconstruction = model(x, training=True)
        loss = mean((x - reconstruction) ** 2)
    ...

    history = fit_steps(steps(families.autoencoder(), x_train, x_val, config), config, observers=[...])
    history.val_loss[-1]          # mean squared error per pixel on the validation images

The course's loop (``course.engine.steps``) does the rest: the shuffle, the compiled epoch, a Stop when the
loss stops being finite, the history, and TensorBoard (``TAGS``, through ``tensorboard.steps.StepsLogger``).
"""
from __future__ import annotations

import numpy as np

from course.core.optimizers import make_optimizer
from course.core.runtime import tf
from course.engine.steps import Steps
from course.tensorboard.steps import ValueTags


def reconstruction_step(model, optimizer, x):
    """One update: reconstruct the batch, measure how far it is from the batch, step downhill.

    Args:
        x: (batch, n_features) float32 inputs, which are also the targets.

    Returns:
        the batch's mean squared error (a scalar).
    """
    with tf.GradientTape() as tape:                              # 1. record the forward pass
        reconstruction = model(x, training=True)                 # (batch, 64) -> code (batch, 8) -> (batch, 64)
        loss = tf.reduce_mean(tf.square(x - reconstruction))     # 2. the target is the input itself: MSE
    grads = tape.gradient(loss, model.trainable_variables)       # 3. backpropagation: dL/dw for every w
    optimizer.apply_gradients(zip(grads, model.trainable_variables))   # 4. w <- w - lr * dL/dw (Adam: scaled)
    return loss


def mean_squared_error(model, x) -> float:
    """Mean squared error per feature of ``model``'s reconstructions of ``x`` (n, n_features)."""
    x = np.asarray(x, np.float32)
    return float(np.mean((np.asarray(model(x, training=False)) - x) ** 2))


def mean_image_error(x_train, x_val) -> float:
    """The baseline: the error of answering every image with the training split's mean image."""
    mean = np.asarray(x_train, np.float64).mean(axis=0)                  # (n_features,)
    return float(np.mean((np.asarray(x_val, np.float64) - mean) ** 2))


def _check(x, name):
    x = np.asarray(x)
    if x.ndim != 2 or x.shape[0] == 0 or not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must be a non-empty, finite (n_examples, n_features) array, got shape {x.shape}")
    return x.astype(np.float32)


TAGS = ValueTags(per_step={"loss": "batch_loss"}, histograms=True,
                 per_epoch={"loss": ("train", "epoch_loss"), "val_loss": ("validation", "epoch_loss")})


def steps(model, x_train, x_val, config) -> Steps:
    """What the autoencoder brings to the course's loop (``engine.fit_steps``): its step, its data, and the
    validation error measured after each epoch. The loop's history then holds ``loss`` (the training MSE, the
    mean over the epoch's batches) and ``val_loss`` (the validation MSE after the epoch).

    Example:
        >>> history = fit_steps(steps(families.autoencoder(), x_train, x_val, config), config)
        >>> history.val_loss[-1]          # mean squared error per pixel on the validation images
    """
    x_train, x_val = _check(x_train, "x_train"), _check(x_val, "x_val")
    if x_train.shape[1] != int(model.input_shape[-1]) or model.output_shape[-1] != model.input_shape[-1]:
        raise ValueError(f"model must map {x_train.shape[1]} features to {x_train.shape[1]}, it maps "
                         f"{model.input_shape[-1]} to {model.output_shape[-1]}")
    optimizer = make_optimizer(config.optimizer, config.learning_rate, config.clip_norm)
    optimizer.build(model.trainable_variables)
    return Steps(step=lambda x: {"loss": reconstruction_step(model, optimizer, x)}, names=("loss",), data=(x_train,),
                 models=(model,), measure=lambda: {"val_loss": mean_squared_error(model, x_val)}, measured=("val_loss",))


def epoch_line(record, epochs) -> str:
    """``epoch  2/20  loss 0.0431  | val loss 0.0415``: what the printer shows of an epoch."""
    return (f"epoch {record.epoch:>{len(str(epochs))}}/{epochs}  loss {record.measures['loss']:.4f}  "
            f"| val loss {record.measures['val_loss']:.4f}")
