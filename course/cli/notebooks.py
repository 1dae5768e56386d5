"""``course notebooks [DIR]``: the lessons and the exercises as Jupyter notebooks, copied into DIR.

    course notebooks                  # into ./course-notebooks; then: jupyter lab course-notebooks
    course notebooks class-notebooks  # anywhere else

Like ``course exercises init`` it never overwrites a learner's file: if one of the notebooks is there already,
it exits 2, changes nothing and says so. Jupyter itself is an extra (``pip install -e ".[notebooks]"``): the
command copies files and needs none of it. Exit status: 0 copied, 2 a usage error or existing work, 74 a full
disk, 130 Ctrl-C.
"""
from __future__ import annotations

import importlib.util
import shlex

from course.cli.guard import guarded, say

INSTALL = 'pip install -e ".[notebooks]"   (in a clone; from a wheel: pip install "keras-course[notebooks]")'


def add_command(sub) -> None:
    notebooks = sub.add_parser(
        "notebooks", help="copy the notebooks (each lesson, each day's exercises) into DIR, for Jupyter",
        description="Copy the course's notebooks into DIR: each lesson of Days 1-10 and each day's exercises, to open "
                    "with Jupyter (jupyter lab DIR; Jupyter is the extra [notebooks]). Never overwrites a file: if a "
                    "notebook is there already, nothing is changed (exit status 2).")
    notebooks.add_argument("dir", nargs="?", default="course-notebooks", metavar="DIR",
                           help="where to copy them (default: ./course-notebooks)")


@guarded
def cmd_notebooks(args, parser) -> int:
    from course.notebooks.handout import HandoutError, copy_notebooks
    try:
        names = copy_notebooks(args.dir)
    except HandoutError as err:
        if err.status != 2:
            say(f"Stopped: {err}")
            return err.status
        parser.error(str(err))
    lessons = [n for n in names if not n.endswith("_exercises.ipynb")]
    print(f"{len(names)} notebooks written to {args.dir}/: {len(lessons)} lessons and {len(names) - len(lessons)} "
          f"days of exercises ({names[0]}, {names[1]}, ...).")
    print(f"Open them: jupyter lab {shlex.quote(args.dir)}")
    if importlib.util.find_spec("jupyterlab") is None:
        print(f"Jupyter is not installed here; it is the course's extra [notebooks]: {INSTALL}")
    return 0
