"""A learner's workspace: init copies every starter once and never overwrites, hints come one at a time,
a solved exercise's solution appears beside it."""
import json
import shutil
from pathlib import Path

import pytest

from course.exercises import EXERCISES
from course.exercises.workspace import MARKER, STARTERS, Workspace, WorkspaceError

SOLUTIONS = Path(__file__).resolve().parents[2] / "course" / "exercises" / "solutions"


def test_init_copies_every_starter_byte_for_byte(tmp_path):
    ws = Workspace.init(tmp_path / "ws")
    for exercise in EXERCISES.values():
        assert (ws.root / exercise.path).read_bytes() == (STARTERS / exercise.path).read_bytes()
    assert json.loads((ws.root / MARKER).read_text()) == {"hints": {}}
    assert not (ws.root / "solutions").exists()


def test_init_over_existing_work_changes_nothing(tmp_path):
    ws = Workspace.init(tmp_path / "ws")
    mine = ws.root / "day3" / "sgd_step.py"
    mine.write_text("my work")
    before = {p: p.read_bytes() for p in ws.root.rglob("*") if p.is_file()}
    with pytest.raises(WorkspaceError, match="already holds exercises .* nothing was changed"):
        Workspace.init(ws.root)
    assert {p: p.read_bytes() for p in ws.root.rglob("*") if p.is_file()} == before


def test_init_into_a_file_or_an_unwritable_place_is_refused(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(WorkspaceError, match="is not a directory"):
        Workspace.init(tmp_path / "f")
    with pytest.raises(WorkspaceError, match="cannot write the exercises into /proc/ws"):
        Workspace.init("/proc/ws")


def test_find_looks_here_then_in_course_exercises(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(WorkspaceError, match="no exercises here .*course exercises init"):
        Workspace.find()
    Workspace.init("course-exercises")
    assert Workspace.find().root == Path("course-exercises")
    monkeypatch.chdir(tmp_path / "course-exercises")
    assert Workspace.find().root == Path(".")
    with pytest.raises(WorkspaceError, match="no exercises in /nonexistent"):
        Workspace.find("/nonexistent")


def test_a_solved_exercise_gets_the_courses_solution_beside_it(tmp_path):
    ws = Workspace.init(tmp_path / "ws")
    assert ws.check("day3.sgd_step").status == "not implemented"
    assert not ws.solution_path("day3.sgd_step").exists()
    shutil.copyfile(SOLUTIONS / "day3" / "sgd_step.py", ws.path("day3.sgd_step"))
    assert ws.check("day3.sgd_step").passed
    assert ws.solution_path("day3.sgd_step").read_bytes() == (SOLUTIONS / "day3" / "sgd_step.py").read_bytes()
    results = ws.check_all()
    assert [eid for eid, r in results.items() if r.passed] == ["day3.sgd_step"]


def test_hints_come_one_more_each_time_and_stay_at_the_last(tmp_path):
    ws = Workspace.init(tmp_path / "ws")
    hints = EXERCISES["day3.sgd_step"].hints
    shown = [ws.next_hint("day3.sgd_step") for _ in range(len(hints) + 1)]
    assert shown == [(k, len(hints), hints[k - 1]) for k in range(1, len(hints) + 1)] + [(len(hints), len(hints),
                                                                                          hints[-1])]
    assert json.loads((ws.root / MARKER).read_text()) == {"hints": {"day3.sgd_step": len(hints)}}


def test_watch_reports_the_exercises_whose_files_changed(tmp_path):
    import threading
    ws = Workspace.init(tmp_path / "ws")
    seen, started = [], threading.Event()
    watcher = threading.Thread(target=ws.watch, args=(seen.append,),
                               kwargs={"interval": 0.05, "rounds": 30, "on_start": started.set})
    watcher.start()
    assert started.wait(30)
    ws.path("day5.softmax").write_text(ws.path("day5.softmax").read_text() + "\n# edited\n")
    watcher.join()
    assert seen == [["day5.softmax"]]
