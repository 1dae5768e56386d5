"""TensorBoard logging for one run: what is written, where, and how often.

One writer per split: ``<run_dir>/train`` and ``<run_dir>/validation``. Tags:

- train, per step: ``batch_loss``, ``batch_accuracy``, ``gradient_norm``
- train and validation, per epoch: ``epoch_loss``, ``epoch_accuracy`` (the twins overlay in TensorBoard)
- train, per epoch: ``learning_rate``; histograms ``weights/<layer>``, ``biases/<layer>``,
  ``gradients/<layer>/kernel``, ``gradients/<layer>/bias``
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

# Histograms every `histogram_every` epochs; once per epoch keeps their cost small (see DESIGN.md).
DEFAULT_HISTOGRAM_EVERY = 1


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


def _write_histogram(tag, values, step):
    """Write one histogram to the default writer (what ``tf.summary.histogram`` writes, counted in NumPy)."""
    tf.summary.write(tag, tf.constant(histogram_buckets(values), tf.float64), step=step,
                     metadata=histogram_metadata.create_summary_metadata(tag, ""))


def markdown_table(rows: dict) -> str:
    """A two-column Markdown table (TensorBoard's Text tab renders it)."""
    lines = ["| setting | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in rows.items()]
    return "\n".join(lines)


class RunLogger(Observer):
    """Writes a run's scalars, histograms, text and images to TensorBoard event files."""

    def __init__(self, run_dir, *, hparams: dict | None = None, goal: str = "",
                 histogram_every: int = DEFAULT_HISTOGRAM_EVERY):
        if isinstance(histogram_every, bool) or not isinstance(histogram_every, int) or histogram_every < 1:
            raise ValueError(f"histogram_every must be a positive integer, got {histogram_every!r}")
        self.run_dir = Path(run_dir)
        self.histogram_every = histogram_every
        self.train = tf.summary.create_file_writer(str(self.run_dir / "train"))
        self.validation = tf.summary.create_file_writer(str(self.run_dir / "validation"))
        self.param_tags = self.grad_tags = None
        self.epochs = None
        if hparams:
            self.log_text("run/hyperparameters", markdown_table(hparams))
        if goal:
            self.log_text("run/goal", goal)

    # --- observer hooks -------------------------------------------------------------
    def on_train_begin(self, model, config, names, initial):
        self.epochs = config.epochs
        shapes = [np.shape(w) for w in initial]
        self.step_tags = ["batch_loss", "batch_accuracy", "gradient_norm"]
        if sum(int(np.prod(s)) for s in shapes) <= SMALL_MODEL_PARAMETERS:
            self.param_tags = _entry_tags("parameters", names, shapes)
            self.grad_tags = _entry_tags("gradients", names, shapes)
            self.step_tags += self.param_tags + self.grad_tags
            flat = np.concatenate([np.ravel(w) for w in initial])
            with self.train.as_default():
                for tag, value in zip(self.param_tags, flat):
                    tf.summary.scalar(tag, value, step=0)   # the path starts at the initial weight
        self._write_steps = self._compile_step_writer(self.step_tags)

    def _compile_step_writer(self, tags):
        # One compiled call per epoch writes every per-step scalar: eager writes cost ~3x the training.
        writer = self.train

        metadata = [scalar_metadata.create_summary_metadata(tag, "") for tag in tags]

        def write(values, first_step):   # values (steps, len(tags)), first_step scalar int64
            with writer.as_default():
                for i in tf.range(tf.shape(values)[0]):
                    step = first_step + tf.cast(i, tf.int64)
                    for j, tag in enumerate(tags):
                        # tf.summary.write, not .scalar: inside the loop .scalar would prefix "while/"
                        tf.summary.write(tag, values[i, j], step=step, metadata=metadata[j])

        return tf.function(write, input_signature=[tf.TensorSpec([None, len(tags)], tf.float32),
                                                   tf.TensorSpec([], tf.int64)])

    def on_epoch_end(self, record):
        if len(record.step_loss):
            values = np.column_stack([record.step_loss, record.step_accuracy, record.step_grad_norm])
            if self.param_tags is not None:
                values = np.column_stack([values, record.step_params, record.step_grads])
            self._write_steps(tf.constant(values, tf.float32), tf.constant(record.first_step, tf.int64))
        if not record.complete:   # a diverged or interrupted epoch: its per-step values only
            self.flush()
            return
        with self.train.as_default():
            tf.summary.scalar("epoch_loss", record.loss, step=record.epoch)
            tf.summary.scalar("epoch_accuracy", record.accuracy, step=record.epoch)
            tf.summary.scalar("learning_rate", record.learning_rate, step=record.epoch)
            if record.epoch % self.histogram_every == 0 or record.epoch == self.epochs:
                self._histograms(record)
        with self.validation.as_default():
            tf.summary.scalar("epoch_loss", record.val_loss, step=record.epoch)
            tf.summary.scalar("epoch_accuracy", record.val_accuracy, step=record.epoch)

    def _histograms(self, record):
        # Buckets are counted in NumPy and written as one small tensor each: TensorBoard's own
        # eager histogram op costs ~5 ms a call, and compiling it costs ~1 s per run.
        for name, value, grad in zip(record.names, record.variables, record.grads):
            layer, kind = name.rsplit("/", 1)
            family = {"kernel": "weights", "bias": "biases"}.get(kind, kind)
            _write_histogram(f"{family}/{layer}", value, record.epoch)
            _write_histogram(f"gradients/{layer}/{kind}", grad, record.epoch)

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

