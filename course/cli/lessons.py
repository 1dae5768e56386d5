"""Running a lesson: its registry, its goal read without importing it, and ``lesson_main``, what every
lesson's ``main`` calls (flags, Ctrl-C and SIGTERM, a closed pipe, the footer with the TensorBoard command).

    def main(argv=None, prog=None) -> int:
        return cli.lesson_main(run, LESSON, __doc__, argv, defaults=DEFAULTS, datasets=DATASETS, prog=prog)
"""
from __future__ import annotations

import ast
import errno
import importlib.util
import os
import shlex
import signal
import sys
import textwrap
import threading
from pathlib import Path

from course.cli.flags import lesson_parser, optimizer_in, parse_config
from course.checks import check_choice
from course.core.config import ConfigError
from course.engine.signals import Terminated, raise_terminated
from course.numbers import WIDTH

LOADING = "(loading TensorFlow: a few seconds)\n"     # printed while it loads, after the title

# The lesson registry: module names only (course never imports lessons at import time).
LESSONS = ("day1_perceptron", "day2_mlp", "day3_weights_bias", "day4_activations", "day5_softmax",
           "day6_backprop", "day7_gradient_descent", "day8_optimizers", "day9_network_types",
           "day10_distributed")


def lesson_doc(name: str) -> str:
    """A lesson's module docstring, read from its source without importing it (no TensorFlow)."""
    check_choice("lesson", name, LESSONS)
    spec = importlib.util.find_spec(f"lessons.{name}")
    if spec is None or spec.origin is None:
        raise ValueError(f"lesson {name!r} is not installed")
    return ast.get_docstring(ast.parse(Path(spec.origin).read_text(encoding="utf-8"))) or ""


def lesson_goal(name: str) -> str:
    """The ``Goal:`` paragraph of a lesson's docstring, joined into one line."""
    paragraphs = lesson_doc(name).split("\n\n")
    for p in paragraphs:
        if p.strip().startswith("Goal:"):
            return " ".join(p.strip()[len("Goal:"):].split())
    return paragraphs[0].strip()


def practice_lines(lesson: str) -> list:
    """The closing lines that name the lesson's exercises, the math and the Keras side ([] for a lesson without any)."""
    from course.exercises import EXERCISES
    day = lesson.split("_")[0]
    ids = [eid for eid in EXERCISES if eid.split(".")[0] == day]
    if not ids:
        return []
    math = [eid for eid in ids if not EXERCISES[eid].tensorflow]
    keras = [eid for eid in ids if EXERCISES[eid].tensorflow]
    parts = [f"write this lesson's math yourself, and the course checks it: {', '.join(math)}"] if math else []
    parts += [f"{'and its' if math else 'write its'} Keras side, checked by running it: {', '.join(keras)}"] if keras \
        else []
    return [*textwrap.wrap("Practise: " + "; ".join(parts), width=WIDTH, subsequent_indent="  ", break_on_hyphens=False),
            f"  course exercises init   (once), then   course check {ids[0]}   (course hint {ids[0]} for a hint)"]


def print_footer(result, print_fn=print):
    """Where the runs are, the exact command to look at them, and the lesson's exercises."""
    print_fn("")
    print_fn("Runs written:")
    for run_dir in result.run_dirs:
        print_fn(f"  {run_dir}")
    logdir = shlex.quote(str(Path(result.logdir) / result.lesson))     # a path with spaces pastes as one argument
    print_fn("Look at them in TensorBoard (it prints the address to open, http://127.0.0.1:6006):")
    print_fn(f"  course tensorboard --logdir {logdir}")
    print_fn(f"  (or plain: tensorboard --logdir {logdir}   which keeps a sample of 10 pictures per tag)")
    practice = practice_lines(result.lesson)
    if practice:
        print_fn("")
        for line in practice:
            print_fn(line)


def _exit_130(signum, frame):
    raise SystemExit(130)


def quiet_ctrl_c_while_loading():
    """Until a lesson starts, Ctrl-C exits with 130 and no traceback (importing TensorFlow takes seconds).

    Returns the previous SIGINT handler (None off the main thread, where signals cannot be set).
    """
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGINT, _exit_130)


