"""A learner's workspace: init writes every starter once and never overwrites nor writes through a link, hints come
one at a time from a state that is replaced atomically (a corrupt one set aside), a solved exercise's solution
appears beside it, and what cannot be saved is said once."""
import errno
import json
import os
import threading
from pathlib import Path

import pytest

from course.exercises import EXERCISES, workspace
from course.exercises.checker import Checker
from course.exercises.texts import solution_text, starter_text
from course.exercises.workspace import MARKER, Workspace, WorkspaceError


@pytest.fixture(scope="module")
def checker():
    with Checker() as shared:
        yield shared


def tree(root):
    return {str(p.relative_to(root)): p.read_bytes() for p in Path(root).rglob("*") if p.is_file()}


def test_init_writes_every_starter_and_an_empty_state(tmp_path):
    ws = Workspace.init(tmp_path / "ws")
    assert ws.root.is_absolute()
    for exercise in EXERCISES.values():
        assert (ws.root / exercise.path).read_text() == starter_text(exercise)
    assert json.loads((ws.root / MARKER).read_text()) == {"hints": {}}
    assert not (ws.root / "solutions").exists() and not list(ws.root.rglob("*.tmp"))


def test_init_over_existing_work_changes_nothing(tmp_path):
    ws = Workspace.init(tmp_path / "ws")
    (ws.root / "day3" / "sgd_step.py").write_text("my work")
    before = tree(ws.root)
    assert Workspace.init(ws.root).added == [] and tree(ws.root) == before     # a workspace: nothing to add
    (ws.root / workspace.MARKER).unlink()                    # exercises, but no workspace of the course's: refused
    before = tree(ws.root)
    with pytest.raises(WorkspaceError, match="already holds exercises .* nothing was changed"):
        Workspace.init(ws.root)
    assert tree(ws.root) == before


def test_init_in_a_workspace_of_an_earlier_version_adds_the_new_starters_and_leaves_the_learners_files(tmp_path):
    """A workspace of the 20 exercises of Days 1-8 (issue 13), worked in: the new starters join it; the learner's
    files, the hints' state and the solutions keep their bytes and their times."""
    ws = Workspace.init(tmp_path / "ws")
    new = [e for e in EXERCISES.values() if e.tensorflow or e.day >= 9]
    for exercise in new:
        (ws.root / exercise.path).unlink()
    for directory in ("day9", "day10"):
        (ws.root / directory).rmdir()
    (ws.root / "day3" / "sgd_step.py").write_text("my work")
    (ws.root / workspace.MARKER).write_text('{"hints": {"day3.sgd_step": 2}}')
    (ws.root / "solutions" / "day1").mkdir(parents=True)
    (ws.root / "solutions" / "day1" / "sigmoid.py").write_text("solved")
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in ws.root.rglob("*") if p.is_file()}
    again = Workspace.init(ws.root)
    assert again.added == [e.id for e in new] and len(new) >= 10
    for exercise in new:
        assert (ws.root / exercise.path).read_text() == starter_text(exercise)
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in before} == before
    assert len([p for p in ws.root.rglob("*") if p.is_file()]) == len(before) + len(new)


def test_init_into_a_file_or_an_unwritable_place_is_refused(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(WorkspaceError, match="is not a directory"):
        Workspace.init(tmp_path / "f")
    with pytest.raises(WorkspaceError, match="cannot write the exercises into /proc/ws") as refused:
        Workspace.init("/proc/ws")
    assert refused.value.status == 2


@pytest.mark.parametrize("link", ["day1", "day3/sgd_step.py"])
def test_init_never_writes_through_a_link_even_a_dangling_one(tmp_path, link):
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "ws" / "day3").mkdir(parents=True)
    (tmp_path / "ws" / link).symlink_to(outside / "target")          # dangling: target does not exist
    with pytest.raises(WorkspaceError, match=f"ws/{link} is a symbolic link: the course does not write through"):
        Workspace.init(tmp_path / "ws")
    assert list(outside.iterdir()) == [] and not (tmp_path / "ws" / MARKER).exists()


def test_init_that_hits_a_file_size_limit_leaves_nothing_and_says_74(tmp_path, monkeypatch):
    real, calls = workspace.write_inside, []

    def limited(root, relative, data, replace):
        calls.append(relative)
        if len(calls) > 3:
            raise OSError(errno.EFBIG, "File too large")
        real(root, relative, data, replace=replace)

    monkeypatch.setattr(workspace, "write_inside", limited)
    with pytest.raises(WorkspaceError, match="a file reached the size limit of this shell") as full:
        Workspace.init(tmp_path / "ws")
    assert full.value.status == 74 and not (tmp_path / "ws").exists()


