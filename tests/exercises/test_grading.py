"""Grading a class: a class of generated workspaces (complete, empty, raising, looping, exiting, missing) graded
into grades.csv row by row, a feedback file per learner, grades.json and the class's table, in seconds; usage
errors exit 2 and write nothing."""
import contextlib
import csv
import io
import json
import time

import pytest

from course.cli import main
from course.exercises import EXERCISES
from course.exercises.grading import find_learners
from course.exercises.texts import solution_text
from course.exercises.verdicts import TIMEOUT
from course.exercises.workspace import Workspace
from tests.helpers import learner_text


def write(ws, eid, body=None, prelude=""):
    ws.path(eid).write_text(solution_text(EXERCISES[eid]) if body is None else learner_text(eid, body, prelude))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A class of six: alice (complete), bob (empty), carol (raises), dave (an endless loop), erin (os._exit),
    frank (no workspace at all), graded by `course grade CLASS --out OUT --json`."""
    root = tmp_path_factory.mktemp("grading")
    klass = root / "class"
    alice, bob, carol, dave, erin = (Workspace.init(klass / name) for name in ("alice", "bob", "carol", "dave", "erin"))
    (klass / "frank").mkdir()
    for eid in EXERCISES:
        write(alice, eid)
        write(carol, eid, 'raise ValueError("no")')
    write(dave, "day1.sigmoid", "while True:\n    pass")
    write(erin, "day1.sigmoid")
    write(erin, "day3.sgd_step", "return w", prelude="import os\nos._exit(0)\n")
    before = {p: p.read_bytes() for p in klass.rglob("*") if p.is_file()}
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        code = main(["grade", str(klass), "--out", str(root / "out"), "--json"])
    seconds = time.perf_counter() - start
    after = {p: p.read_bytes() for p in klass.rglob("*") if p.is_file()}
    return code, seconds, root / "out", before == after, printed.getvalue()


def expected_rows():
    rows = []
    for eid, exercise in EXERCISES.items():
        rows.append(["alice", eid, "passed", "", "1", f"passed all {len(exercise.seeded_cases())} cases"])
    not_yet = {eid: f"not implemented yet: write the body of {e.function} (course hint {eid} gives a hint)"
               for eid, e in EXERCISES.items()}
    rows += [["bob", eid, "not implemented", "not_implemented", "0", not_yet[eid]] for eid in EXERCISES]
    rows += [["carol", eid, "error", "exception", "0", "your code raised ValueError: no"] for eid in EXERCISES]
    for eid in EXERCISES:
        if eid == "day1.sigmoid":
            rows.append(["dave", eid, "timeout", "timeout", "0", f"time-out: your function did not return within "
                         f"{TIMEOUT:g} s (an endless loop? a loop condition that never becomes false?)"])
        else:
            rows.append(["dave", eid, "not implemented", "not_implemented", "0", not_yet[eid]])
    for eid in EXERCISES:
        if eid == "day1.sigmoid":
            rows.append(["erin", eid, "passed", "", "1", "passed all 3 cases"])
        elif eid == "day3.sgd_step":
            rows.append(["erin", eid, "error", "exit", "0", "your code ended the process with exit status 0 while the "
                         "file loaded (os._exit(0)?): an exercise returns its answer"])
        else:
            rows.append(["erin", eid, "not implemented", "not_implemented", "0", not_yet[eid]])
    rows += [["frank", eid, "error", "missing_file", "0", "no workspace in this directory"] for eid in EXERCISES]
    return rows


def test_a_class_is_graded_row_by_row_in_seconds_without_touching_the_workspaces(graded):
    """Two learners at a time, each in a worker of their own; alice's and carol's workers load TensorFlow for the
    TensorFlow exercises (the course's right answers are computed once, for the whole class)."""
    code, seconds, out, untouched, _ = graded
    assert code == 0 and seconds < 30.0 and untouched
    with open(out / "grades.csv", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["learner", "exercise", "status", "diagnosis", "points", "verdict"]
    expected = expected_rows()
    assert len(rows) - 1 == len(expected) == 6 * len(EXERCISES)
    for got, want in zip(rows[1:], expected):
        assert got == want


def test_each_learner_gets_a_feedback_file_and_the_json_holds_the_same(graded):
    out = graded[2]
    assert sorted(p.name for p in (out / "feedback").iterdir()) == [f"{n}.txt" for n in
                                                                    ("alice", "bob", "carol", "dave", "erin", "frank")]
    erin = (out / "feedback" / "erin.txt").read_text().splitlines()
    assert erin[0] == f"Feedback for erin: 1 of {len(EXERCISES)} exercises pass (1 points)."
    assert "ok      day1.sigmoid: passed all 3 cases" in erin
    data = json.loads((out / "grades.json").read_text())
    assert [[g[c] if c != "points" else str(g[c]) for c in data["columns"]] for g in data["grades"]] == expected_rows()
    assert data["points"] == {"alice": len(EXERCISES), "bob": 0, "carol": 0, "dave": 0, "erin": 1, "frank": 0}


def test_the_class_table_says_per_exercise_how_many_passed_and_the_most_common_diagnosis(graded):
    lines = graded[4].splitlines()
    width = max(len(eid) for eid in EXERCISES)
    assert lines[0] == "Grading 6 learners ..."
    assert lines[1] == f"{'exercise':<{width}}  passed   most common diagnosis of the others"
    assert lines[2 + list(EXERCISES).index("day3.sgd_step")] == f"{'day3.sgd_step':<{width}}   1 of 6   not_implemented (2)"
    assert lines[2 + list(EXERCISES).index("day1.sigmoid")].startswith(f"{'day1.sigmoid':<{width}}   2 of 6   ")
    points = lines[lines.index(f"learner  points (of {len(EXERCISES)})") + 1:][:6]
    assert points == [f"alice    {len(EXERCISES)}", "bob      0", "carol    0", "dave     0", "erin     1", "frank    0"]


def test_usage_errors_exit_2_and_write_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    (tmp_path / "class" / "nobody").mkdir(parents=True)
    Workspace.init(tmp_path / "ws")
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x").write_text("x")
    for argv, message in [(["grade", "nope"], "no such directory: nope"),
                          (["grade", "empty"], "no workspace in empty"),
                          (["grade", "class"], "no workspace in class"),
                          (["grade", "ws", "ws"], "two learners named ws"),
                          (["grade", "ws", "--out", "taken"], "--out taken already holds something")]:
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        err = capsys.readouterr().err
        assert exit_info.value.code == 2 and message in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["class", "empty", "taken", "ws"]


def test_a_workspace_in_course_exercises_and_an_earlier_grading_in_the_class(tmp_path):
    Workspace.init(tmp_path / "class" / "ann" / "course-exercises")
    (tmp_path / "class" / "grades-1").mkdir()
    (tmp_path / "class" / "grades-1" / "grades.csv").write_text("learner\n")
    assert find_learners([tmp_path / "class"]) == [("ann", tmp_path / "class" / "ann" / "course-exercises")]
