"""How the exercise commands end, whatever happens: the lessons' conventions (``course.cli.lessons``).

    @guarded
    def cmd_check(args, parser) -> int: ...

Ctrl-C prints one line and exits 130, SIGTERM 143; a standard output that is closed (``>&-``) or full
(``> /dev/full``) ends quietly with 120, a reader that left (``| head``) with 141. Never a traceback.
A learner's text printed here (their line in a verdict) cannot fail on an encoding: what the terminal
cannot show is escaped.
"""
from __future__ import annotations

import functools
import os
import signal
import sys
import threading

from course.engine.signals import Terminated, raise_terminated


def say(line: str) -> None:
    """One line on standard error (nothing if it is closed too)."""
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError, AttributeError):
        pass


class OutputFailed(OSError):
    """Writing to standard output failed (closed under us, full, a reader that left): the command ends quietly."""


class _Watched:
    """Standard output, whose write errors become OutputFailed: told apart from the errors of anything else."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        try:
            return self.stream.write(text)
        except (OSError, ValueError) as err:
            raise OutputFailed(getattr(err, "errno", None), str(err)) from err

    def flush(self):
        try:
            self.stream.flush()
        except (OSError, ValueError) as err:
            raise OutputFailed(getattr(err, "errno", None), str(err)) from err

    def __getattr__(self, name):
        return getattr(self.stream, name)




def guarded(command):
    """``command(args, parser) -> int`` with the endings of the module's docstring."""
    @functools.wraps(command)
    def run(args, parser) -> int:
        if sys.stdout is None:                     # started with standard output closed: nothing to show
            return 120
        if hasattr(sys.stdout, "reconfigure"):
            try:
                sys.stdout.reconfigure(errors="backslashreplace")
            except (OSError, ValueError):
                pass
        real, handlers = sys.stdout, {}
        sys.stdout = _Watched(real)
        if threading.current_thread() is threading.main_thread():
            # Ctrl-C must raise KeyboardInterrupt even if the shell started us with SIGINT ignored (a `&` job).
            handlers = {signal.SIGINT: signal.signal(signal.SIGINT, signal.default_int_handler),
                        signal.SIGTERM: signal.signal(signal.SIGTERM, raise_terminated)}
        try:
            code = command(args, parser)
            sys.stdout.flush()
            return code
        except KeyboardInterrupt as interrupt:
            by = "SIGTERM" if isinstance(interrupt, Terminated) else "Ctrl-C"
            try:
                sys.stdout.flush()
            except OSError:
                real = None
            say(f"Stopped by {by}: nothing was left half written.")
            return 143 if isinstance(interrupt, Terminated) else 130
        except OutputFailed as failed:
            real = None
            return 141 if isinstance(failed.__cause__, BrokenPipeError) else 120
        finally:
            sys.stdout = real if real is not None else open(os.devnull, "w")
            for sig, previous in handlers.items():
                signal.signal(sig, previous)
    return run
