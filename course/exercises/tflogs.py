"""The logging exercise, driven: a learner's epoch that writes to TensorBoard with ``tf.summary``, run on a
summary writer into a temporary directory, whose event files are then read back with TensorBoard's own reader.
The course's own logged epoch runs the same way in the same process: a right loop writes the same tags at
the same steps with the same values (a histogram is TensorBoard's buckets of the same tensor).

    tags, steps, values, weights, returned = run_logged(logged_epoch, model, loss_fn, optimizer, x, y,
                                                        batch_size=4, step=1)

``tags`` sorted; ``steps`` and ``values`` one entry per tag, in that order (a scalar's values (k,), a
histogram's (k, buckets, 3): left edge, right edge, count); ``returned`` the step the loop said comes next.
The tags are the course's (``course.tensorboard.layout.histogram_tags``): ``batch_loss``; ``weights/<layer>``
and ``biases/<layer>``; ``gradients/<layer>/kernel`` and ``gradients/<layer>/bias``.
"""
from __future__ import annotations

import tempfile

import numpy as np

from course.exercises.tfsteps import eagerly, flat, labels, scalar


def tags_of(variable) -> tuple:
    """(the tag of the variable's values, the tag of its gradient): ``mlp/hidden_1/kernel`` -> (weights/hidden_1,
    gradients/hidden_1/kernel)."""
    from course.tensorboard.layout import histogram_tags
    return histogram_tags("/".join(variable.path.split("/")[-2:]))


def course_logged_epoch(model, loss_fn, optimizer, dataset, writer, step, train_step):
    """The course's logged epoch: after each update, the loss, the weights and the gradients at that step."""
    from course.core.runtime import tf
    for x_batch, y_batch in dataset:
        loss, _, grads = train_step(model, loss_fn, optimizer, x_batch, y_batch)
        with writer.as_default():
            tf.summary.scalar("batch_loss", loss, step=step)
            for variable, grad in zip(model.trainable_variables, grads):
                values_tag, gradient_tag = tags_of(variable)
                tf.summary.histogram(values_tag, variable, step=step)
                tf.summary.histogram(gradient_tag, grad, step=step)
        step += 1
    return step


def read_back(directory) -> dict:
    """{tag: [(step, value)]} of every tensor event under ``directory``, by TensorBoard's EventAccumulator."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.util import tensor_util
    events = EventAccumulator(str(directory), size_guidance={"tensors": 0})      # 0: keep every event
    events.Reload()
    return {tag: [(int(e.step), tensor_util.make_ndarray(e.tensor_proto)) for e in events.Tensors(tag)]
            for tag in events.Tags()["tensors"]}


def _stacked(arrays):
    """One array of a tag's values; a list when they differ in shape (a tag written as a scalar and a histogram)."""
    try:
        return np.array(arrays)
    except ValueError:
        return arrays


def run_logged(function, model, loss_fn, optimizer, x, y, batch_size, step):
    """``function(model, loss_fn, optimizer, dataset, writer, step, train_step)`` once on ``x``, ``y`` in batches
    (not shuffled), writing into a temporary directory: (tags, steps, values, weights, returned)."""
    from course.core.runtime import tf
    from course.core.step import train_step
    dataset = tf.data.Dataset.from_tensor_slices((np.asarray(x, np.float32), labels(model, y))).batch(batch_size)
    optimizer.build(model.trainable_variables)
    with tempfile.TemporaryDirectory(prefix="course-logs-") as directory:
        writer = tf.summary.create_file_writer(directory)
        try:
            with eagerly():
                returned = function(model, loss_fn, optimizer, dataset, writer, step, train_step)
        finally:
            writer.close()
        events = read_back(directory)
    tags = tuple(sorted(events))
    steps = tuple(tuple(s for s, _ in events[tag]) for tag in tags)
    values = tuple(_stacked([np.asarray(v, np.float64) for _, v in events[tag]]) for tag in tags)
    number = scalar(returned)
    return tags, steps, values, flat(model.trainable_variables), np.nan if number is None else number
