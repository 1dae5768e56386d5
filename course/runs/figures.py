"""Runs a lesson fills itself: figures that belong to no training run, measurements, a family's own loop.

A lesson's explanatory plots (activation curves, a neuron's response) get a run directory of their
own, ``LOGDIR/<lesson>/<timestamp>_<name>``, so they sit beside the training runs in TensorBoard's
Images tab; a figure drawn after a training run (a confusion matrix, paths that need every run)
joins that run through its own logger. Everything goes through a ``RunLogger``: one event file a split.

    result = save_figures("logs", "day4_activations", "activations", {"activations": fig})
    add_figures(run, {"confusion_matrix": fig})          # run: a RunResult of train_and_log
    run_dir, logger = open_run("logs", "day9_network_types", "gan", hparams={...}, goal=GOAL)
"""
from __future__ import annotations

import errno
import re

from course.runs.dirs import new_run_dir
from course.runs.results import RunResult
from course.tensorboard.logger import RunLogger

_TAG = re.compile(r"^[A-Za-z0-9_.-]+$")


def open_run(logdir, lesson: str, name: str, *, hparams: dict | None = None, goal: str = ""):
    """A new run directory and its ``RunLogger`` (hyperparameters and goal written), for a loop of the
    lesson's own or a measurement; the caller closes the logger.

    Example:
        >>> run_dir, logger = open_run("logs", "day4_activations", "deep_sigmoid")
        >>> logger.log_layer_norms(norms); logger.close()
    """
    run_dir = new_run_dir(logdir, lesson, name)
    return run_dir, RunLogger(run_dir, hparams=hparams, goal=goal)


def save_figures(logdir, lesson: str, name: str, figures: dict, *, goal: str = "") -> RunResult:
    """Write each figure to ``<run_dir>/<tag>.png`` and log it as the TensorBoard image ``tag``.

    Args:
        figures: {tag: matplotlib Figure}; tags are letters, digits, '_', '-', '.'.

    Returns:
        a ``RunResult`` with no history or model.

    Example:
        >>> save_figures("logs", "day3_weights_bias", "neuron", {"sigmoid_bias": fig}).run_dir
    """
    _check(figures)
    run_dir, logger = open_run(logdir, lesson, name, goal=goal)
    _write(logger, figures, step=0)
    return RunResult(name=name, run_dir=run_dir, history=None, model=None, logger=logger)


def add_figures(run: RunResult, figures: dict) -> None:
    """Add figures to a finished training run: ``<run_dir>/<tag>.png`` and images at its last step.

    Example:
        >>> add_figures(run, {"confusion_matrix": plots.confusion_matrix(counts)})
    """
    _check(figures)
    if not run.run_dir.is_dir():      # removed while the lesson ran: a file error (a lesson ends with exit 74)
        raise FileNotFoundError(errno.ENOENT, "the run directory is gone (moved or deleted?)", str(run.run_dir))
    logger = run.logger if run.logger is not None else RunLogger(run.run_dir)   # its own event files, appended to
    _write(logger, figures, step=run.history.steps if run.history is not None else 0)


def _check(figures):
    for tag, figure in figures.items():
        if not isinstance(tag, str) or not _TAG.match(tag):
            raise ValueError(f"figure tags must be letters, digits, '_', '-' or '.', got {tag!r}")
        if not hasattr(figure, "savefig"):
            raise TypeError(f"figure {tag!r} must be a matplotlib Figure, got {type(figure).__name__}")


def _write(logger, figures, *, step):
    try:
        for tag, figure in figures.items():
            logger.log_figure(tag, figure, step=step, save_to=logger.run_dir / f"{tag}.png")
    finally:
        logger.close()
