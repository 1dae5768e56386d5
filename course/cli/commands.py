"""The ``course`` command.

    course list                      # the lessons and their goals
    course run day2_mlp --epochs 5   # same as: python -m lessons.day2_mlp --epochs 5
    course tensorboard               # TensorBoard on http://127.0.0.1:6006: the most recent lesson in logs/
    course info                      # versions and devices
    course exercises init            # the exercises into ./course-exercises; then course check, course hint
    course grade DIR...              # a teacher's grades of many workspaces: grades.csv, feedback, a table
    course notebooks [DIR]           # the lessons and exercises as Jupyter notebooks into ./course-notebooks

Bad input exits with status 2 and one line that says what was wrong; nothing is written.
TensorFlow is only imported by the commands that need it, so ``course list`` and ``course --help``
are instant (a lesson's own ``--help`` imports the lesson, and with it TensorFlow: a few seconds).
"""
from __future__ import annotations

import argparse
import os
import runpy
import signal
import sys
import threading
from pathlib import Path

from course.cli import board, drill, grading, notebooks
from course.cli.flags import OneLineParser, positive_int
from course.cli.lessons import LESSONS, lesson_goal


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
    # As `python -m lessons.X` runs it: its flags are checked and its title printed before TensorFlow loads.
    saved = sys.argv
    sys.argv = [f"course run {args.lesson}", *args.flags]
    try:
        runpy.run_module(f"lessons.{args.lesson}", run_name="__main__", alter_sys=False)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    finally:
        sys.argv = saved
    return 0


def _cmd_tensorboard(args, parser) -> int:
    logdir = Path(args.logdir)
    if logdir.exists() and not logdir.is_dir():
        parser.error(f"--logdir {str(logdir)!r} is a file, not a directory of runs")
    if not logdir.is_dir():
        parser.error(f"no log directory {str(logdir)!r} yet: run a lesson first, e.g. course run day1_perceptron")
    try:
        warning = board.check_host(args.host)
    except ValueError as err:
        parser.error(str(err))
    selection = board.select(logdir, everything=args.all)
    if not selection.runs:
        parser.error(f"no runs in {str(logdir)!r} yet: run a lesson first, e.g. course run day1_perceptron")
    import tempfile
    import time

    from course.core.runtime import filtered_stderr
    served = tempfile.TemporaryDirectory(prefix="course-tensorboard-")
    paths = board.prepare(selection, served.name)
    with filtered_stderr():
        from tensorboard import program
        tensorboard = program.TensorBoard()
        tensorboard.configure(argv=[None, "--logdir", served.name, "--host", args.host, "--port", str(args.port),
                                    "--load_fast", "false",    # the Python loader: no "experimental" notice
                                    # keep every picture and histogram of a run, not a sample (--log-every-step
                                    # writes one at step 0 and after each of up to 2,000 steps), every trace text
                                    "--samples_per_plugin", "images=2001,histograms=2001,text=200",
                                    # runs written by older versions hold two growing files in train/
                                    "--reload_multifile", "true"])
        try:
            url = tensorboard.launch()
        except (Exception, SystemExit) as err:  # port taken, an address it cannot bind: TensorBoard's words, one line
            served.cleanup()
            parser.error(f"TensorBoard could not start: {' '.join(str(err).split()) or 'see the message above'}")
    if warning:
        print(warning, flush=True)
    print("\n".join(board.report(selection, paths, url)))
    sys.stdout.flush()
    if threading.current_thread() is threading.main_thread():
        # Ctrl-C must stop it even if the parent shell started us with SIGINT ignored (a `&` job); SIGTERM too
        # stops it the same way, so that its directory of links is removed.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        while True:
            time.sleep(10)
            try:
                board.refresh(selection, served.name, paths)    # a run written since: served too
            except OSError:                                     # a run deleted meanwhile: the rest stay served
                pass
    except KeyboardInterrupt:
        print("\nTensorBoard stopped.")
    finally:
        served.cleanup()
    return 0


def _cmd_info(args) -> int:
    import platform

    import matplotlib
    import numpy
    import sklearn
    import tensorboard

    from course.core.runtime import keras, tf
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
    serve = sub.add_parser("tensorboard", help="start TensorBoard on 127.0.0.1 over the logs",
                           description="TensorBoard over the course's runs: the most recent lesson alone (its 40 "
                                       "most recent TensorBoard runs at most), each run by its own name.")
    serve.add_argument("--logdir", default="logs", help="directory of runs, or one lesson's (default: logs)")
    serve.add_argument("--all", action="store_true", help="serve every run of --logdir, of every lesson")
    serve.add_argument("--port", type=positive_int, default=6006, help="port (default: 6006)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to bind; 0.0.0.0 exposes it to your network (default: 127.0.0.1)")
    sub.add_parser("info", help="versions of TensorFlow, Keras, TensorBoard and the devices found")
    drill.add_commands(sub)
    grading.add_command(sub)
    notebooks.add_command(sub)
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
    if args.command == "run":
        return _cmd_run(args, parser)
    if args.command == "tensorboard":
        return _cmd_tensorboard(args, parser)
    command = {"list": lambda: _cmd_list(args), "info": lambda: _cmd_info(args),
               "exercises": lambda: drill.cmd_exercises(args, parser), "check": lambda: drill.cmd_check(args, parser),
               "hint": lambda: drill.cmd_hint(args, parser),
               "grade": lambda: grading.cmd_grade(args, parser),
               "notebooks": lambda: notebooks.cmd_notebooks(args, parser)}[args.command]
    try:
        code = command()
        if sys.stdout is not None:       # closed (`>&-`): the exercise commands said so with their status
            sys.stdout.flush()
        return code
    except BrokenPipeError:              # `course list | head`: the reader left
        sys.stdout = open(os.devnull, "w")
        return 141


if __name__ == "__main__":
    sys.exit(main())