class Started:
    """A lesson whose flags are checked and whose title is printed: ``run`` it (after TensorFlow has loaded)."""

    def __init__(self, name, parser, config, extra, loading_handler=None):
        self.name, self.parser, self.config, self.extra = name, parser, config, extra
        self.loading_handler = loading_handler     # SIGINT's handler before the lesson started

    def run(self, run) -> int:
        """Run the lesson, print where its logs are; a fault ends in one line, never a traceback.

        Exit status: 0 done, 2 bad input (nothing written), 130 Ctrl-C, 143 SIGTERM (partial runs kept),
        74 a file that cannot be written (a full disk, ``ulimit -f``, a log directory deleted under the run),
        120 a closed or full standard output, 141 a reader that left (``| head``).
        """
        handlers = {}
        if threading.current_thread() is threading.main_thread():
            # Ctrl-C must raise KeyboardInterrupt even if the parent shell started us with SIGINT ignored.
            handlers = {signal.SIGINT: signal.signal(signal.SIGINT, signal.default_int_handler),
                        signal.SIGTERM: signal.signal(signal.SIGTERM, raise_terminated)}
        try:
            result = run(self.config, **self.extra)
            print_footer(result)
            sys.stdout.flush()           # a closed pipe shows up here, not as a message at exit
        except ConfigError as err:       # found before anything was trained or written
            self.parser.error(str(err))
        except BrokenPipeError:          # `python -m lessons.day1_perceptron | head`: the reader left
            return _silenced(141)
        except KeyboardInterrupt as interrupt:
            _say_on_stderr("Stopped by " + ("SIGTERM" if isinstance(interrupt, Terminated) else "Ctrl-C") +
                           ": what was logged so far stays readable in TensorBoard.")
            return 143 if isinstance(interrupt, Terminated) else 130
        except OSError as err:
            if not _stdout_works():      # `> /dev/full`, or standard output closed under us: end quietly
                return _silenced(120)
            where = err.filename or "a run file"
            if err.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
                what = ("a file reached the size limit of this shell (ulimit -f)" if err.errno == errno.EFBIG
                        else "the disk is full")
                _say_on_stderr(f"Stopped: {what}, writing {where}. The runs' files were "
                               "closed; what was logged before stays readable in TensorBoard. Free some space, or "
                               "use another --logdir.")
            else:                        # a directory deleted or made read-only under the run, ...
                _say_on_stderr(f"Stopped: {where} could not be written ({err.strerror or err}). Was the log "
                               "directory moved, deleted or made read-only while the lesson ran? Earlier runs are "
                               "untouched; run the lesson again.")
            return 74
        finally:
            for sig, previous in handlers.items():
                signal.signal(sig, previous)
            if self.loading_handler is not None:
                signal.signal(signal.SIGINT, self.loading_handler)
        return 0


def _stdout_works() -> bool:
    try:
        if sys.stdout is None:
            return False
        sys.stdout.flush()
        return True
    except (OSError, ValueError):
        return False


def _silenced(code: int) -> int:
    """No second error when Python flushes the broken standard output at exit."""
    sys.stdout = open(os.devnull, "w")
    return code


def _say_on_stderr(line: str) -> None:
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError, AttributeError):
        pass


def start(name, doc, defaults, datasets=(), argv=None, *, prog=None, options=None, lr_help="",
          check=None) -> Started:
    """Check the flags and print the lesson's title and goal, before TensorFlow loads (it takes seconds).

    A bad flag ends here: one line on stderr, exit status 2; ``--help`` prints and exits 0.
    ``options``: the lesson's own flags, ``{"--family": argparse keyword arguments}``; their values go to
    ``run`` as keyword arguments (``run(config, family="cnn")``). ``check(config)``: the lesson's own rule
    on the flags together (no TensorFlow); its ValueError is a flag error.

    Example (the top of a lesson, before its other imports):
        >>> if __name__ == "__main__":
        ...     started = cli.start(LESSON, __doc__, DEFAULTS, DATASETS)
    """
    if sys.stdout is None:           # started with standard output closed (`>&-`): nothing to show, end quietly
        raise SystemExit(120)
    goal = lesson_goal(name) if name in LESSONS else ""
    argv = sys.argv[1:] if argv is None else list(argv)
    if prog is None:
        launcher = sys.argv[0] if sys.argv else ""
        prog = launcher if launcher.startswith("course run") else f"python -m lessons.{name}"
    parser = lesson_parser(name, doc, defaults, datasets, prog, goal=goal, options=options,
                           optimizer=optimizer_in(argv), lr_help=lr_help)
    config, extra = parse_config(parser, argv, defaults, options or ())
    if check is not None:
        try:
            check(config)
        except ValueError as err:            # ConfigError is one
            parser.error(str(err))
    title = doc.strip().splitlines()[0] if doc.strip() else name
    try:
        print(title)
        if goal:
            print("\n".join(textwrap.wrap(f"Goal: {goal}", width=WIDTH, subsequent_indent="      ",
                                          break_on_hyphens=False)))
        print(LOADING if "tensorflow" not in sys.modules else "", flush=True)
    except BrokenPipeError:
        raise SystemExit(_silenced(141)) from None
    except OSError:
        raise SystemExit(_silenced(120)) from None
    return Started(name, parser, config, extra, quiet_ctrl_c_while_loading())


def lesson_main(run, name, doc, argv=None, *, defaults, datasets=(), prog=None, options=None, lr_help="",
                check=None) -> int:
    """``start`` then ``run``: what every lesson's ``main(argv)`` calls (tests and notebooks use it).

    Exit status: see ``Started.run``.
    """
    return start(name, doc, defaults, datasets, argv, prog=prog, options=options, lr_help=lr_help,
                 check=check).run(run)
