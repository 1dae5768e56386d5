"""Exercises written once: the starter asks (the task, the shapes, a worked example, the trap) and gives nothing
away; the hints give, from a nudge to the formula; the solution shares the starter's docstring, and every worked
example is what the course's solution prints."""
import ast
import doctest
import re

import pytest

from course.exercises import EXERCISES
from course.exercises.texts import NOT_WRITTEN, solution_text, starter_text, untouched


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _clauses(hint: str):
    """The pieces of a hint a starter must not hold: its sentences and the parts between ';' and ':'."""
    return [c.strip() for c in re.split(r"[.;:]\s|\n", hint) if len(c.strip()) >= 15]


def _arithmetic(solution: str, calls: bool = False):
    """The solution's lines that compute something, without comments: 'return w - learning_rate * grad'; with
    ``calls`` (a TensorFlow exercise, whose work is calls) also those that call: 'grads = tape.gradient(...)'."""
    for line in solution.splitlines():
        code = line.split("#")[0].strip()
        if (re.search(r"[-+*/@<>]", code) or calls and re.search(r"\w\(", code)) and \
                not code.startswith(("for ", "with ")):
            yield code


@pytest.mark.parametrize("exercise_id", list(EXERCISES))
def test_the_starter_asks_the_task_shapes_an_example_and_the_trap(exercise_id):
    exercise = EXERCISES[exercise_id]
    starter = starter_text(exercise)
    docstring = ast.get_docstring(ast.parse(starter).body[-1])
    assert " ".join(exercise.task.split())[:60] in " ".join(starter.split())
    assert "Args:" in docstring and "Returns:" in docstring and "Example:" in docstring
    assert all(f"{name}: " in docstring for name, _ in exercise.args)
    assert re.search(r"\(\w*,? ?\w*\)|shape|any shape|a number", docstring)          # the shapes are said
    assert "Watch out: " in docstring and f">>> {exercise.example.call[:40]}" in starter
    assert starter.rstrip().endswith(NOT_WRITTEN.format(function=exercise.function))


@pytest.mark.parametrize("exercise_id", list(EXERCISES))
def test_no_hint_and_no_line_of_the_solutions_arithmetic_appears_in_the_starter(exercise_id):
    exercise = EXERCISES[exercise_id]
    starter = starter_text(exercise)
    flat, squeezed = " ".join(starter.split()), _squeezed(starter)
    leaked = [c for hint in exercise.hints for c in _clauses(hint) if " ".join(c.split()) in flat]
    leaked += [line for line in _arithmetic(exercise.solution, exercise.tensorflow) if _squeezed(line) in squeezed]
    assert leaked == []
    assert list(_arithmetic(exercise.solution, exercise.tensorflow)), "the solution computes something"


def test_the_check_above_catches_a_leak():
    exercise = EXERCISES["day3.sgd_step"]
    assert any(_squeezed(line) in _squeezed(f"Do: {exercise.solution}") for line in _arithmetic(exercise.solution))
    assert any(c in exercise.hints[-1] for c in _clauses(exercise.hints[-1]))


@pytest.mark.parametrize("exercise_id", list(EXERCISES))
def test_hints_go_from_a_nudge_to_the_formula(exercise_id):
    exercise = EXERCISES[exercise_id]
    hints = exercise.hints
    assert len(hints) >= 2
    # the last hint leads to the formula: it writes the computation out (an '=' or an arrow); the first one holds
    # no line of the solution's arithmetic
    assert re.search(r"=|<-", hints[-1])
    assert not [line for line in _arithmetic(exercise.solution, exercise.tensorflow)
                if _squeezed(line.removeprefix("return ")) in _squeezed(hints[0])]


@pytest.mark.parametrize("exercise_id", list(EXERCISES))
def test_the_solution_shares_the_starters_docstring_written_once(exercise_id):
    exercise = EXERCISES[exercise_id]
    starter, solution = starter_text(exercise), solution_text(exercise)
    assert ast.get_docstring(ast.parse(starter).body[-1]) == ast.get_docstring(ast.parse(solution).body[-1])
    assert "The course's solution" in solution and "NotImplementedError" not in solution
    assert untouched(exercise, starter.encode()) and not untouched(exercise, solution.encode())
    assert untouched(exercise, b"\xef\xbb\xbf" + starter.replace("\n", "\r\n").encode() + b"\n\n")


@pytest.mark.parametrize("exercise_id", list(EXERCISES))
def test_the_worked_example_is_what_the_solution_prints(exercise_id):
    exercise = EXERCISES[exercise_id]
    namespace = {}
    exec(compile(solution_text(exercise), exercise.path, "exec"), namespace)
    for line in exercise.example.setup:
        exec(line, namespace)
    got = repr(eval(exercise.example.call, namespace))
    assert doctest.OutputChecker().check_output(exercise.example.result + "\n", got + "\n",
                                                doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE), got


def test_titles_say_what_to_write_not_the_answer():
    for exercise in EXERCISES.values():
        assert not re.search(r"[-+*/]\s|<-|\^", exercise.title), exercise.title


@pytest.mark.parametrize("exercise_id", list(EXERCISES))
def test_every_line_of_a_starters_example_is_python_a_learner_can_paste(exercise_id):
    """Each `>>>` statement with its `...` lines compiles (a wrapped line once split a tuple at a comma)."""
    lines = [line.strip() for line in starter_text(EXERCISES[exercise_id]).splitlines()
             if line.strip().startswith((">>> ", "... "))]
    statements = []
    for line in lines:
        if line.startswith(">>> "):
            statements.append([line[4:]])
        else:
            statements[-1].append(line[4:])
    assert statements
    for statement in statements:
        compile("\n".join(statement), exercise_id, "single")
