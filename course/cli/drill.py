"""The exercise commands: ``course exercises init|list``, ``course check``, ``course hint``.

    course exercises init [DIR]       # the starters into DIR (default ./course-exercises); never overwrites
    course check [EXERCISE]           # every exercise, or one; --watch re-checks on save; --train trains
    course hint EXERCISE              # one more hint each time

The learner's code runs in a worker process (``course.exercises.checker``); this process keeps the
verdicts, the exit status and every write to the workspace. Exit status (``EXIT``): 0 when what was
checked passes, 1 when something fails, 2 for a usage error, 130 Ctrl-C, 143 SIGTERM, 74 a full disk or a
file-size limit, 120 a standard output that is closed or full, 141 a reader that left (``| head``).
Nothing here imports TensorFlow (``--train`` loads it in the worker).
"""
from __future__ import annotations

import difflib
import os
import sys
from pathlib import Path

from course.cli.guard import guarded, say
from course.engine.signals import Terminated

WORKSPACE_HELP = "the workspace: the current directory, else ./course-exercises (default), or DIR"
EXIT = "Exit status: 0 all that was checked passes, 1 something fails, 2 a usage error, 130 Ctrl-C."


def add_commands(sub) -> None:
    """The subcommands, on the ``course`` parser's subparsers."""
    exercises = sub.add_parser("exercises", help="make a workspace of exercises, or list them with their status",
                               description="Exercises of Days 1-10: you write the math, the GradientTape step, "
                                           "the loop and its logging; the course checks them.")
    actions = exercises.add_subparsers(dest="action", metavar="ACTION", parser_class=type(exercises))
    init = actions.add_parser("init", help="write the starters into DIR (default ./course-exercises); in a "
                                           "workspace of an earlier version, add the ones it lacks")
    init.add_argument("dir", nargs="?", default="course-exercises", metavar="DIR")
    listing = actions.add_parser("list", help="every exercise with its status, and your progress")
    listing.add_argument("--dir", metavar="DIR", help=WORKSPACE_HELP)
    check = sub.add_parser("check", help="check your exercises (all, or one): a verdict and what is wrong",
                           description="Check your exercises against the course's oracles; your code runs in a "
                                       "separate process, stopped after 2 s. " + EXIT)
    check.add_argument("exercise", nargs="?", metavar="EXERCISE", help="e.g. day3.sgd_step (default: all)")
    check.add_argument("--dir", metavar="DIR", help=WORKSPACE_HELP)
    check.add_argument("--watch", action="store_true", help="check again each time you save a file (Ctrl-C stops)")
    check.add_argument("--train", action="store_true",
                       help="once EXERCISE passes, train the lesson's Keras model with your function and log it "
                            "to TensorBoard beside the course's own run (update rules, gradients, the training step, "
                            "the epoch loops)")
    check.add_argument("--logdir", default="logs", metavar="DIR", help="TensorBoard root for --train (default: logs)")
    hint = sub.add_parser("hint", help="one more hint for an exercise each time you ask")
    hint.add_argument("exercise", metavar="EXERCISE")
    hint.add_argument("--dir", metavar="DIR", help=WORKSPACE_HELP)


def _exercise_id(parser, name):
    from course.exercises import EXERCISES
    if name in EXERCISES:
        return name
    close = difflib.get_close_matches(name or "", list(EXERCISES), n=1)
    parser.error(f"no exercise {name!r}" + (f"; did you mean {close[0]}?" if close else "") +
                 " (course exercises list shows them all)")


def _workspace(parser, directory):
    from course.exercises.workspace import Workspace, WorkspaceError
    try:
        return Workspace.find(directory)
    except WorkspaceError as err:
        parser.error(str(err))


def _progress(ws, results) -> str:
    done = sum(r.passed for r in results.values())
    todo = [eid for eid, r in results.items() if not r.passed]
    line = f"{done} of {len(results)} done."
    return line + (f" Next: {todo[0]}, in {ws.shown_path(todo[0])}" if todo else " Every exercise passes: well done.")


def _notes(ws, said) -> None:
    """The workspace's warnings (stderr) and notes (what could not be saved), each said once."""
    for line in ws.warnings:
        if line not in said:
            say(line)
            said.add(line)
    for line in ws.notes:
        if line not in said:
            print(line)
            said.add(line)


