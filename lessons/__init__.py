"""Runnable lessons: ``python -m lessons.day1_perceptron``, ``python -m lessons.day2_mlp``, ...

Each lesson is a literate script around ``run(config) -> LessonResult``; the
reusable machinery lives in ``course``.
"""

import sys as _sys

from course.cli import quiet_ctrl_c_while_loading as _quiet_ctrl_c_while_loading

if _sys.argv[:1] == ["-m"]:
    # `python -m lessons.X`: Ctrl-C while TensorFlow is still loading ends the program without a
    # traceback; once the lesson starts, course.cli.lesson_main handles Ctrl-C itself.
    _quiet_ctrl_c_while_loading()