def test_find_looks_here_then_in_course_exercises(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(WorkspaceError, match="no exercises here .*course exercises init"):
        Workspace.find()
    Workspace.init("course-exercises")
    found = Workspace.find()
    assert found.shown == Path("course-exercises") and found.root == tmp_path / "course-exercises"
    monkeypatch.chdir(tmp_path / "course-exercises")
    assert Workspace.find().root == tmp_path / "course-exercises"
    with pytest.raises(WorkspaceError, match="no exercises in /nonexistent"):
        Workspace.find("/nonexistent")


def test_a_solved_exercise_gets_the_courses_solution_beside_it_once(tmp_path, checker):
    ws = Workspace.init(tmp_path / "ws")
    assert ws.check("day3.sgd_step", checker).status == "not implemented" and not ws.solution_saved("day3.sgd_step")
    ws.path("day3.sgd_step").write_text(solution_text(EXERCISES["day3.sgd_step"]))
    assert ws.check("day3.sgd_step", checker).passed
    saved = ws.root / "solutions" / "day3" / "sgd_step.py"
    assert saved.read_text() == solution_text(EXERCISES["day3.sgd_step"])
    saved.write_text("my notes on the solution")
    assert ws.check("day3.sgd_step", checker).passed and saved.read_text() == "my notes on the solution"
    assert [eid for eid, r in ws.check_all(checker).items() if r.passed] == ["day3.sgd_step"] and ws.notes == []


def test_solutions_are_never_written_through_a_link_and_that_is_said_once(tmp_path, checker):
    ws = Workspace.init(tmp_path / "ws")
    outside = tmp_path / "outside"
    outside.mkdir()
    (ws.root / "solutions").symlink_to(outside)
    for eid in ("day3.sgd_step", "day1.sigmoid"):
        ws.path(eid).write_text(solution_text(EXERCISES[eid]))
        assert ws.check(eid, checker).passed
    assert list(outside.iterdir()) == [] and not ws.solution_saved("day3.sgd_step")
    assert ws.notes == [f"note: solutions is a symbolic link: the course does not write through it (in {ws.shown}), "
                        "so the course's solutions are not saved there"]


def test_a_read_only_workspace_is_said_once(tmp_path, checker, monkeypatch):
    ws = Workspace.init(tmp_path / "ws")

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(workspace, "write_inside", read_only)
    for eid in ("day3.sgd_step", "day1.sigmoid"):
        ws.path(eid).write_text(solution_text(EXERCISES[eid]))
        assert ws.check(eid, checker).passed
    assert ws.next_hint("day3.sgd_step")[0] == 1
    assert ws.notes == [f"note: the course's solutions cannot be saved in {ws.shown}: Read-only file system",
                        f"note: the hints shown cannot be saved in {ws.shown}: Read-only file system"]


def test_hints_come_one_more_each_time_and_stay_at_the_last(tmp_path):
    ws = Workspace.init(tmp_path / "ws")
    hints = EXERCISES["day3.sgd_step"].hints
    shown = [ws.next_hint("day3.sgd_step") for _ in range(len(hints) + 1)]
    assert shown == [(k, len(hints), hints[k - 1]) for k in range(1, len(hints) + 1)] + [(len(hints), len(hints),
                                                                                          hints[-1])]
    assert json.loads((ws.root / MARKER).read_text()) == {"hints": {"day3.sgd_step": len(hints)}}
    assert sorted(p.name for p in ws.root.iterdir() if p.name.startswith(".")) == [MARKER]     # no temporary left


@pytest.mark.parametrize("content", ["{}", "[]", "null", '{"hints": {"day3.sgd_step": "two"}}', '{"hints": []}',
                                     '{"hints": {"day3.sgd_step": true}}', '{"hints": {"day3.sgd_step": -1}}',
                                     "{not json", "\xff\xfe"])
def test_a_corrupt_state_is_set_aside_with_one_warning(tmp_path, content):
    ws = Workspace.init(tmp_path / "ws")
    (ws.root / MARKER).write_bytes(content.encode("latin-1"))
    assert ws.next_hint("day3.sgd_step")[0] == 1
    assert len(ws.warnings) == 1 and ws.warnings[0].startswith(f"warning: {ws.shown / MARKER} was not readable as "
                                                                "the course's state")
    assert (ws.root / f"{MARKER}.corrupt").read_bytes() == content.encode("latin-1")
    assert json.loads((ws.root / MARKER).read_text()) == {"hints": {"day3.sgd_step": 1}}


def test_a_linked_state_is_never_written_through(tmp_path):
    ws = Workspace.init(tmp_path / "ws")
    precious = tmp_path / "precious.json"
    precious.write_text('{"mine": 1}')
    (ws.root / MARKER).unlink()
    (ws.root / MARKER).symlink_to(precious)
    assert ws.next_hint("day3.sgd_step")[0] == 1 and ws.next_hint("day3.sgd_step")[0] == 1
    assert precious.read_text() == '{"mine": 1}' and (ws.root / MARKER).is_symlink()
    assert len(ws.notes) == 1 and "is a symbolic link or not a file" in ws.notes[0]


def test_watch_reports_the_exercises_whose_files_changed(tmp_path):
    ws = Workspace.init(tmp_path / "ws")
    seen, started = [], threading.Event()
    watcher = threading.Thread(target=ws.watch, args=(seen.append,),
                               kwargs={"interval": 0.05, "rounds": 30, "on_start": started.set})
    watcher.start()
    assert started.wait(30)
    ws.path("day5.softmax").write_text(ws.path("day5.softmax").read_text() + "\n# edited\n")
    watcher.join()
    assert seen == [["day5.softmax"]]


def test_a_chdir_changes_nothing_for_a_workspace_found_before_it(tmp_path, monkeypatch, checker):
    monkeypatch.chdir(tmp_path)
    ws = Workspace.init("ws")
    monkeypatch.chdir("/")
    ws.path("day3.sgd_step").write_text(solution_text(EXERCISES["day3.sgd_step"]))
    assert ws.check("day3.sgd_step", checker).passed
    assert (tmp_path / "ws" / "solutions" / "day3" / "sgd_step.py").is_file() and os.getcwd() == "/"