@guarded
def cmd_exercises(args, parser) -> int:
    from course.exercises.workspace import Workspace, WorkspaceError
    if args.action == "init":
        try:
            ws = Workspace.init(args.dir)
        except WorkspaceError as err:
            if err.status != 2:
                say(f"Stopped: {err}")
                return err.status
            parser.error(str(err))
        from course.exercises import EXERCISES
        if len(ws.added) == len(EXERCISES):
            print(f"{len(EXERCISES)} exercises written to {ws.shown}/ (day1/ ... day10/, one file each).")
        elif ws.added:
            from course.numbers import count
            print(f"{ws.shown}/ was made by an earlier version of the course: {count(len(ws.added), 'new exercise')} "
                  f"added ({', '.join(ws.added)}); your files are as they were.")
        else:
            print(f"{ws.shown}/ is up to date: it has all {len(EXERCISES)} exercises, and nothing was changed.")
        print("Write a function's body, then: course check   (or course check --watch, and course hint EXERCISE)")
        return 0
    if args.action == "list":
        from course.exercises.checker import Checker
        ws = _workspace(parser, args.dir)
        with Checker() as checker:
            results = ws.check_all(checker)
        width = max(len(eid) for eid in results)
        for eid, result in results.items():
            print(f"{'done' if result.passed else 'not yet':<8} {eid:<{width}}  {result.exercise.title}")
        print(_progress(ws, results))
        _notes(ws, set())
        return 0
    parser.error("say what to do: course exercises init [DIR] | course exercises list")


@guarded
def cmd_check(args, parser) -> int:
    ws = _workspace(parser, args.dir)
    ids = [_exercise_id(parser, args.exercise)] if args.exercise else None
    if args.train:
        _train_usage(args, parser)
    from course.exercises.checker import Checker
    with Checker() as checker:
        checker.process.start()          # the worker starts while this process reads the files
        said = set()
        results = _check(ws, checker, ids, said)
        if args.train:
            return _train(args, ws, checker, results[ids[0]])
        if args.watch:
            return _watch(ws, checker, ids, results, said)
    return 0 if all(r.passed for r in results.values()) else 1


def _check(ws, checker, ids, said) -> dict:
    """Check ``ids`` (None: every exercise) and print the verdicts; one exercise gets its whole verdict."""
    results = ws.check_all(checker, ids)
    for eid, result in results.items():
        if ids is None and result.status == "passed":
            print(f"ok      {eid}")
        elif ids is None and result.status == "not implemented":
            print(f"not yet {eid}: " + ("not implemented yet" if result.diagnosis == "not_implemented" else
                                        result.summary))
        else:
            print(result.report(str(ws.shown_path(eid))))
        if ids is not None and result.passed:
            if ws.solution_saved(eid):
                print(f"        the course's solution, to compare with yours: {ws.solution_path(eid)}")
            if result.exercise.train:
                print(f"        train the lesson's Keras model with your function: course check {eid} --train")
    if ids is None:
        print(_progress(ws, results))
    _notes(ws, said)
    sys.stdout.flush()
    return results


def _watch(ws, checker, ids, results, said) -> int:
    """Check again whatever is saved, until Ctrl-C; after each save the verdict, then the progress."""
    from course.exercises import EXERCISES
    everything = {**ws.check_all(checker, [eid for eid in EXERCISES if eid not in results]), **results}
    everything = {eid: everything[eid] for eid in EXERCISES}

    def started():
        print(f"Watching {ws.shown}/ : save a file to check it again (Ctrl-C to stop).", flush=True)

    def changed(exercise_ids):
        wanted = [eid for eid in exercise_ids if ids is None or eid in ids]
        if wanted:
            everything.update(_check(ws, checker, wanted, said))
            print(_progress(ws, everything), flush=True)

    try:
        ws.watch(changed, on_start=started)
    except Terminated:                   # SIGTERM is not how a learner stops watching: the guard says 143
        raise
    except KeyboardInterrupt:
        print("\nStopped watching.")
    return 0


def _train_usage(args, parser) -> None:
    from course.exercises import EXERCISES
    if not args.exercise:
        parser.error("--train trains one exercise: course check EXERCISE --train")
    if not EXERCISES[args.exercise].train:
        trainable = [eid for eid, e in EXERCISES.items() if e.train]
        parser.error(f"{args.exercise} does not train a model; --train takes {', '.join(trainable)}")
    from course.runs.dirs import check_logdir
    try:
        check_logdir(args.logdir)
    except ValueError as err:
        parser.error(str(err))


def _train(args, ws, checker, result) -> int:
    if not result.passed:
        print("Training starts once it passes: nothing was trained.")
        return 1
    from course.exercises.checker import read_source
    from course.exercises.supervised import train
    source = read_source(result.exercise, ws.path(result.exercise.id))
    if not isinstance(source, bytes):
        print(source.report(str(ws.shown_path(result.exercise.id))))
        return 1
    print("\nTraining with your function (TensorFlow loads in the process that runs your code) ...", flush=True)
    code = train(checker.process, result.exercise, ws.path(result.exercise.id), source,
                 logdir=os.path.abspath(args.logdir), print_fn=lambda text="": print(text, flush=True),
                 shown_logdir=str(Path(args.logdir) / "exercises"))
    return code


@guarded
def cmd_hint(args, parser) -> int:
    ws = _workspace(parser, args.dir)
    eid = _exercise_id(parser, args.exercise)
    k, n, text = ws.next_hint(eid)
    print(f"Hint {k} of {n} for {eid}: {text}")
    if k == n and n > 1:
        print("(that is the last hint: it leads to the formula; the docstring's example is worth a second look)")
    _notes(ws, set())
    return 0
