"""A learner's workspace: the starters written once, their checks, hints one at a time, solutions once solved.

    course-exercises/
      .course-exercises.json      # the workspace's marker and the hints already shown
      README.txt
      day1/sigmoid.py ...         # the learner's files (never overwritten)
      solutions/day1/sigmoid.py   # the course's solution, written once the exercise passes

    ws = Workspace.init("course-exercises")      # WorkspaceError when existing work is there
    with Checker() as checker:
        results = ws.check_all(checker)          # {id: Result}
    ws.notes                                     # what could not be saved, each said once

Every write stays inside the workspace and never goes through a symbolic link (``safefiles``); the state
is replaced atomically; a state file the course did not write is set aside, with a warning, not obeyed.
"""
from __future__ import annotations

import errno
import json
import os
import time
from pathlib import Path

from course.exercises import EXERCISES, exercise
from course.exercises.result import Result
from course.exercises.safefiles import Refused, read_inside, set_aside, write_inside
from course.exercises.texts import solution_text, starter_text

MARKER = ".course-exercises.json"
DEFAULT = "course-exercises"
FULL = (errno.EFBIG, errno.ENOSPC, errno.EDQUOT)
README = """Exercises of the keras-course package: write the body of each function, then check it.

    course check                  every exercise, with a verdict for each one that is not done
    course check day3.sgd_step    one exercise
    course check --watch          check again each time you save a file (Ctrl-C to stop)
    course hint day3.sgd_step     a hint; ask again for the next one
    course exercises list         what is done, what is not yet

Once an exercise passes, the course's own solution appears in solutions/: solutions/day3/sgd_step.py, ...
"""


