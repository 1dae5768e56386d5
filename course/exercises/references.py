"""The right answers of an exercise whose oracle is TensorFlow code (``Exercise.reference_in_worker``): the course's
own function driven exactly as the learner's will be, in the same process, so the two run the same operations
and agree to the last bit when the learner's code is right (oneDNN and the CPU change last bits between
machines, never between two runs in one process).

    expected = reference(EXERCISES["day2.train_step"], seed=0)     # one tuple of outputs per case
    kwargs = made(case)                                             # a case's inputs, Keras objects built

The worker computes them before it runs any learner code (``op: reference``); ``check()`` in a notebook
computes them in the notebook's process. Nothing here imports TensorFlow: the exercises' own course functions
(their ``drive``, their inputs' ``Build``) do, when they run.
"""
from __future__ import annotations

from course.exercises.calls import plain
from course.exercises.exercise import copy_case
from course.exercises.wire import Build


def made(case: dict) -> dict:
    """The case's keyword arguments with every ``Build`` made (a fresh model, optimizer or loss each time)."""
    return {k: v.function(**v.kwargs) if isinstance(v, Build) else v for k, v in copy_case(case).items()}


def expected(exercise, case: dict):
    """The oracle's outputs on ``case``, as the checker receives the learner's: driven, turned into data."""
    kwargs = made(case)
    value = exercise.drive(exercise.oracle, **kwargs) if exercise.drive is not None else exercise.oracle(**kwargs)
    return plain(exercise.to_data(value) if exercise.to_data is not None else value)


def reference(exercise, seed: int = 0) -> list:
    """The oracle's outputs on each of the exercise's seeded cases, in order."""
    return [expected(exercise, case) for case in exercise.seeded_cases(seed)]
