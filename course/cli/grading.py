"""``course grade DIR...``: a teacher's view of a class.

    course grade class/                    # every subdirectory of class/ is a learner's workspace
    course grade alice/ bob/ --out marks   # or the workspaces themselves, each named after its learner

Writes ``grades.csv`` (learner, exercise, status, diagnosis, points, verdict), ``feedback/<learner>.txt``
and, with ``--json``, ``grades.json``, into ``--out`` (default: a new ``grades-<time>/``, never an earlier
one), and prints the class's table. Exit status: 0 when the grading ran, whatever the grades; 2 for a
usage error (no such directory, no workspace in it), with nothing written; 130 Ctrl-C.
"""
from __future__ import annotations

from course.cli.guard import guarded


def add_command(sub) -> None:
    grade = sub.add_parser(
        "grade", help="grade a class: many learners' workspaces into grades.csv, feedback and a table",
        description="Grade many learners' exercises: one directory per learner, named after the learner (or a "
                    "directory holding them). Each learner's code runs in its own process, with the time-outs of "
                    "course check. Writes grades.csv, feedback/LEARNER.txt (and grades.json) into --out. Exit "
                    "status: 0 the grading ran, 2 a usage error (nothing written), 130 Ctrl-C.")
    grade.add_argument("dirs", nargs="+", metavar="DIR", help="a learner's workspace, or a directory of them")
    grade.add_argument("--out", metavar="DIR", help="where to write (new or empty; default: a new ./grades-<time>)")
    grade.add_argument("--json", action="store_true", help="also write grades.json, for a learning platform")
    grade.add_argument("--jobs", type=int, default=2, metavar="N", help="learners checked at once (default: 2)")


@guarded
def cmd_grade(args, parser) -> int:
    from course.exercises import grading
    if args.jobs < 1:
        parser.error(f"argument --jobs: must be a positive integer, got {args.jobs}")
    try:
        learners = grading.find_learners(args.dirs)
        out = grading.out_directory(args.out)
    except grading.GradeError as err:
        parser.error(str(err))
    print(f"Grading {len(learners)} learner{'s' * (len(learners) != 1)} ...", flush=True)
    grades = grading.grade(learners, jobs=args.jobs)
    try:
        written = grading.write(grades, out, as_json=args.json)
    except OSError as err:
        parser.error(f"cannot write the grades into {out}: {err.strerror or err}")
    for line in grading.table(grades):
        print(line)
    print(f"\nWritten to {out}/: {', '.join(w for w in written if not w.startswith('feedback/'))} and "
          f"feedback/ (one file per learner)")
    return 0
