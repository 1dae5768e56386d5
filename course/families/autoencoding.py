"""Training an autoencoder: the target is the input itself, the loss the mean squared error.

There are no labels, so ``training.fit`` (a classifier's loop) does not apply; the step is the same
four lines with the input as its own target::

    with tf.GradientTape() as tape:
        reconstruction = model(x, training=True)
        loss = mean((x - reconstruction) ** 2)
    ...

    history = fit(families.autoencoder(), x_train, x_val, Config(epochs=20, optimizer="adam"), logger=logger)
    history.val_loss[-1]          # mean squared error per pixel on the validation images
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from course.core.models import variable_name
from course.core.optimizers import make_optimizer
from course.core.runtime import tf
from course.engine.compiled import make_loop
from course.tensorboard.events import histogram_buckets
from course.tensorboard.layout import histogram_tags


@dataclass
class ReconstructionHistory:
    """Per-epoch mean squared errors, returned by ``fit``."""
    epoch: list = field(default_factory=list)
    loss: list = field(default_factory=list)        # training MSE (mean over the epoch's batches)
    val_loss: list = field(default_factory=list)    # validation MSE after the epoch
    steps: int = 0
    stopped: str = ""                                # why training stopped early, "" when it did not

    def final(self) -> float:
        """The last validation error (NaN when training stopped before the end of epoch 1)."""
        return self.val_loss[-1] if self.val_loss else float("nan")


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


def fit(model, x_train, x_val, config, *, logger=None, on_epoch=None, print_fn=None) -> ReconstructionHistory:
    """Train ``model`` to reproduce its inputs, with seeded, shuffled mini-batches.

    Args:
        model: input and output of the same size, e.g. ``families.autoencoder``.
        x_train, x_val: (n, n_features) float32 in the range of the model's output.
        config: epochs, learning_rate, batch_size, optimizer, seed, eager.
        logger: optional ``RunLogger``: ``batch_loss`` per step, ``epoch_loss`` per epoch in train and
            validation, weight histograms per epoch (keyed by update step).
        on_epoch: optional callable(epoch, history) after each epoch (figures).
        print_fn: optional print: an epoch line for about 10 of the epochs.

    Example:
        >>> history = fit(families.autoencoder(), x_train, x_val, Config(epochs=3, optimizer="adam"))
    """
    x_train, x_val = _check(x_train, "x_train"), _check(x_val, "x_val")
    if x_train.shape[1] != int(model.input_shape[-1]) or model.output_shape[-1] != model.input_shape[-1]:
        raise ValueError(f"model must map {x_train.shape[1]} features to {x_train.shape[1]}, it maps "
                         f"{model.input_shape[-1]} to {model.output_shape[-1]}")
    optimizer = make_optimizer(config.optimizer, config.learning_rate, config.clip_norm)
    optimizer.build(model.trainable_variables)

    n, batch_size = len(x_train), min(config.batch_size, len(x_train))
    # an epoch's steps in one compiled call (each step from Python would cost milliseconds of overhead)
    epoch_loop = make_loop(lambda x: (reconstruction_step(model, optimizer, x),), batch_size, 1, eager=config.eager)
    rng = np.random.default_rng(config.seed)
    history = ReconstructionHistory()
    for epoch in range(1, config.epochs + 1):
        order = rng.permutation(n)
        losses = epoch_loop(tf.constant(x_train[order]))[:, 0].numpy().astype(np.float64)
        sizes = np.minimum(batch_size, n - batch_size * np.arange(len(losses)))
        if not math.isfinite(losses[-1]):
            history.stopped = (f"diverged at step {history.steps + len(losses)}: the loss is {losses[-1]:.4g}; "
                               "lower the learning rate (--learning-rate), e.g. ten times smaller")
        history.steps += len(losses)
        if logger is not None:
            logger.split("train").scalars(history.steps - len(losses) + 1, np.array(losses)[:, None], ["batch_loss"])
        if history.stopped:
            break
        history.epoch.append(epoch)
        history.loss.append(float(np.average(losses, weights=sizes)))
        history.val_loss.append(mean_squared_error(model, x_val))
        if logger is not None:
            logger.split("train").scalars(epoch, [[history.loss[-1]]], ["epoch_loss"])
            logger.split("validation").scalars(epoch, [[history.val_loss[-1]]], ["epoch_loss"])
            logger.split("train").histograms(history.steps, weight_histograms(model))   # keyed by update step
        if print_fn is not None and printed_epoch(epoch, config.epochs):
            print_fn(f"epoch {epoch:>{len(str(config.epochs))}}/{config.epochs}  loss {history.loss[-1]:.4f}  "
                     f"| val loss {history.val_loss[-1]:.4f}")
        if on_epoch is not None:
            on_epoch(epoch, history)
    return history


def printed_epoch(epoch: int, epochs: int, lines: int = 10) -> bool:
    """About ``lines`` epoch lines a run: the first, every k-th and the last."""
    k = max(1, epochs // lines)
    return epoch == 1 or epoch % k == 0 or epoch == epochs


def weight_histograms(model) -> dict:
    """{"weights/<layer>": buckets, "biases/<layer>": buckets}, the tags ``course.tblog`` uses."""
    return {histogram_tags(variable_name(v))[0]: histogram_buckets(v.numpy()) for v in model.trainable_variables}