class WorkspaceError(ValueError):
    """A workspace that cannot be made or found: one line, exit status ``status`` (2; 74 a full disk or a
    file-size limit)."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


def _why(err: OSError) -> str:
    if err.errno == errno.EFBIG:
        return "a file reached the size limit of this shell (ulimit -f)"
    return "the disk is full" if err.errno in (errno.ENOSPC, errno.EDQUOT) else (err.strerror or str(err))


class Workspace:
    def __init__(self, root, shown=None):
        self.root = Path(os.path.abspath(root))          # absolute from the start: a chdir changes nothing
        self.shown = Path(shown if shown is not None else root)
        self.notes, self.warnings, self.added = [], [], []

    def _note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    # --- making and finding one -------------------------------------------------------------
    @classmethod
    def init(cls, directory=DEFAULT) -> "Workspace":
        """Write every starter into ``directory``; in a workspace made by an earlier version, the starters it lacks
        (``added``), beside the learner's files, which stay as they are. Other work there, or a link on the way,
        stops it: nothing changes."""
        ws = cls(directory)
        root = ws.root
        if os.path.lexists(root) and not root.is_dir():
            raise WorkspaceError(f"{directory} exists and is not a directory; pick another place")
        files = {e.path: starter_text(e) for e in EXERCISES.values()}
        earlier = os.path.isfile(root / MARKER) and not os.path.islink(root / MARKER)
        if earlier:                     # only what is missing: a file that is there is the learner's
            files = {relative: text for relative, text in files.items() if not os.path.lexists(root / relative)}
        else:
            files.update({"README.txt": README, MARKER: json.dumps({"hints": {}}, indent=1)})
        ws.added = [e.id for e in EXERCISES.values() if e.path in files]
        for relative in files:
            parts = relative.split("/")
            for k in range(1, len(parts) + 1):
                here = root.joinpath(*parts[:k])
                if os.path.islink(here):
                    raise WorkspaceError(f"{ws.shown / Path(*parts[:k])} is a symbolic link: the course does not "
                                         "write through links, nothing was changed. Remove it, or init another "
                                         "directory")
            if os.path.lexists(root / relative):
                raise WorkspaceError(f"{directory} already holds exercises ({relative}, ...): nothing was changed. "
                                     f"Carry on there (course check --dir {directory}), or init another directory")
        dirs = [root, *sorted({root / Path(r).parent for r in files if "/" in r})]
        new_dirs, written = [d for d in dirs if not os.path.lexists(d)], []
        try:
            root.mkdir(parents=True, exist_ok=True)
            for relative, text in files.items():
                write_inside(root, relative, text.encode("utf-8"), replace=False)
                written.append(relative)
        except OSError as err:
            ws._undo(written, new_dirs)
            status = 74 if err.errno in FULL else 2
            raise WorkspaceError(f"cannot write the exercises into {directory}: {_why(err)}; nothing was left "
                                 "there", status) from None
        return ws

    def _undo(self, written, new_dirs) -> None:
        """Remove the files an ``init`` that failed wrote, and the directories it made (if left empty)."""
        for relative in written:
            try:
                os.unlink(self.root / relative)
            except OSError:
                pass
        for directory in reversed(new_dirs):
            try:
                os.rmdir(directory)
            except OSError:
                pass

    @classmethod
    def find(cls, directory=None) -> "Workspace":
        """``directory``, else the current directory, else ./course-exercises (where ``init`` puts one)."""
        candidates = [Path(directory)] if directory is not None else [Path("."), Path(DEFAULT)]
        for root in candidates:
            if os.path.lexists(root / MARKER) and root.is_dir():
                return cls(root)
        where = str(candidates[0]) if directory is not None else "here (nor in ./course-exercises)"
        raise WorkspaceError(f"no exercises {'in ' + where if directory is not None else where}: run "
                             "`course exercises init` first, or pass --dir DIR")

    # --- checking ---------------------------------------------------------------------------
    def path(self, exercise_id: str) -> Path:
        return self.root / exercise(exercise_id).path

    def shown_path(self, exercise_id: str) -> Path:
        return self.shown / exercise(exercise_id).path

    def check(self, exercise_id: str, checker):
        """The verdict on the learner's file; a solved exercise's solution is written beside it."""
        path = self.path(exercise_id)
        if not os.path.lexists(path) and (path.parent.is_dir() or not os.path.lexists(path.parent)) and \
                os.path.isfile(self.root / MARKER):           # a workspace of an earlier version, or a file deleted
            return Result(exercise(exercise_id), "not implemented", "no file for it in this workspace: course "
                          "exercises init writes its starter, and changes no other file", diagnosis="not_here")
        result = checker.check_file(exercise(exercise_id), self.path(exercise_id))
        if result.passed:
            self.reveal(exercise_id)
        return result

    def check_all(self, checker, ids=None) -> dict:
        ids = list(ids or EXERCISES)
        checker.prepare([(exercise(eid), self.path(eid)) for eid in ids])
        return {eid: self.check(eid, checker) for eid in ids}

    def solution_path(self, exercise_id: str) -> Path:
        return self.shown / "solutions" / exercise(exercise_id).path

    def solution_saved(self, exercise_id: str) -> bool:
        path = self.root / "solutions" / exercise(exercise_id).path
        return path.is_file() and not path.is_symlink()

    def reveal(self, exercise_id: str) -> None:
        """Write the course's solution into solutions/, once; what stops it becomes a note, said once."""
        e = exercise(exercise_id)
        try:
            write_inside(self.root, f"solutions/{e.path}", solution_text(e).encode("utf-8"), replace=False)
        except FileExistsError:
            pass
        except Refused as err:
            self._note(f"note: {err.strerror} (in {self.shown}), so the course's solutions are not saved there")
        except OSError as err:
            self._note(f"note: the course's solutions cannot be saved in {self.shown}: {_why(err)}")

    # --- hints ------------------------------------------------------------------------------
    def _state(self):
        """The hints already shown, {"hints": {id: count}}; None when the state may not be written."""
        try:
            data = read_inside(self.root, MARKER)
        except FileNotFoundError:
            return {"hints": {}}
        except Refused:
            self._note(f"note: {self.shown / MARKER} is a symbolic link or not a file: the course does not write "
                       "through it, so the hints shown are not remembered")
            return None
        except OSError as err:
            self._note(f"note: cannot read {self.shown / MARKER} ({_why(err)}): the hints shown are not remembered")
            return None
        try:
            state = json.loads(data.decode("utf-8"))
            hints = state["hints"]
            if not all(isinstance(k, str) and type(v) is int and v >= 0 for k, v in hints.items()):
                raise TypeError("a count that is not a whole number")
            return state
        except (ValueError, TypeError, KeyError, AttributeError) as err:
            why = type(err).__name__ if not str(err) else str(err).splitlines()[0][:80]
            try:
                aside = set_aside(self.root, MARKER)
                self.warnings.append(f"warning: {self.shown / MARKER} was not readable as the course's state "
                                     f"({why}); it is kept as {aside}, and the hints start again from the first")
            except OSError as move:
                self.warnings.append(f"warning: {self.shown / MARKER} was not readable as the course's state "
                                     f"({why}) and could not be set aside ({_why(move)}); it is left as it is")
                return None
            return {"hints": {}}

    def next_hint(self, exercise_id: str) -> tuple:
        """(k, n, text): the next hint of the exercise, the k-th of n (the last one again once all are shown)."""
        hints = exercise(exercise_id).hints
        state = self._state()
        shown = min((state or {"hints": {}})["hints"].get(exercise_id, 0) + 1, len(hints))
        if state is not None:
            state["hints"][exercise_id] = shown
            try:
                text = json.dumps(state, indent=1).encode("utf-8")
                write_inside(self.root, MARKER, text, replace=True, durable=True)
            except OSError as err:
                self._note(f"note: the hints shown cannot be saved in {self.shown}: {_why(err)}")
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
