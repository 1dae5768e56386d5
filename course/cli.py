"""The ``course`` command and the argument parser every lesson shares.

    course list                      # the lessons and their goals
    course run day2_mlp --epochs 5   # same as: python -m lessons.day2_mlp --epochs 5
    course tensorboard               # TensorBoard on http://127.0.0.1:6006 over logs/
    course info                      # versions and devices

Bad input exits with status 2 and one line that says what was wrong; nothing is written.
TensorFlow is only imported by the commands that need it, so ``course list`` and ``course --help``
are instant (a lesson's own ``--help`` imports the lesson, and with it TensorFlow: a few seconds).
"""
from __future__ import annotations

import argparse
import ast
import importlib
import importlib.util
import math
import os
import signal
import sys
import threading
from pathlib import Path

from course.config import OPTIMIZERS, Config, ConfigError

# The lesson registry: module names only (course never imports lessons at import time).
LESSONS = ("day1_perceptron", "day2_mlp", "day3_weights_bias", "day4_activations", "day5_softmax",
           "day6_backprop", "day7_gradient_descent", "day8_optimizers", "day9_network_types",
           "day10_distributed")


# --- argument types: each returns the value or raises with a message a learner can act on --------

def _int_at_least(minimum: int, expected: str):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(f"must be {expected}, got {text!r}")
        return value
    parse.__name__ = expected
    return parse


positive_int = _int_at_least(1, "a positive integer")
non_negative_int = _int_at_least(0, "a non-negative integer")


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text!r}")
    return value


class OneLineParser(argparse.ArgumentParser):
    """argparse, but an error is one line on stderr (no usage block) and exit status 2."""

    def error(self, message):
        message = " ".join(str(message).splitlines())      # one line, even for a value with a newline in it
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


# --- lessons --------------------------------------------------------------------------------

def lesson_doc(name: str) -> str:
    """A lesson's module docstring, read from its source without importing it (no TensorFlow)."""
    spec = importlib.util.find_spec(f"lessons.{name}")
    if spec is None or spec.origin is None:
        raise ValueError(f"lesson must be one of {', '.join(LESSONS)}; got {name!r}")
    return ast.get_docstring(ast.parse(Path(spec.origin).read_text(encoding="utf-8"))) or ""


def lesson_goal(name: str) -> str:
    """The ``Goal:`` paragraph of a lesson's docstring, joined into one line."""
    paragraphs = lesson_doc(name).split("\n\n")
    for p in paragraphs:
        if p.strip().startswith("Goal:"):
            return " ".join(p.strip()[len("Goal:"):].split())
    return paragraphs[0].strip()


