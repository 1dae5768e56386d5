"""Runnable lessons: ``python -m lessons.day1_perceptron``, ``python -m lessons.day2_mlp``, ...

Each lesson is a literate script around ``run(config) -> LessonResult``; the
reusable machinery lives in ``course``.
"""

import signal as _signal
import sys as _sys
import threading as _threading


def _leave_quietly(signum, frame):
    raise SystemExit(130)


if _sys.argv[:1] == ["-m"] and _threading.current_thread() is _threading.main_thread():
    # `python -m lessons.X`: Ctrl-C while TensorFlow is still loading (a few seconds) ends the program
    # without a traceback; once the lesson starts, course.cli.lesson_main handles Ctrl-C itself.
    _signal.signal(_signal.SIGINT, _leave_quietly)
