"""The epoch exercise, driven: a learner's loop over a seeded ``tf.data.Dataset`` of mini-batches, each batch
given to the ``train_step`` the course hands it, which notes which examples came in which batch. The course's
own epoch runs the same way in the same process, so a right loop ends on the very same weights.

    weights, sizes, order, losses = run_epoch(train_epoch, model, loss_fn, optimizer, x, y, batch_size=4, seed=7)

``sizes``: the examples of each call of train_step; ``order``: the examples' row numbers in the order they
came (-1 for a row that is not one of x's). TensorFlow's global seed is set to 0 before each run: tf.data's
shuffle draws from it and from the seed the loop gives.
"""
from __future__ import annotations

import numpy as np

from course.exercises.tfsteps import eagerly, flat, labels, scalar


def course_epoch(model, loss_fn, optimizer, x, y, batch_size, seed, train_step):
    """The course's epoch: every example once, shuffled by ``seed``, in batches (the last one may be smaller)."""
    from course.core.runtime import tf
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).batch(batch_size)
    return [train_step(model, loss_fn, optimizer, x_batch, y_batch) for x_batch, y_batch in dataset]


def noted_step(x):
    """(``train_step`` as the course's step that returns the loss, the list of row numbers it saw, the list of
    batch sizes): it knows each row of ``x`` by its bytes."""
    from course.exercises.tfsteps import course_train_step
    rows = {row.tobytes(): i for i, row in enumerate(np.asarray(x, np.float32))}
    seen, sizes = [], []

    def train_step(model, loss_fn, optimizer, x_batch, y_batch):
        batch = np.asarray(x_batch, np.float32).reshape(-1, x.shape[-1])
        seen.extend(rows.get(row.tobytes(), -1) for row in batch)
        sizes.append(len(batch))
        return course_train_step(model, loss_fn, optimizer, x_batch, y_batch)
    return train_step, seen, sizes


def losses_of(value) -> np.ndarray:
    """The losses a loop returned, one float each (NaN for what is not one number; [NaN] for not a list)."""
    if isinstance(value, (list, tuple)) or callable(getattr(value, "numpy", None)) and np.ndim(value) == 1:
        return np.array([np.nan if scalar(v) is None else scalar(v) for v in value])
    return np.array([np.nan])


def run_epoch(function, model, loss_fn, optimizer, x, y, batch_size, seed):
    """``function(model, loss_fn, optimizer, x, y, batch_size, seed, train_step)`` once: (weights after it,
    sizes, order, the losses it returned)."""
    from course.core.runtime import tf
    x = np.asarray(x, np.float32)
    y = np.asarray(labels(model, y))
    train_step, seen, sizes = noted_step(x)
    optimizer.build(model.trainable_variables)
    tf.random.set_seed(0)
    with eagerly():
        value = function(model, loss_fn, optimizer, x, y, batch_size, seed, train_step)
    return (flat(model.trainable_variables), np.array(sizes, np.int64), np.array(seen, np.int64),
            losses_of(value))
