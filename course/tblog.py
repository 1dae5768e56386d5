"""TensorBoard logging for one run: what is written, where, and how often.

One writer per split: ``<run_dir>/train`` and ``<run_dir>/validation``. Tags:

- train, per step: ``batch_loss``, ``batch_accuracy``, ``gradient_norm`` (written from inside the
  compiled training loop through ``step_summaries``)
- train and validation, per epoch: ``epoch_loss``, ``epoch_accuracy`` (the twins overlay in TensorBoard)
- train, per epoch: ``learning_rate``; and about every ``HISTOGRAM_STEPS`` steps (at an epoch's end, and
  after the last epoch) histograms ``weights/<layer>``, ``biases/<layer>``, ``gradients/<layer>/kernel``,
  ``gradients/<layer>/bias``
- small models (at most ``SMALL_MODEL_PARAMETERS``): per step ``parameters/<layer>/kernel[i,j]`` and
  ``gradients/<layer>/kernel[i,j]``, so each weight's path can be followed (step 0 = initial value)
- text ``run/hyperparameters`` and ``run/goal``; images logged with ``log_figure``

    logger = RunLogger(run_dir, hparams={"epochs": 10}, goal="separate the moons")
    fit(model, ds, config, observers=[logger]); logger.close()
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from tensorboard.plugins.histogram import metadata as histogram_metadata
from tensorboard.plugins.scalar import metadata as scalar_metadata

from course.runtime import tf
from course.training import SMALL_MODEL_PARAMETERS, Observer

# Histograms (and their NumPy bucket counts) cost far more than scalars: by default they are
# written about every HISTOGRAM_STEPS update steps, at an epoch's end (every epoch when an epoch
# has at least that many steps), and always after the last epoch. Scalars are written every step.
HISTOGRAM_STEPS = 50
WRITER_QUEUE = 10_000   # events held in memory before a write to disk ...
FLUSH_MILLIS = 2_000    # ... or this often, whichever comes first


def histogram_cadence(steps_per_epoch: int, histogram_steps: int = HISTOGRAM_STEPS) -> int:
    """Epochs between histograms: ceil(histogram_steps / steps_per_epoch), at least 1.

    Example:
        >>> histogram_cadence(10), histogram_cadence(282)
        (5, 1)
    """
    return max(1, -(-histogram_steps // max(1, steps_per_epoch)))


def _entry_tags(prefix, names, shapes):
    tags = []
    for name, shape in zip(names, shapes):
        for i in range(int(np.prod(shape))):
            index = ",".join(str(k) for k in np.unravel_index(i, shape)) if shape else ""
            tags.append(f"{prefix}/{name}[{index}]")
    return tags


def histogram_buckets(values, bucket_count: int = 30) -> np.ndarray:
    """TensorBoard's histogram format: a (bucket_count, 3) array of [left edge, right edge, count]."""
    values = np.asarray(values, dtype=np.float64).ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        return np.zeros((0, 3))
    low, high = values.min(), values.max()
    if low == high:   # all equal (a zero-initialised bias): one unit-wide range around the value
        low, high = low - 0.5, high + 0.5
    with np.errstate(over="ignore", invalid="ignore"):    # a range wider than float64 can hold
        edges = np.linspace(low, high, bucket_count + 1)
    if not np.all(np.isfinite(edges)) or np.any(np.diff(edges) <= 0):
        # huge weights (a run heading for divergence) whose spread float64 cannot split: one bucket
        return np.array([[low, high, values.size]], dtype=np.float64)
    counts, edges = np.histogram(values, bins=edges)
    return np.column_stack([edges[:-1], edges[1:], counts])


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
        self.epochs = None
        self._metadata, self._epoch_writers = {}, {}
        if hparams:
            self.log_text("run/hyperparameters", markdown_table(hparams))
        if goal:
            self.log_text("run/goal", goal)

    # --- observer hooks -------------------------------------------------------------
    def on_train_begin(self, model, config, names, initial):
        self.epochs = config.epochs
        shapes = [np.shape(w) for w in initial]
        tags = ["batch_loss", "batch_accuracy", "gradient_norm"]
        if sum(int(np.prod(s)) for s in shapes) <= SMALL_MODEL_PARAMETERS:
            self.param_tags = _entry_tags("parameters", names, shapes)
            self.grad_tags = _entry_tags("gradients", names, shapes)
            flat = np.concatenate([np.ravel(w) for w in initial])
            with self.train.as_default():
                for tag, value in zip(self.param_tags, flat):
                    tf.summary.scalar(tag, value, step=0)   # the path starts at the initial weight
            tags += self.param_tags + self.grad_tags
        self._metadata = {tag: scalar_metadata.create_summary_metadata(tag, "") for tag in tags}
        self._epoch_writers = {False: self._compile_epoch_writer(names, histograms=False),
                               True: self._compile_epoch_writer(names, histograms=True)}

    def step_summaries(self, step, loss, accuracy, grad_norm, flat_params, flat_grads):
        """Per-step scalars, written from inside the compiled training loop (see Observer)."""
        meta = self._metadata
        with self.train.as_default():
            # tf.summary.write, not .scalar: inside the loop .scalar would prefix the tag with "while/"
            tf.summary.write("batch_loss", loss, step=step, metadata=meta["batch_loss"])
            tf.summary.write("batch_accuracy", accuracy, step=step, metadata=meta["batch_accuracy"])
            tf.summary.write("gradient_norm", grad_norm, step=step, metadata=meta["gradient_norm"])
            if self.param_tags is not None:
                for j, tag in enumerate(self.param_tags):
                    tf.summary.write(tag, flat_params[j], step=step, metadata=meta[tag])
                for j, tag in enumerate(self.grad_tags):
                    tf.summary.write(tag, flat_grads[j], step=step, metadata=meta[tag])

    def _compile_epoch_writer(self, names, *, histograms):
        # Everything logged once an epoch in one compiled call: ~0.3 ms instead of ~5 ms of eager
        # writes. Two versions, with and without histograms, chosen in Python by the cadence.
        train, validation = self.train, self.validation
        hist_tags = []
        for name in names:
            layer, kind = name.rsplit("/", 1)
            family = {"kernel": "weights", "bias": "biases"}.get(kind, kind)
            hist_tags += [f"{family}/{layer}", f"gradients/{layer}/{kind}"]
        hist_meta = [histogram_metadata.create_summary_metadata(tag, "") for tag in hist_tags]

        def write(epoch, train_values, val_values, buckets):
            with train.as_default():
                tf.summary.scalar("epoch_loss", train_values[0], step=epoch)
                tf.summary.scalar("epoch_accuracy", train_values[1], step=epoch)
                tf.summary.scalar("learning_rate", train_values[2], step=epoch)
                if histograms:
                    for tag, meta, counts in zip(hist_tags, hist_meta, buckets):
                        tf.summary.write(tag, counts, step=epoch, metadata=meta)
            with validation.as_default():
                tf.summary.scalar("epoch_loss", val_values[0], step=epoch)
                tf.summary.scalar("epoch_accuracy", val_values[1], step=epoch)

        return tf.function(write, reduce_retracing=True)

    def on_epoch_end(self, record):
        if not record.complete:   # a diverged or interrupted epoch: its steps are already written
            return
        if self.histogram_every is None:    # default cadence, from the first epoch's number of steps
            self.histogram_every = histogram_cadence(len(record.step_loss))
        due = record.epoch % self.histogram_every == 0 or record.epoch == self.epochs
        buckets = []
        if due:
            for value, grad in zip(record.variables, record.grads):
                buckets += [tf.constant(histogram_buckets(value), tf.float64),
                            tf.constant(histogram_buckets(grad), tf.float64)]
        self._epoch_writers[due](
            tf.constant(record.epoch, tf.int64),
            tf.constant([record.loss, record.accuracy, record.learning_rate], tf.float32),
            tf.constant([record.val_loss, record.val_accuracy], tf.float32), buckets)

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

    def close(self):
        self.train.close()
        self.validation.close()

