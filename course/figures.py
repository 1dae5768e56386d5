"""Runs that hold figures rather than training: a lesson's plots as PNGs and TensorBoard images.

A lesson's explanatory plots (activation curves, a neuron's response) belong to no training
run; they get a run directory of their own, ``LOGDIR/<lesson>/<timestamp>_<name>``, so they sit
beside the training runs in TensorBoard's Images tab.

    result = save_figures("logs", "day4_activations", "activations", {"activations": fig})
    result.run_dir / "activations.png"
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
    for tag, figure in figures.items():
        if not isinstance(tag, str) or not _TAG.match(tag):
            raise ValueError(f"figure tags must be letters, digits, '_', '-' or '.', got {tag!r}")
        if not hasattr(figure, "savefig"):
            raise TypeError(f"figure {tag!r} must be a matplotlib Figure, got {type(figure).__name__}")
    run_dir = new_run_dir(logdir, lesson, name)
    logger = RunLogger(run_dir, goal=goal)
    try:
        for tag, figure in figures.items():
            figure.savefig(run_dir / f"{tag}.png", dpi=100)
            logger.log_figure(tag, figure)
    finally:
        logger.close()
    return RunResult(name=name, run_dir=run_dir, history=None, model=None)
