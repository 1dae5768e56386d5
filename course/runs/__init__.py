"""Runs: what a lesson does with a model and a data set, end to end.

``experiment.train_and_log`` (a new run directory, the printed trace, TensorBoard, the figures),
``figures`` (runs of figures or measurements, figures added to a finished run, ``open_run`` for a
loop of a lesson's own), ``dirs`` (run directories that never overwrite one another), ``results``
(``RunResult``, ``LessonResult``). This package is also the old ``course.runs``.
"""
from course.runs.dirs import check_logdir, new_run_dir
from course.runs.results import LessonResult, RunResult

__all__ = ["check_logdir", "new_run_dir", "RunResult", "LessonResult"]