def lesson_parser(name: str, doc: str, defaults: Config, datasets=(), prog=None) -> OneLineParser:
    """The shared flags, with the lesson's own defaults shown in ``--help``."""
    title = doc.strip().splitlines()[0] if doc.strip() else name
    notes = [" ".join(p.split()) for p in doc.split("\n\n") if p.strip().startswith("Note:")]
    description = f"{title}\n\nGoal: {lesson_goal(name)}" if name in LESSONS else title
    parser = OneLineParser(
        prog=prog or f"python -m lessons.{name}",
        description="\n\n".join([description, *notes]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Every run writes a new directory under LOGDIR/" + name + "/ and prints the "
               "`tensorboard --logdir ...` command to look at it.")
    add = parser.add_argument
    add("--epochs", type=positive_int, default=defaults.epochs, metavar="N",
        help=f"passes over the training data (default: {defaults.epochs})")
    add("--learning-rate", "--lr", dest="learning_rate", type=positive_float, default=defaults.learning_rate,
        metavar="LR", help=f"step size lr in w <- w - lr * dL/dw (default: {defaults.learning_rate:g})")
    add("--batch-size", type=positive_int, default=defaults.batch_size, metavar="B",
        help=f"examples per update step; the data size = full-batch descent (default: {defaults.batch_size})")
    add("--optimizer", choices=OPTIMIZERS, default=defaults.optimizer,
        help=f"how gradients become updates: sgd, momentum (SGD with 0.9), rmsprop, adam "
             f"(default: {defaults.optimizer})")
    add("--seed", type=non_negative_int, default=defaults.seed, metavar="S",
        help=f"seeds data splits, initial weights and shuffling; same seed, same numbers "
             f"(default: {defaults.seed})")
    add("--logdir", default=defaults.logdir, metavar="DIR",
        help=f"TensorBoard root directory (default: {defaults.logdir})")
    add("--trace-steps", type=non_negative_int, default=defaults.trace_steps, metavar="K",
        help=f"print the first K update steps with their numbers, 0 for none (default: {defaults.trace_steps})")
    add("--eager", action="store_true",
        help="run the training step eagerly (plain Python, easy to debug) instead of as a compiled tf.function")
    if datasets:
        add("--dataset", choices=datasets, default=defaults.dataset or datasets[0],
            help=f"which data to train on (default: {defaults.dataset or datasets[0]})")
    add("--quiet", action="store_true", help="print only the results: no per-step or per-epoch lines")
    add("--log-every-step", action="store_true",
        help="TensorBoard histograms and pictures after every update step instead of a few per run "
             "(tiny runs: at most 1,000 parameters and 2,000 steps; every step then runs on its own)")
    return parser


def parse_lesson_args(name, doc, argv, defaults: Config, datasets=(), prog=None) -> Config:
    """Parse ``argv`` into a Config; on bad input print one line and exit 2 before anything is written."""
    return _parse(lesson_parser(name, doc, defaults, datasets, prog), argv, defaults)


def _parse(parser, argv, defaults):
    args = parser.parse_args(argv)
    try:
        config = defaults.replace(**vars(args))
        from course.runs import check_logdir
        check_logdir(config.logdir)
    except ValueError as err:
        parser.error(str(err))
    return config


def print_footer(result, print_fn=print):
    """Where the runs are and the exact command to look at them."""
    print_fn("")
    print_fn("Runs written:")
    for run_dir in result.run_dirs:
        print_fn(f"  {run_dir}")
    logdir = Path(result.logdir) / result.lesson
    print_fn("Look at them in TensorBoard, then open http://127.0.0.1:6006 :")
    print_fn(f"  tensorboard --logdir {logdir}")
    print_fn(f"  (or: course tensorboard --logdir {logdir}   which hides TensorFlow's start-up notices)")


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so the same clean-up runs (writers flushed and closed)."""


def _raise_terminated(signum, frame):
    raise Terminated()


def _exit_130(signum, frame):
    raise SystemExit(130)


def quiet_ctrl_c_while_loading():
    """Until a lesson starts, Ctrl-C exits with 130 and no traceback (importing TensorFlow takes seconds).

    Returns the previous SIGINT handler (None off the main thread, where signals cannot be set).
    """
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGINT, _exit_130)


def lesson_main(run, name, doc, argv=None, *, defaults: Config, datasets=(), prog=None) -> int:
    """Parse flags, run the lesson, print where its logs are. What every lesson's ``main`` calls.

    Exit status: 0 done, 2 bad input (nothing written), 130 Ctrl-C, 143 SIGTERM (partial runs kept).
    """
    parser = lesson_parser(name, doc, defaults, datasets, prog)
    config = _parse(parser, argv, defaults)
    handlers = {}
    if threading.current_thread() is threading.main_thread():
        # Ctrl-C must raise KeyboardInterrupt even if the parent shell started us with SIGINT ignored.
        handlers = {signal.SIGINT: signal.signal(signal.SIGINT, signal.default_int_handler),
                    signal.SIGTERM: signal.signal(signal.SIGTERM, _raise_terminated)}
    try:
        result = run(config)
        print_footer(result)
        sys.stdout.flush()           # a closed pipe shows up here, not as a message at exit
    except ConfigError as err:       # found before anything was trained or written
        parser.error(str(err))
    except BrokenPipeError:          # `python -m lessons.day1_perceptron | head`: the reader left
        sys.stdout = open(os.devnull, "w")   # no second error when Python flushes stdout at exit
        return 141
    except KeyboardInterrupt as interrupt:
        print("Stopped by " + ("SIGTERM" if isinstance(interrupt, Terminated) else "Ctrl-C") +
              ": what was logged so far stays readable in TensorBoard.", file=sys.stderr)
        return 143 if isinstance(interrupt, Terminated) else 130
    finally:
        for sig, previous in handlers.items():
            signal.signal(sig, previous)
    return 0


# --- the `course` command -------------------------------------------------------------------

def _cmd_list(args) -> int:
    import textwrap
    width = max(len(n) for n in LESSONS)
    for name in LESSONS:   # each goal wrapped beside its name, a blank line between lessons
        lines = textwrap.wrap(lesson_goal(name), width=max(40, 98 - width))
        print(f"{name:<{width}}  {lines[0]}")
        for line in lines[1:]:
            print(f"{'':<{width}}  {line}")
        print()
    print("Run one with: course run NAME   (or python -m lessons.NAME); add --help for its flags")
    return 0


def _cmd_run(args, parser) -> int:
    if args.lesson in (None, "-h", "--help"):
        print(f"usage: course run LESSON [flags]\n\nLESSON is one of: {', '.join(LESSONS)}\n"
              "Its flags: course run LESSON --help", file=sys.stdout if args.lesson else sys.stderr)
        return 0 if args.lesson else 2
    if args.lesson not in LESSONS:
        parser.error(f"unknown lesson {args.lesson!r}; choose from {', '.join(LESSONS)}")
    previous = quiet_ctrl_c_while_loading()
    try:
        module = importlib.import_module(f"lessons.{args.lesson}")
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    return module.main(args.flags, prog=f"course run {args.lesson}")


def _cmd_tensorboard(args, parser) -> int:
    logdir = Path(args.logdir)
    if not logdir.is_dir():
        parser.error(f"no log directory {str(logdir)!r} yet: run a lesson first (course run day1_perceptron)")
    from course.runtime import filtered_stderr
    import time
    with filtered_stderr():
        from tensorboard import program
        board = program.TensorBoard()
        board.configure(argv=[None, "--logdir", str(logdir), "--host", args.host, "--port", str(args.port),
                               "--load_fast", "false",    # the Python loader: no "experimental" notice
                               # keep every picture and histogram of a run, not a sample (--log-every-step
                               # writes one at step 0 and after each of up to 2,000 steps), every trace text
                               "--samples_per_plugin", "images=2001,histograms=2001,text=200",
                               # runs written by older versions hold two growing files in train/
                               "--reload_multifile", "true"])
        try:
            url = board.launch()
        except Exception as err:  # port taken, bad host: TensorBoard's own message, one line
            parser.error(f"TensorBoard could not start: {err}")
    print(f"TensorBoard is serving {logdir} at {url}  (press Ctrl-C to stop)", flush=True)
    if threading.current_thread() is threading.main_thread():
        # Ctrl-C must stop it even if the parent shell started us with SIGINT ignored (a `&` job).
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("\nTensorBoard stopped.")
    return 0


def _cmd_info(args) -> int:
    import platform

    import matplotlib
    import numpy
    import sklearn
    import tensorboard

    from course.runtime import keras, tf
    print(f"python       {platform.python_version()}")
    print(f"tensorflow   {tf.__version__}")
    print(f"keras        {keras.__version__}")
    print(f"tensorboard  {tensorboard.__version__}")
    print(f"numpy        {numpy.__version__}")
    print(f"scikit-learn {sklearn.__version__}")
    print(f"matplotlib   {matplotlib.__version__}")
    for kind in ("CPU", "GPU"):
        devices = tf.config.list_physical_devices(kind)
        print(f"{kind} devices  {', '.join(d.name for d in devices) if devices else 'none'}")
    return 0


def build_parser() -> OneLineParser:
    parser = OneLineParser(prog="course", description="A hands-on deep-learning course: see a network learn, "
                                                      "one update step at a time.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    sub.add_parser("list", help="list the lessons and their goals")
    run = sub.add_parser("run", help="run a lesson: course run LESSON [flags]", add_help=False,
                         description="Run a lesson; flags after the name go to the lesson (try --help).")
    run.add_argument("lesson", nargs="?", help=f"one of {', '.join(LESSONS)}")
    run.add_argument("flags", nargs=argparse.REMAINDER, help="the lesson's flags")
    board = sub.add_parser("tensorboard", help="start TensorBoard on 127.0.0.1 over the logs")
    board.add_argument("--logdir", default="logs", help="directory of runs (default: logs)")
    board.add_argument("--port", type=positive_int, default=6006, help="port (default: 6006)")
    board.add_argument("--host", default="127.0.0.1",
                       help="address to bind; 0.0.0.0 exposes it to your network (default: 127.0.0.1)")
    sub.add_parser("info", help="versions of TensorFlow, Keras, TensorBoard and the devices found")
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["run"] and argv[1:2] in (["-h"], ["--help"]):   # help for `run` itself
        return _cmd_run(argparse.Namespace(lesson="--help", flags=[]), parser)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if args.command == "list":
        try:
            code = _cmd_list(args)
            sys.stdout.flush()
            return code
        except BrokenPipeError:              # `course list | head`: the reader left
            sys.stdout = open(os.devnull, "w")
            return 141
    if args.command == "run":
        return _cmd_run(args, parser)
    if args.command == "tensorboard":
        return _cmd_tensorboard(args, parser)
    return _cmd_info(args)


if __name__ == "__main__":
    sys.exit(main())
