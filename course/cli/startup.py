"""What a lesson or the ``course`` command does first, before any other import: a Ctrl-C while Python is still
loading ends quietly, printing a path it cannot encode never fails, and Keras runs on TensorFlow.

    from course.cli import startup; startup.prepare()      # the first line of course/cli/__init__.py
"""
from __future__ import annotations

import os
import signal
import sys
import threading

from course.checks import tensorflow_backend


def _exit_130(signum, frame):
    raise SystemExit(130)


def command_line() -> bool:
    """Whether this process is a lesson (``python -m lessons.X``) or the ``course`` command, not a program or a
    notebook that imports the course (whose Ctrl-C and streams are their own)."""
    if sys.argv[:1] == ["-m"]:      # `python -m lessons.X` while it imports the package lessons (which imports us)
        return True
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    name = getattr(spec, "name", "") or ""
    return name.startswith("lessons.") or name in ("course", "course.__main__") or \
        os.path.basename(sys.argv[0] if sys.argv else "") == "course"


def prepare() -> None:
    """For a lesson or the ``course`` command only: Ctrl-C exits with 130 and no traceback until the command
    takes it over; standard output and error write what they cannot encode as escapes (a path with an accent
    under PYTHONIOENCODING=ascii); KERAS_BACKEND, if set to another backend, is set back to tensorflow, with a
    note on standard error."""
    if not command_line():
        return
    # (also when the shell started us with SIGINT ignored, as it starts `&` jobs: the lesson honours Ctrl-C then too)
    if threading.current_thread() is threading.main_thread() and \
            signal.getsignal(signal.SIGINT) in (signal.default_int_handler, signal.SIG_IGN, signal.SIG_DFL):
        signal.signal(signal.SIGINT, _exit_130)
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):        # a stream that cannot be reconfigured: leave it as it is
                pass
    if "keras" not in sys.modules and (note := tensorflow_backend(os.environ, False)):
        try:
            print(f"Note: {note}.", file=sys.stderr, flush=True)
        except (OSError, ValueError, AttributeError):
            pass
