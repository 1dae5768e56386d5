"""TensorBoard logging for one run: what is written, where, and how often.

Tags, with ``<run_dir>/train`` and ``<run_dir>/validation`` as TensorBoard's two runs. "Step" is the
update step (the x axis of ``batch_loss``) everywhere except the ``epoch_*`` scalars, which count epochs:

- train, per step: ``batch_loss``, ``batch_accuracy``, ``gradient_norm``
- train and validation, per epoch: ``epoch_loss``, ``epoch_accuracy`` (the twins overlay in TensorBoard)
- train, per epoch: ``learning_rate``; histograms ``weights/<layer>``, ``biases/<layer>`` at step 0 and,
  with ``gradients/<layer>/kernel`` and ``gradients/<layer>/bias``, about every ``HISTOGRAM_STEPS``
  steps (at an epoch's end, and after the last epoch)
- small models (at most ``SMALL_MODEL_PARAMETERS``): per step ``parameters/<layer>/kernel[i,j]`` and
  ``gradients/<layer>/kernel[i,j]``, so each weight's path can be followed (step 0 = initial value)
- text ``run/hyperparameters``, ``run/goal`` and, for each of the first ``trace_steps`` steps,
  ``trace/update_step`` (parameter, before, gradient, learning rate, after); images from ``log_figure``
  and ``log_images``; the graph of the compiled training step (Graphs dashboard)
- the run directory itself (a third TensorBoard run): the HParams session (``hparams``; its metrics
  are the last values of the scalars, ``epoch_loss`` and ``epoch_accuracy`` of train and validation
  among them) and the Custom Scalars layout (train and validation loss on one chart, accuracy on another)

``every_step=True`` writes the histograms after every update step instead (tiny runs; each step
then runs on its own). Everything is written from Python through ``tensorboard.events``, out of the
host copies ``fit`` makes each epoch anyway: a few microseconds a step, nothing inside the compiled
epoch. Every lesson and every family writes through a ``RunLogger``: one event file per run split.

    logger = RunLogger(run_dir, hparams={"epochs": 10}, goal="separate the moons", trace_steps=3)
    fit(model, ds, config, observers=[logger]); logger.close()
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np

from course.checks import check_int
from course.engine.compiled import SMALL_MODEL_PARAMETERS
from course.engine.records import Observer
from course.tensorboard.events import EventFile, histogram_buckets
from course.tensorboard.layout import (HISTOGRAM_STEPS, custom_scalars_summary, entry_tags,  # noqa: F401
                                       histogram_cadence, hparams_summary, histogram_tags, markdown_table)
from course.trace.rules import Rules
from course.trace.table import update_table

class RunLogger(Observer):
    """Writes a run's scalars, histograms, text, images, graph and hparams to TensorBoard event files.

    Args:
        run_dir: the run's directory (``runs.new_run_dir``).
        hparams: {name: value}, shown as a table and recorded for the HParams dashboard.
        goal: one line of text for the Text tab.
        histogram_every: epochs between histograms (default: about every ``HISTOGRAM_STEPS`` steps).
        trace_steps: the first update steps written as ``trace/update_step`` tables.
        every_step: histograms after every update step (tiny runs: every step then runs on its own).
    """

    wants_graph = True

    def __init__(self, run_dir, *, hparams: dict | None = None, goal: str = "",
                 histogram_every: int | None = None, trace_steps: int = 0, every_step: bool = False,
                 examples_axis: bool = False, log10_batch_loss: bool = False, log10_epoch_loss: bool = False):
        if histogram_every is not None:
            histogram_every = check_int("histogram_every", histogram_every)
        trace_steps = check_int("trace_steps", trace_steps, minimum=0)
        self.run_dir = Path(run_dir)
        self.histogram_every, self.trace_steps, self.every_step = histogram_every, trace_steps, bool(every_step)
        self.examples_axis, self.examples_seen = bool(examples_axis), 0
        self.log10_batch_loss, self.log10_epoch_loss = bool(log10_batch_loss), bool(log10_epoch_loss)
        self.full_steps = sys.maxsize if every_step else trace_steps
        self.param_tags = self.grad_tags = None
        # {"train": ..., "validation": ..., "run": the run directory itself}; validation opens when training begins
        self.events = {}
        self._file("train")
        self.epochs, self._histogram_tags = None, []
        if hparams:
            self.log_text("run/hyperparameters", markdown_table(hparams))
            self._log_hparams(hparams)
        if goal:
            self.log_text("run/goal", goal)

    def _log_hparams(self, hparams):
        """The HParams session of this run (its trial named after the TensorBoard run, the run directory) and
        the custom-scalars layout, in the run directory itself."""
        run = EventFile(self.run_dir, whole=True)    # written at once, then renamed: never left empty or half done
        try:
            run.summary(0, hparams_summary(hparams))
            run.summary(0, custom_scalars_summary(examples_axis=self.examples_axis,
                                                  log10_batch_loss=self.log10_batch_loss,
                                                  log10_epoch_loss=self.log10_epoch_loss))
        finally:
            run.close()

    # --- observer hooks -------------------------------------------------------------
    def on_train_begin(self, model, config, names, initial):
        shapes = [np.shape(w) for w in initial]
        tags = ["batch_loss", "batch_accuracy", "gradient_norm"]
        small = sum(int(np.prod(s)) for s in shapes) <= SMALL_MODEL_PARAMETERS
        if small:
            self.param_tags = entry_tags("parameters", names, shapes)
            self.grad_tags = entry_tags("gradients", names, shapes)
            tags += self.param_tags + self.grad_tags
        self.step_tags, self.epochs = tags, config.epochs
        self.rules = Rules(config.optimizer, config.learning_rate, config.clip_norm)
        self._file("validation")
        if small:   # each parameter's path starts at its initial value, step 0
            self._file("train").scalars(0, np.concatenate([np.ravel(w) for w in initial])[None], self.param_tags)
        self._histogram_tags = [histogram_tags(name) for name in names]
        # the initial weights (no gradients yet) at step 0
        self._file("train").histograms(0, {value_tag: histogram_buckets(value)
                                           for (value_tag, _), value in zip(self._histogram_tags, initial)})

    def on_graph(self, graph):
        self._file("train").graph(graph.as_graph_def())

    def on_step(self, record):
        if record.step <= self.trace_steps:
            self.log_text("trace/update_step", update_table(record, self.rules), step=record.step)
        elif self.every_step:
            self.rules.step(record)            # the optimizer's state follows every step
        if self.every_step:
            self._histograms(record.step, record.after, record.grads)

    def on_epoch_end(self, record):
        """Every step's scalars (also of a partial epoch), the epoch's metrics and, at the cadence, histograms."""
        train = self._file("train")
        if len(record.step_loss):
            columns = [record.step_loss, record.step_accuracy, record.step_grad_norm]   # (steps,) each
            if self.param_tags is not None:
                columns += [record.step_params, record.step_grads]                    # (steps, n_params) each
            train.scalars(record.first_step, np.column_stack(columns), self.step_tags)
            self._comparisons(record)
        if not record.complete:   # a diverged or interrupted epoch: no epoch metrics
            return
        if self.examples_axis:
            for split, loss in (("train", record.loss), ("validation", record.val_loss)):
                self._file(split).scalars(self.examples_seen, [[loss]], ["by_examples/epoch_loss"])
        if self.log10_epoch_loss:
            for split, loss in (("train", record.loss), ("validation", record.val_loss)):
                self._file(split).scalars(record.epoch, [[_log10(loss)]], ["log10/epoch_loss"])
        train.scalars(record.epoch, [[record.loss, record.accuracy, record.learning_rate]],
                      ["epoch_loss", "epoch_accuracy", "learning_rate"])
        self._file("validation").scalars(record.epoch, [[record.val_loss, record.val_accuracy]],
                                         ["epoch_loss", "epoch_accuracy"])
        if self.histogram_every is None:    # default cadence, from the first epoch's number of steps
            self.histogram_every = histogram_cadence(len(record.step_loss))
        if not self.every_step and (record.epoch % self.histogram_every == 0 or record.epoch == self.epochs):
            self._histograms(record.first_step + len(record.step_loss) - 1, record.variables, record.grads)

    def _comparisons(self, record):
        """The per-step loss against the examples seen, and its log10 (runs that differ in batch size or
        blow up, side by side)."""
        if self.examples_axis:
            seen = self.examples_seen + np.cumsum(record.step_sizes).astype(np.int64)
            self._file("train").scalars(0, record.step_loss[:, None], ["by_examples/batch_loss"], steps=seen.tolist())
            self.examples_seen = int(seen[-1])
        if self.log10_batch_loss:
            self._file("train").scalars(record.first_step, _log10(record.step_loss)[:, None], ["log10/batch_loss"])

    def _histograms(self, step, variables, grads):
        buckets = {}
        for (value_tag, grad_tag), value, grad in zip(self._histogram_tags, variables, grads):
            buckets[value_tag], buckets[grad_tag] = histogram_buckets(value), histogram_buckets(grad)
        self._file("train").histograms(step, buckets)

    def on_train_end(self, history):
        if history.stopped:   # "diverged at step ..." or "interrupted at step ..."
            self.log_text("run/stopped", history.stopped, step=history.stopped_at or history.steps)
        self.flush()

    # --- things a lesson or a family's loop logs itself ---------------------------------
    def _file(self, name: str) -> EventFile:
        """The event file of ``name`` ("train", "validation", ... or "run", the run directory itself),
        opened on first use, and opened again for appending after ``close`` (a figure joins the run)."""
        if name not in self.events or self.events[name].closed:
            self.events[name] = EventFile(self.run_dir if name == "run" else self.run_dir / name)
        return self.events[name]

    def split(self, name: str) -> EventFile:
        """The run's event file for ``<run_dir>/<name>``, for a family's own loop to write scalars or
        histograms to; ``close`` closes it with the others.

        Example:
            >>> logger.split("validation").scalars(epoch, [[val_loss]], ["epoch_loss"])
        """
        if name == "run" or not name.replace("_", "").isalnum():
            raise ValueError(f"split must be a name like 'train' or 'validation', got {name!r}")
        return self._file(name)

    def log_scalars(self, step: int, values: dict, split: str = "train"):
        """``{tag: number}`` at ``step``, one event, in ``split``."""
        self.split(split).scalars(step, [list(values.values())], list(values))

    def log_layer_norms(self, norms: dict, step: int = 0, prefix: str = "gradient_norm") -> list:
        """One number per layer (``core.gradients.layer_gradient_norms``); returns the tags written.

        ``prefix/<layer>`` holds each layer's value at ``step``; ``prefix_by_depth`` holds them all as
        one curve whose x axis is the layer's depth (1 = the first hidden layer), so the runs of several
        networks overlay in one chart (set its y axis to log scale).
        """
        self.log_scalars(step, {f"{prefix}/{layer}": value for layer, value in norms.items()})
        self._file("train").scalars(1, [[value] for value in norms.values()], [f"{prefix}_by_depth"])
        return sorted([f"{prefix}/{layer}" for layer in norms] + [f"{prefix}_by_depth"])

    def log_text(self, tag: str, text: str, step: int = 0):
        """Markdown text (tables render) in the Text tab."""
        self._file("train").text(step, tag, text)

    def log_images(self, step: int, images: dict, descriptions: dict | None = None):
        """``{tag: [png bytes, ...]}`` at ``step`` (several PNGs of one size show as samples)."""
        self._file("train").images(step, images, descriptions)

    def log_figure(self, tag: str, figure, step: int = 0, save_to=None):
        """Log a matplotlib figure as an image, rendered to PNG once (also written to ``save_to``)."""
        if not hasattr(figure, "savefig"):
            raise TypeError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=100)
        if save_to is not None:
            Path(save_to).write_bytes(buffer.getvalue())
        self.log_images(step, {tag: [buffer.getvalue()]})

    def flush(self):
        for events in self.events.values():
            events.flush()

    def close(self):
        """Close every file, even when one fails (a full disk): then the first error is raised."""
        failed = None
        for events in self.events.values():
            try:
                events.close()
            except OSError as err:
                failed = failed or err
        if failed is not None:
            raise failed


def _log10(loss):
    """log10 of a loss (inf stays inf: the chart shows where it blew up)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(np.maximum(np.asarray(loss, np.float64), 1e-30))
