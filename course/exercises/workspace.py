"""A learner's workspace: the starters copied once, their checks, hints one at a time, solutions once solved.

    course-exercises/
      .course-exercises.json      # the workspace's marker and the hints already shown
      README.txt
      day1/sigmoid.py ...         # the learner's files (never overwritten)
      solutions/day1/sigmoid.py   # the course's solution, copied in once the exercise passes

    ws = Workspace.init("course-exercises")      # WorkspaceError when existing work is there
    results = ws.check_all()                     # {id: Result}
"""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from course.exercises import EXERCISES, exercise
from course.exercises.checker import Result, check_function, load_function

PACKAGE = Path(__file__).resolve().parent
STARTERS, SOLUTIONS = PACKAGE / "starters", PACKAGE / "solutions"
MARKER = ".course-exercises.json"
DEFAULT = "course-exercises"
README = """Exercises of the keras-course package: write the body of each function, then check it.

    course check                  every exercise, with a verdict for each one that is not done
    course check day3.sgd_step    one exercise
    course check --watch          check again each time you save a file (Ctrl-C to stop)
    course hint day3.sgd_step     a hint; ask again for the next one
    course exercises list         what is done, what is not yet

Once an exercise passes, the course's own solution appears in solutions/ beside it.
"""


class WorkspaceError(ValueError):
    """A workspace that cannot be made or found: the command line says so in one line, exit status 2."""


class Workspace:
    def __init__(self, root):
        self.root = Path(root)

    # --- making and finding one -------------------------------------------------------------
    @classmethod
    def init(cls, directory=DEFAULT) -> "Workspace":
        """Copy every starter into ``directory``. Existing work there stops it: nothing is changed."""
        root = Path(directory)
        if root.exists() and not root.is_dir():
            raise WorkspaceError(f"{root} exists and is not a directory; pick another place")
        taken = [e.path for e in EXERCISES.values() if (root / e.path).exists()] + \
            [name for name in (MARKER, "README.txt") if (root / name).exists()]
        if taken:
            raise WorkspaceError(f"{root} already holds exercises ({taken[0]}, ...): nothing was changed. "
                                 f"Carry on there (course check --dir {root}), or init another directory")
        try:
            for e in EXERCISES.values():
                (root / e.path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(STARTERS / e.path, root / e.path)
            (root / "README.txt").write_text(README, encoding="utf-8")
            (root / MARKER).write_text(json.dumps({"hints": {}}, indent=1), encoding="utf-8")
        except OSError as err:
            raise WorkspaceError(f"cannot write the exercises into {root}: {err.strerror or err}") from None
        return cls(root)

    @classmethod
    def find(cls, directory=None) -> "Workspace":
        """``directory``, else the current directory, else ./course-exercises (where ``init`` puts one)."""
        candidates = [Path(directory)] if directory is not None else [Path("."), Path(DEFAULT)]
        for root in candidates:
            if (root / MARKER).is_file():
                return cls(root)
        where = str(candidates[0]) if directory is not None else "here (nor in ./course-exercises)"
        raise WorkspaceError(f"no exercises {'in ' + where if directory is not None else where}: run "
                             "`course exercises init` first, or pass --dir DIR")

    # --- checking ---------------------------------------------------------------------------
    def path(self, exercise_id: str) -> Path:
        return self.root / exercise(exercise_id).path

    def check(self, exercise_id: str) -> Result:
        """The verdict on the learner's file; a solved exercise's solution is copied in beside it."""
        e = exercise(exercise_id)
        path = self.path(exercise_id)
        function = load_function(e, path)
        result = function if isinstance(function, Result) else check_function(e, function, filename=str(path))
        if result.passed:
            self._reveal(exercise_id)
        return result

    def check_all(self) -> dict:
        return {eid: self.check(eid) for eid in EXERCISES}

    def _reveal(self, exercise_id):
        target = self.root / "solutions" / exercise(exercise_id).path
        if not target.exists():
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(SOLUTIONS / exercise(exercise_id).path, target)
            except OSError:
                pass              # a read-only workspace: the verdict stands without the solution

    def solution_path(self, exercise_id: str) -> Path:
        return self.root / "solutions" / exercise(exercise_id).path

    # --- hints ------------------------------------------------------------------------------
    def _state(self) -> dict:
        try:
            return json.loads((self.root / MARKER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {"hints": {}}

    def next_hint(self, exercise_id: str) -> tuple:
        """(k, n, text): the next hint of the exercise, the k-th of n (the last one again once all are shown)."""
        hints = exercise(exercise_id).hints or ("Read the docstring's formula and example again, line by line.",)
        state = self._state()
        shown = min(int(state["hints"].get(exercise_id, 0)) + 1, len(hints))
        state["hints"][exercise_id] = shown
        try:
            (self.root / MARKER).write_text(json.dumps(state, indent=1), encoding="utf-8")
        except OSError:
            pass
        return shown, len(hints), hints[shown - 1]

    # --- watching ---------------------------------------------------------------------------
    def stamps(self) -> dict:
        out = {}
        for eid in EXERCISES:
            try:
                stat = self.path(eid).stat()
                out[eid] = (stat.st_mtime_ns, stat.st_size)
            except OSError:
                out[eid] = None
        return out

    def watch(self, on_change, interval: float = 0.3, rounds=None, on_start=None) -> None:
        """Call ``on_change([ids])`` with the exercises whose files changed, until Ctrl-C (or ``rounds`` polls).
        ``on_start()`` runs once the files' first state is taken: a save after it is seen."""
        seen = self.stamps()
        if on_start is not None:
            on_start()
        count = 0
        while rounds is None or count < rounds:
            time.sleep(interval)
            count += 1
            now = self.stamps()
            changed = [eid for eid in EXERCISES if now[eid] != seen[eid]]
            seen = now
            if changed:
                on_change(changed)
