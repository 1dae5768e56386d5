"""A day's exercise notebook, written from the exercise registry: every exercise of the day, its starter as
`course exercises init` writes it, a check under it, a hint behind a call, and training where it has --train."""
import json
import re

import pytest

from course.exercises import EXERCISES
from course.exercises.texts import function_text, starter_text
from course.notebooks.build import PACKAGED, notebook_name
from course.notebooks.practice import exercise_cells, exercise_days
from course.cli.lessons import LESSONS


def shipped(day):
    lesson = next(name for name in LESSONS if name.startswith(f"day{day}_"))
    nb = json.loads((PACKAGED / notebook_name(lesson, exercises=True)).read_text())
    return [(c["cell_type"], "".join(c["source"]), c["metadata"].get("tags", [])) for c in nb["cells"]]


def test_every_day_with_exercises_has_its_notebook_and_every_exercise_is_in_one():
    assert exercise_days() == sorted({e.day for e in EXERCISES.values()})
    found = [source.split("\n", 1)[0] for day in exercise_days() for kind, source, _ in shipped(day)
             if kind == "code" and source.startswith("check(")]
    assert found == [f'check("{e.id}", {e.function})' for e in EXERCISES.values()]


@pytest.mark.parametrize("day", [1, 3, 8])
def test_each_exercise_is_its_heading_its_starter_its_check_a_hint_behind_a_call_and_its_training(day):
    cells = shipped(day)
    assert cells[0][0] == "markdown" and cells[0][1].startswith(f"# Day {day} - ")
    assert cells[1][0] == "code" and "from course.notebooks import check, hint" in cells[1][1]
    rest = cells[2:]
    for number, exercise in enumerate(e for e in EXERCISES.values() if e.day == day):
        heading, starter, check, hint, *rest = rest
        assert heading[0] == "markdown" and heading[1].startswith(f"## {number + 1}. `{exercise.id}`: {exercise.title}")
        # the starter is the workspace's file less its module docstring and imports: the same text, written once
        assert starter == ("code", function_text(exercise), [])
        assert starter_text(exercise).endswith(function_text(exercise) + "\n")
        assert "NotImplementedError" in starter[1] and exercise.solution.strip().splitlines()[-1] not in starter[1]
        assert check == ("code", f'check("{exercise.id}", {exercise.function})', [])
        assert hint[1].startswith(f'# hint("{exercise.id}")')           # behind a call: commented out
        if exercise.train:
            (kind, text, _), train, board, *rest = rest
            assert kind == "markdown" and exercise.id in text
            assert train == ("code", f'train("{exercise.id}", {exercise.function})', [])
            assert board == ("code", "%tensorboard --logdir logs/exercises --host 127.0.0.1", ["tensorboard"])
    assert rest == []


def test_the_solutions_variant_differs_only_in_the_functions_bodies():
    plain, solved = exercise_cells(6, "Day 6"), exercise_cells(6, "Day 6", solutions=True)
    changed = [(a.source, b.source) for a, b in zip(plain, solved) if a != b]
    assert len(plain) == len(solved)
    assert changed == [(function_text(e), function_text(e, solution=True)) for e in EXERCISES.values() if e.day == 6]


def test_a_day_without_exercises_is_refused():
    with pytest.raises(ValueError, match=r"day 42 has no exercises; the days with exercises are \[1, "):
        exercise_cells(42, "Day 42")


@pytest.mark.parametrize("day", exercise_days())
def test_the_setup_cell_binds_every_name_the_day_s_starters_import_to_the_same_module(day):
    setup = shipped(day)[1][1]
    code = "\n".join(line for line in setup.splitlines() if not line.startswith("%"))
    ours = {}
    exec(code, ours)                                     # TensorFlow, if any, through course.training: quiet
    for exercise in (e for e in EXERCISES.values() if e.day == day):
        theirs = {}
        exec(exercise.imports, theirs)
        assert {name: ours.get(name) for name in theirs if name != "__builtins__"} == \
            {name: module for name, module in theirs.items() if name != "__builtins__"}, exercise.id
    assert ("%load_ext tensorboard" in setup) == any(e.train for e in EXERCISES.values() if e.day == day)
    assert not re.search(r"^(import|from) tensorflow", setup, re.M)     # its start-up lines: through the course
