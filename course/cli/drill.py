"""The exercise commands: ``course exercises init|list``, ``course check``, ``course hint``.

    course exercises init [DIR]       # the starters into DIR (default ./course-exercises); never overwrites
    course check [EXERCISE]           # every exercise, or one; --watch re-checks on save; --train trains
    course hint EXERCISE              # one more hint each time

Exit status: 0 when what was checked passes, 1 when something fails, 2 for a usage error. Nothing here
imports TensorFlow, except ``--train``.
"""
from __future__ import annotations

import difflib
import sys

import numpy as np

WORKSPACE_HELP = "the workspace: the current directory, else ./course-exercises (default), or DIR"


def add_commands(sub) -> None:
    """The subcommands, on the ``course`` parser's subparsers."""
    exercises = sub.add_parser("exercises", help="make a workspace of exercises, or list them with their status",
                               description="Exercises of Days 1-8: you write the math, the course checks it.")
    actions = exercises.add_subparsers(dest="action", metavar="ACTION", parser_class=type(exercises))
    init = actions.add_parser("init", help="copy the starters into DIR (default ./course-exercises)")
    init.add_argument("dir", nargs="?", default="course-exercises", metavar="DIR")
    listing = actions.add_parser("list", help="every exercise with its status, and your progress")
    listing.add_argument("--dir", metavar="DIR", help=WORKSPACE_HELP)
    check = sub.add_parser("check", help="check your exercises (all, or one): a verdict and what is wrong",
                           description="Check your exercises against the course's oracles. Exit status: 0 when "
                                       "all that was checked passes, 1 when something fails, 2 for a usage error.")
    check.add_argument("exercise", nargs="?", metavar="EXERCISE", help="e.g. day3.sgd_step (default: all)")
    check.add_argument("--dir", metavar="DIR", help=WORKSPACE_HELP)
    check.add_argument("--watch", action="store_true", help="check again each time you save a file (Ctrl-C stops)")
    check.add_argument("--train", action="store_true",
                       help="once EXERCISE passes, train the lesson's Keras model with your function and log it "
                            "to TensorBoard beside the course's own rule (update-rule and gradient exercises)")
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
    return line + (f" Next: {todo[0]}, in {ws.path(todo[0])}" if todo else " Every exercise passes: well done.")


def cmd_exercises(args, parser) -> int:
    from course.exercises.workspace import Workspace, WorkspaceError
    if args.action == "init":
        try:
            ws = Workspace.init(args.dir)
        except WorkspaceError as err:
            parser.error(str(err))
        from course.exercises import EXERCISES
        print(f"{len(EXERCISES)} exercises written to {ws.root}/ (day1/ ... day8/, one file each).")
        print("Write a function's body, then: course check   (or course check --watch, and course hint EXERCISE)")
        return 0
    if args.action == "list":
        ws = _workspace(parser, args.dir)
        results = ws.check_all()
        width = max(len(eid) for eid in results)
        for eid, result in results.items():
            status = "done" if result.passed else "not yet"
            print(f"{status:<8} {eid:<{width}}  {result.exercise.title}")
        print(_progress(ws, results))
        return 0
    parser.error("say what to do: course exercises init [DIR] | course exercises list")


def cmd_check(args, parser) -> int:
    ws = _workspace(parser, args.dir)
    ids = [_exercise_id(parser, args.exercise)] if args.exercise else None
    if args.train:
        return _train(args, parser, ws)
    results = _check(ws, ids)
    if args.watch:
        return _watch(ws, ids)
    return 0 if all(r.passed for r in results.values()) else 1


def _check(ws, ids) -> dict:
    """Check ``ids`` (None: every exercise) and print the verdicts; one exercise gets its whole verdict."""
    from course.exercises import EXERCISES
    results = {eid: ws.check(eid) for eid in (ids or EXERCISES)}
    for eid, result in results.items():
        if ids is None and result.status == "passed":
            print(f"ok      {eid}")
        elif ids is None and result.status == "not implemented":
            print(f"not yet {eid}: not implemented yet")
        else:
            print(result.report(str(ws.path(eid))))
        if ids is not None and result.passed:
            print(f"        the course's solution, to compare with yours: {ws.solution_path(eid)}")
            if result.exercise.train:
                print(f"        train the lesson's Keras model with your function: course check {eid} --train")
    if ids is None:
        print(_progress(ws, results))
    sys.stdout.flush()
    return results


def _watch(ws, ids) -> int:
    """Check again whatever is saved, until Ctrl-C."""
    def started():
        print(f"Watching {ws.root}/ : save a file to check it again (Ctrl-C to stop).", flush=True)

    def changed(exercise_ids):
        wanted = [eid for eid in exercise_ids if ids is None or eid in ids]
        if wanted:
            _check(ws, wanted)

    try:
        ws.watch(changed, on_start=started)
    except KeyboardInterrupt:
        print("\nStopped watching.")
    return 0


def _train(args, parser, ws) -> int:
    if not args.exercise:
        parser.error("--train trains one exercise: course check EXERCISE --train")
    from course.exercises import EXERCISES
    exercise = EXERCISES[args.exercise]
    if not exercise.train:
        trainable = [eid for eid, e in EXERCISES.items() if e.train]
        parser.error(f"{exercise.id} is not an update rule or a gradient; --train takes {', '.join(trainable)}")
    from course.exercises.checker import load_function
    result = ws.check(exercise.id)
    print(result.report(str(ws.path(exercise.id))))
    if not result.passed:
        print("Training starts once it passes: nothing was trained.")
        return 1
    from course.runs.dirs import check_logdir
    try:
        check_logdir(args.logdir)
    except ValueError as err:
        parser.error(str(err))
    from course.exercises.train import train_exercise
    runs = train_exercise(exercise, load_function(exercise, ws.path(exercise.id)), logdir=args.logdir)
    yours, course = (runs[key].metrics["step_losses"] for key in ("yours", "course"))
    steps = min(len(yours), len(course))
    gap = float(np.max(np.abs(yours[:steps] - course[:steps]))) if steps else float("nan")
    print(f"  batch loss after {len(course)} steps: yours {yours[-1]:.6f}, the course's {course[-1]:.6f}; "
          f"largest difference over the {steps} steps {gap:.1e}" if steps else "  no step was taken")
    print(f"\nBoth runs are in {runs['yours'].run_dir.parent}; their loss curves overlay in TensorBoard:")
    print(f"  course tensorboard --logdir {runs['yours'].run_dir.parent}")
    return 0


def cmd_hint(args, parser) -> int:
    ws = _workspace(parser, args.dir)
    eid = _exercise_id(parser, args.exercise)
    k, n, text = ws.next_hint(eid)
    print(f"Hint {k} of {n} for {eid}: {text}")
    if k == n and n > 1:
        print("(that is the last hint; the docstring's example is worth a second look)")
    return 0
