"""Runs: what a lesson does with a model and a data set, end to end.

``lesson.Lesson`` (one lesson's name, config, runs and numbers: what its parts share), ``experiment.train_and_log``
(a new run directory, the printed trace, TensorBoard, the figures), ``figures`` (runs of figures or measurements,
figures added to a finished run, ``open_run`` for a loop of a lesson's own), ``dirs`` (run directories that never
overwrite one another), ``results`` (``RunResult``, ``LessonResult``).

Importing this package is cheap (the flags check the log directory with ``dirs`` before TensorFlow loads):
``Lesson``, which trains, loads with its first use.
"""
from course.runs.dirs import check_logdir, new_run_dir
from course.runs.results import LessonResult, RunResult

__all__ = ["Lesson", "check_logdir", "new_run_dir", "RunResult", "LessonResult"]


def __getattr__(name: str):
    if name == "Lesson":
        from course.runs.lesson import Lesson
        return Lesson
    raise AttributeError(f"module 'course.runs' has no attribute {name!r}")
