"""Runs that hold figures rather than training: a lesson's plots as PNGs and TensorBoard images.

A lesson's explanatory plots (activation curves, a neuron's response) belong to no training
run; they get a run directory of their own, ``LOGDIR/<lesson>/<timestamp>_<name>``, so they sit
beside the training runs in TensorBoard's Images tab.

    result = save_figures("logs", "day4_activations", "activations", {"activations": fig})
    result.run_dir / "activations.png"

A figure drawn after a training run (a confusion matrix, paths that need every run) joins that
run with ``add_figures``.
"""
from __future__ import annotations

import re

from course.runs import RunResult, new_run_dir
from course.tblog import RunLogger

_TAG = re.compile(r"^[A-Za-z0-9_.-]+$")


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
    run_dir = new_run_dir(logdir, lesson, name)
    _write(run_dir, figures, step=0, goal=goal)
    return RunResult(name=name, run_dir=run_dir, history=None, model=None)


def add_figures(run: RunResult, figures: dict) -> None:
    """Add figures to a finished training run: ``<run_dir>/<tag>.png`` and images at its last step.

    Example:
        >>> add_figures(run, {"confusion_matrix": plots.confusion_matrix(counts)})
    """
    _check(figures)
    if not run.run_dir.is_dir():
        raise ValueError(f"run directory {str(run.run_dir)!r} does not exist")
    _write(run.run_dir, figures, step=run.history.steps if run.history is not None else 0)


def _check(figures):
    for tag, figure in figures.items():
        if not isinstance(tag, str) or not _TAG.match(tag):
            raise ValueError(f"figure tags must be letters, digits, '_', '-' or '.', got {tag!r}")
        if not hasattr(figure, "savefig"):
            raise TypeError(f"figure {tag!r} must be a matplotlib Figure, got {type(figure).__name__}")


def _write(run_dir, figures, *, step, goal=""):
    logger = RunLogger(run_dir, goal=goal)
    try:
        for tag, figure in figures.items():
            logger.log_figure(tag, figure, step=step, save_to=run_dir / f"{tag}.png")
    finally:
        logger.close()
