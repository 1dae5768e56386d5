"""TensorBoard logging for one run: what is written, where, and how often.

Tags, with ``<run_dir>/train`` and ``<run_dir>/validation`` as TensorBoard's two runs:

- train, per step: ``batch_loss``, ``batch_accuracy``, ``gradient_norm``
- train and validation, per epoch: ``epoch_loss``, ``epoch_accuracy`` (the twins overlay in TensorBoard)
- train, per epoch: ``learning_rate``; and about every ``HISTOGRAM_STEPS`` steps (at an epoch's end, and
  after the last epoch) histograms ``weights/<layer>``, ``biases/<layer>``, ``gradients/<layer>/kernel``,
  ``gradients/<layer>/bias``
- small models (at most ``SMALL_MODEL_PARAMETERS``): per step ``parameters/<layer>/kernel[i,j]`` and
  ``gradients/<layer>/kernel[i,j]``, so each weight's path can be followed (step 0 = initial value)
- text ``run/hyperparameters`` and ``run/goal``; images logged with ``log_figure``

Scalars and histograms are written from Python, out of the host copies ``fit`` makes each epoch
anyway (``course.events``): a few microseconds a step. Nothing is written from inside the compiled
epoch, so logging adds neither ops nor compile time to it. Text and images, a few per run, go
through TensorFlow's summary writer.

    logger = RunLogger(run_dir, hparams={"epochs": 10}, goal="separate the moons")
    fit(model, ds, config, observers=[logger]); logger.close()
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from course.events import EventFile, histogram_buckets  # noqa: F401 (histogram_buckets re-exported)
from course.runtime import tf
from course.training import SMALL_MODEL_PARAMETERS, Observer

# Histograms (NumPy bucketing of every variable) cost more than scalars: by default they are
# written about every HISTOGRAM_STEPS update steps, at an epoch's end (every epoch when an epoch
# has at least that many steps), and always after the last epoch. Scalars are written every step.
HISTOGRAM_STEPS = 100


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
        self.train = tf.summary.create_file_writer(str(self.run_dir / "train"))   # text and images
        self.param_tags = self.grad_tags = None
        self.events = None   # {"train": EventFile, "validation": EventFile}, opened when training begins
        self.epochs, self._histogram_tags = None, []
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
        self.step_tags, self.epochs = tags, config.epochs
        if self.events is None:
            self.events = {split: EventFile(self.run_dir / split) for split in ("train", "validation")}
        if small:   # each parameter's path starts at its initial value, step 0
            self.events["train"].scalars(0, np.concatenate([np.ravel(w) for w in initial])[None], self.param_tags)
        self._histogram_tags = []
        for name in names:
            layer, kind = name.rsplit("/", 1)
            family = {"kernel": "weights", "bias": "biases"}.get(kind, kind)
            self._histogram_tags.append((f"{family}/{layer}", f"gradients/{layer}/{kind}"))

    def on_epoch_end(self, record):
        """Every step's scalars (also of a partial epoch), the epoch's metrics and, at the cadence, histograms."""
        train = self.events["train"]
        if len(record.step_loss):
            columns = [record.step_loss, record.step_accuracy, record.step_grad_norm]   # (steps,) each
            if self.param_tags is not None:
                columns += [record.step_params, record.step_grads]                    # (steps, n_params) each
            train.scalars(record.first_step, np.column_stack(columns), self.step_tags)
        if not record.complete:   # a diverged or interrupted epoch: no epoch metrics
            return
        train.scalars(record.epoch, [[record.loss, record.accuracy, record.learning_rate]],
                      ["epoch_loss", "epoch_accuracy", "learning_rate"])
        self.events["validation"].scalars(record.epoch, [[record.val_loss, record.val_accuracy]],
                                          ["epoch_loss", "epoch_accuracy"])
        if self.histogram_every is None:    # default cadence, from the first epoch's number of steps
            self.histogram_every = histogram_cadence(len(record.step_loss))
        if record.epoch % self.histogram_every == 0 or record.epoch == self.epochs:
            buckets = {}
            for (value_tag, grad_tag), value, grad in zip(self._histogram_tags, record.variables, record.grads):
                buckets[value_tag], buckets[grad_tag] = histogram_buckets(value), histogram_buckets(grad)
            train.histograms(record.epoch, buckets)

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
        for events in (self.events or {}).values():
            events.flush()

    def close(self):
        self.train.close()
        for events in (self.events or {}).values():
            events.close()

