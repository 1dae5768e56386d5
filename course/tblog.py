"""TensorBoard logging for one run: what is written, where, and how often.

One writer per split: ``<run_dir>/train`` and ``<run_dir>/validation``. Tags:

- train, per step: ``batch_loss``, ``batch_accuracy``, ``gradient_norm``
- train and validation, per epoch: ``epoch_loss``, ``epoch_accuracy`` (the twins overlay in TensorBoard)
- train, per epoch: ``learning_rate``; and about every ``HISTOGRAM_STEPS`` steps (at an epoch's end, and
  after the last epoch) histograms ``weights/<layer>``, ``biases/<layer>``, ``gradients/<layer>/kernel``,
  ``gradients/<layer>/bias``
- small models (at most ``SMALL_MODEL_PARAMETERS``): per step ``parameters/<layer>/kernel[i,j]`` and
  ``gradients/<layer>/kernel[i,j]``, so each weight's path can be followed (step 0 = initial value)
- text ``run/hyperparameters`` and ``run/goal``; images logged with ``log_figure``

Where it is written from decides what logging costs: the per-epoch scalars and histograms from
inside the compiled epoch (``epoch_summaries``, no extra call); the per-step scalars from Python,
out of the host copies ``fit`` makes each epoch anyway, as one event per step in a file of their
own (``course.events``). Ops, a loop and encoding inside the compiled epoch cost more than a tiny
model's training; a few microseconds of Python a step do not.

    logger = RunLogger(run_dir, hparams={"epochs": 10}, goal="separate the moons")
    fit(model, ds, config, observers=[logger]); logger.close()
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from tensorboard.plugins.histogram import metadata as histogram_metadata
from tensorboard.plugins.scalar import metadata as scalar_metadata

from course.events import StepEventFile
from course.runtime import tf
from course.training import SMALL_MODEL_PARAMETERS, Observer

# Histograms (about 25 ops each to bucket) cost far more than scalars: by default they are
# written about every HISTOGRAM_STEPS update steps, at an epoch's end (every epoch when an epoch
# has at least that many steps), and always after the last epoch. Scalars are written every step.
HISTOGRAM_STEPS = 100
WRITER_QUEUE = 10_000   # events held in memory before a write to disk ...
FLUSH_MILLIS = 2_000    # ... or this often, whichever comes first


def histogram_cadence(steps_per_epoch: int, histogram_steps: int = HISTOGRAM_STEPS) -> int:
    """Epochs between histograms: ceil(histogram_steps / steps_per_epoch), at least 1.

    Example:
        >>> histogram_cadence(10), histogram_cadence(282)
        (10, 1)
    """
    return max(1, -(-histogram_steps // max(1, steps_per_epoch)))


def _entry_tags(prefix, names, shapes):
    tags = []
    for name, shape in zip(names, shapes):
        for i in range(int(np.prod(shape))):
            index = ",".join(str(k) for k in np.unravel_index(i, shape)) if shape else ""
            tags.append(f"{prefix}/{name}[{index}]")
    return tags


def histogram_buckets(values, bucket_count: int = 30):
    """TensorBoard's histogram format, computed with TensorFlow ops (so it runs inside a compiled call).

    Args:
        values: any shape; non-finite values are left out.

    Returns:
        a (bucket_count, 3) float64 tensor of [left edge, right edge, count] rows over [min, max],
        (0, 3) when no value is finite.

    Example:
        >>> histogram_buckets(np.array([0.0, 0.1, 0.1, 0.5, 1.0]), 5)[:, 2].numpy()
        array([3., 0., 1., 0., 1.])
    """
    values = tf.cast(tf.reshape(values, [-1]), tf.float64)   # float64: float32's whole range fits in it
    values = tf.boolean_mask(values, tf.math.is_finite(values))
    empty = tf.equal(tf.size(values), 0)
    low = tf.where(empty, tf.constant(0.0, tf.float64), tf.reduce_min(values))
    high = tf.where(empty, tf.constant(0.0, tf.float64), tf.reduce_max(values))
    # all equal (a zero-initialised bias): a range around the value, unit-wide unless the value is huge
    pad = tf.where(tf.equal(low, high), tf.maximum(tf.constant(0.5, tf.float64), tf.abs(low) * 1e-3), tf.constant(0.0, tf.float64))
    low, high = low - pad, high + pad
    edges = tf.linspace(low, high, bucket_count + 1)
    counts = tf.histogram_fixed_width(values, tf.stack([low, high]), nbins=bucket_count)
    buckets = tf.stack([edges[:-1], edges[1:], tf.cast(counts, tf.float64)], axis=1)   # (bucket_count, 3)
    return buckets[:tf.where(empty, 0, bucket_count)]


def write_summary(writer, tag: str, value, step, metadata: bytes):
    """``tf.summary.write(tag, value, step, metadata)`` into ``writer``, as one op.

    tf.summary.write wraps every write in a ``tf.cond`` (for ``record_if``); inside a compiled call
    that cond costs more than the write. This is the op it guards, WriteSummary, given the writer's
    resource handle (an attribute TensorFlow keeps private, read here only).
    """
    return tf.raw_ops.WriteSummary(writer=writer._resource, step=tf.cast(step, tf.int64), tensor=value,
                                   tag=tag, summary_metadata=metadata)


def markdown_table(rows: dict) -> str:
    """A two-column Markdown table (TensorBoard's Text tab renders it)."""
    lines = ["| setting | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in rows.items()]
    return "\n".join(lines)


class RunLogger(Observer):
    """Writes a run's scalars, histograms, text and images to TensorBoard event files."""

    def __init__(self, run_dir, *, hparams: dict | None = None, goal: str = "",
                 histogram_every: int | None = None):
        if histogram_every is not None and (isinstance(histogram_every, bool) or
                                            not isinstance(histogram_every, int) or histogram_every < 1):
            raise ValueError(f"histogram_every must be a positive integer or None, got {histogram_every!r}")
        self.run_dir = Path(run_dir)
        self.histogram_every = histogram_every
        # A large queue: events go to disk in big writes, every FLUSH_MILLIS (so a TensorBoard open
        # beside a running lesson keeps up) and at flush/close, not every 10 events as by default,
        # which cost more than the training of a tiny model.
        self.train, self.validation = (
            tf.summary.create_file_writer(str(self.run_dir / split), max_queue=WRITER_QUEUE,
                                          flush_millis=FLUSH_MILLIS) for split in ("train", "validation"))
        self.param_tags = self.grad_tags = None
        self.steps = None   # the per-step scalars' StepEventFile, opened when training begins
        self._metadata, self._histogram_tags = {}, []
        if hparams:
            self.log_text("run/hyperparameters", markdown_table(hparams))
        if goal:
            self.log_text("run/goal", goal)

    # --- observer hooks -------------------------------------------------------------
    def on_train_begin(self, model, config, names, initial):
        shapes = [np.shape(w) for w in initial]
        tags = ["batch_loss", "batch_accuracy", "gradient_norm"]
        small = sum(int(np.prod(s)) for s in shapes) <= SMALL_MODEL_PARAMETERS
        if small:
            self.param_tags = _entry_tags("parameters", names, shapes)
            self.grad_tags = _entry_tags("gradients", names, shapes)
            tags += self.param_tags + self.grad_tags
        if self.steps is not None:
            self.steps.close()
        self.steps = StepEventFile(self.run_dir / "train", tags)
        if small:   # each parameter's path starts at its initial value, step 0
            self.steps.write(0, np.concatenate([np.ravel(w) for w in initial])[None], tags=self.param_tags)
        self._metadata = {tag: scalar_metadata.create_summary_metadata(tag, "").SerializeToString()
                          for tag in ("epoch_loss", "epoch_accuracy", "learning_rate")}
        self._histogram_tags = []
        for name in names:
            layer, kind = name.rsplit("/", 1)
            family = {"kernel": "weights", "bias": "biases"}.get(kind, kind)
            self._histogram_tags.append((f"{family}/{layer}", f"gradients/{layer}/{kind}"))
        self._metadata.update({tag: histogram_metadata.create_summary_metadata(tag, "").SerializeToString()
                               for pair in self._histogram_tags for tag in pair})

    def epoch_summaries(self, summary):
        """Epoch scalars and, at the cadence, histograms: written inside the compiled epoch (see Observer)."""
        meta, train, epoch = self._metadata, self.train, summary.epoch
        for tag, value in (("epoch_loss", summary.loss), ("epoch_accuracy", summary.accuracy),
                           ("learning_rate", summary.learning_rate)):
            write_summary(train, tag, value, epoch, meta[tag])
        for tag, value in (("epoch_loss", summary.val_loss), ("epoch_accuracy", summary.val_accuracy)):
            write_summary(self.validation, tag, value, epoch, meta[tag])

        def histograms():
            for (value_tag, grad_tag), variable, grad in zip(self._histogram_tags, summary.variables, summary.grads):
                write_summary(train, value_tag, histogram_buckets(variable), epoch, meta[value_tag])
                write_summary(train, grad_tag, histogram_buckets(grad), epoch, meta[grad_tag])
            return tf.constant(True)

        every = self.histogram_every or histogram_cadence(summary.steps_per_epoch)
        due = tf.logical_or(tf.equal(epoch % every, 0), tf.equal(epoch, summary.epochs))
        tf.cond(due, histograms, lambda: tf.constant(False))

    def on_epoch_end(self, record):
        """The epoch's per-step scalars, from the host copies ``fit`` made (also for a partial epoch)."""
        columns = [record.step_loss, record.step_accuracy, record.step_grad_norm]
        if self.param_tags is not None and record.step_params is not None:
            columns += [record.step_params, record.step_grads]
        elif self.param_tags is not None:     # no step finished in this epoch
            return
        self.steps.write(record.first_step, np.column_stack(columns))

    def on_train_end(self, history):
        if history.stopped:   # "diverged at step ..." or "interrupted at step ..."
            self.log_text("run/stopped", history.stopped, step=history.steps)
        self.flush()

    # --- things a lesson logs itself -------------------------------------------------
    def log_text(self, tag: str, text: str, step: int = 0):
        with self.train.as_default():
            tf.summary.text(tag, text, step=step)

    def log_figure(self, tag: str, figure, step: int = 0):
        """Log a matplotlib figure as an image (rendered to PNG in memory)."""
        if not hasattr(figure, "savefig"):
            raise TypeError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=100)
        image = tf.image.decode_png(buffer.getvalue(), channels=4)[tf.newaxis]   # (1, H, W, 4)
        with self.train.as_default():
            tf.summary.image(tag, image, step=step)

    def flush(self):
        self.train.flush()
        self.validation.flush()
        if self.steps is not None:
            self.steps.flush()

    def close(self):
        self.train.close()
        self.validation.close()
        if self.steps is not None:
            self.steps.close()

