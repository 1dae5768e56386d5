"""Grading a class: many learners' workspaces, one directory each, named after the learner.

    learners = find_learners(["class/"])           # [("alice", Path), ...]; GradeError for a usage error
    grades = grade(learners)                       # [Grade(learner, exercise, status, diagnosis, points, ...)]
    write(grades, out)                             # grades.csv, feedback/<learner>.txt (and grades.json)
    table(grades)                                  # per exercise: how many passed, the most common diagnosis

Each learner is checked by a worker process of their own (``Checker``), with the time-outs of ``course
check``, so one learner's code cannot touch another's result; a learner's total time is capped too.
Grading only reads the learners' directories: no solution is revealed, no hint state is written.
"""
from __future__ import annotations

import collections
import concurrent.futures
import csv
import io
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from course.exercises import EXERCISES
from course.exercises.checker import Checker
from course.exercises.safefiles import write_inside
from course.exercises.workspace import DEFAULT, MARKER

COLUMNS = ("learner", "exercise", "status", "diagnosis", "points", "verdict")
LEARNER_LIMIT = 60.0      # seconds of checking per learner; the exercises left after it are not run


class GradeError(ValueError):
    """A usage error (no such directory, no workspace in it, two learners of one name): exit status 2."""


@dataclass(frozen=True)
class Grade:
    learner: str
    exercise: str
    status: str          # passed, failed, not implemented, error, timeout
    diagnosis: str       # the short name of what is wrong ("" when passed)
    points: int          # 1 an exercise passed
    verdict: str         # the one-line verdict
    details: tuple = ()  # the lines under it, for the feedback file


def _workspace_in(directory: Path):
    """``directory`` or its course-exercises/ when it holds a learner's exercises, else None."""
    for root in (directory, directory / DEFAULT):
        if (root / MARKER).exists() or any((root / e.path).exists() for e in EXERCISES.values()):
            return root
    return None


def find_learners(directories) -> list:
    """[(learner, workspace root or None)]: a DIR that is a workspace is one learner named after it; any other
    DIR is a class, each subdirectory a learner (one without any exercise gets no points)."""
    learners = []
    for text in directories:
        directory = Path(text)
        if not directory.is_dir():
            raise GradeError(f"no such directory: {text}")
        root = _workspace_in(directory)
        if root is not None:
            learners.append((directory.resolve().name, root))
            continue
        members = sorted(d for d in directory.iterdir() if d.is_dir() and not d.name.startswith(".")
                         and not (d / "grades.csv").exists())            # an earlier grading is not a learner
        found = [(d.name, _workspace_in(d)) for d in members]
        if not any(root for _, root in found):
            raise GradeError(f"no workspace in {text}: give learners' workspaces (made by course exercises init), "
                             "or a directory holding one per learner")
        learners += found
    names = [name for name, _ in learners]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise GradeError(f"two learners named {twice[0]}: each learner's directory needs its own name")
    return learners


def _grade_one(learner: str, root, seed: int, limit: float, checkers: list, references: dict) -> list:
    grades, start = [], time.monotonic()
    checker = Checker(seed=seed, references=references)     # the course's right answers, computed once a class
    checkers.append(checker)
    with checker:
        if root is not None:
            checker.prepare([(exercise, root / exercise.path) for exercise in EXERCISES.values()])
        for eid, exercise in EXERCISES.items():
            if root is None:
                grades.append(Grade(learner, eid, "error", "missing_file", 0, "no workspace in this directory"))
                continue
            if time.monotonic() - start > limit:
                grades.append(Grade(learner, eid, "timeout", "time_limit", 0,
                                    f"not checked: this learner's {limit:g} s of checking were spent"))
                continue
            result = checker.check_file(exercise, root / exercise.path)
            grades.append(Grade(learner, eid, result.status, result.diagnosis, int(result.passed), result.summary,
                                tuple(result.details)))
    return grades


def grade(learners, *, seed: int = 0, jobs: int = 2, limit: float = LEARNER_LIMIT) -> list:
    """Every learner's verdicts, in the order of ``learners`` then of the exercises."""
    checkers, references = [], {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(_grade_one, name, root, seed, limit, checkers, references) for name, root in learners]
        try:
            return [g for future in futures for g in future.result()]
        except BaseException:
            for future in futures:
                future.cancel()
            for checker in list(checkers):       # Ctrl-C: every worker goes, and the threads end at once
                checker.close()
            raise


def out_directory(out=None) -> Path:
    """``out`` (which must not hold anything yet), else a new ./grades-<time> that no grading used."""
    if out is not None:
        path = Path(out)
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise GradeError(f"--out {out} already holds something: grading never overwrites, pick a new directory")
        return path
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for k in range(1, 1000):
        path = Path(f"grades-{stamp}" + (f"-{k}" if k > 1 else ""))
        if not os.path.lexists(path):
            return path
    raise GradeError("no free name for the grades' directory: pass --out DIR")


def feedback(learner: str, grades) -> str:
    mine = [g for g in grades if g.learner == learner]
    points = sum(g.points for g in mine)
    lines = [f"Feedback for {learner}: {points} of {len(mine)} exercises pass ({points} points).", ""]
    for g in mine:
        word = {"passed": "ok", "not implemented": "not yet"}.get(g.status, "FAIL")
        lines += [f"{word:<7} {g.exercise}: {g.verdict}", *g.details]
    return "\n".join(lines) + "\n"


def write(grades, out: Path, *, as_json: bool = False) -> list:
    """grades.csv, feedback/<learner>.txt (and grades.json): the files written, relative to ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    table_text = io.StringIO()
    writer = csv.writer(table_text, lineterminator="\n")
    writer.writerow(COLUMNS)
    for g in grades:
        writer.writerow([g.learner, g.exercise, g.status, g.diagnosis, g.points, g.verdict])
    files = {"grades.csv": table_text.getvalue()}
    for learner in dict.fromkeys(g.learner for g in grades):
        files[f"feedback/{learner}.txt"] = feedback(learner, grades)
    if as_json:
        files["grades.json"] = json.dumps({"columns": list(COLUMNS), "grades": [
            {k: v for k, v in asdict(g).items() if k != "details"} for g in grades], "points": points(grades)},
            indent=1) + "\n"
    for relative, text in files.items():
        write_inside(out, relative, text.encode("utf-8"), replace=False)
    return list(files)


def points(grades) -> dict:
    totals = {}
    for g in grades:
        totals[g.learner] = totals.get(g.learner, 0) + g.points
    return totals


def table(grades) -> list:
    """The class at a glance: per exercise how many passed and the most common diagnosis; per learner the points."""
    learners = list(dict.fromkeys(g.learner for g in grades))
    width = max(len(eid) for eid in EXERCISES)
    lines = [f"{'exercise':<{width}}  passed   most common diagnosis of the others"]
    for eid in EXERCISES:
        mine = [g for g in grades if g.exercise == eid]
        passed = sum(g.points for g in mine)
        common = collections.Counter(g.diagnosis for g in mine if not g.points).most_common(1)
        said = f"{common[0][0]} ({common[0][1]})" if common else "-"
        lines.append(f"{eid:<{width}}  {passed:>2} of {len(mine):<2}  {said}")
    totals = points(grades)
    name_width = max([len(n) for n in learners] + [7])
    lines += ["", f"{'learner':<{name_width}}  points (of {len(EXERCISES)})"]
    lines += [f"{name:<{name_width}}  {totals[name]}" for name in learners]
    return lines
