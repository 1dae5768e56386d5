"""Exercises: the learner writes the math, the course checks it against its oracles and names the mistake.

    from course.exercises import check
    result = check("day3.sgd_step", my_sgd_step)      # prints the verdict
    result.passed, result.diagnosis

From the command line: ``course exercises init`` copies the starters into ./course-exercises,
``course check`` checks them (``--watch`` on every save, ``--train`` in a real Keras loop),
``course hint EXERCISE`` gives one more hint each time. Checking never imports TensorFlow: the
oracles are the NumPy references of ``course.reference``, themselves tested against Keras.

Modules: ``exercise`` (what an exercise is), ``days`` (the 20 exercises of Days 1-8), ``checker``
(cases, verdicts, diagnoses, time-outs), ``workspace`` (a learner's folder of exercises), ``train``
(a passing function in the course's Keras loop). The starters and the course's solutions ship with
the package (``starters/``, ``solutions/``); a solution is copied into the workspace once its
exercise passes.
"""
from __future__ import annotations

from course.exercises.checker import Result, check_function
from course.exercises.days import EXERCISES

__all__ = ["check", "EXERCISES", "Result", "exercise"]


def exercise(exercise_id: str):
    """The ``Exercise`` called ``exercise_id`` ("day3.sgd_step"), or ValueError listing them."""
    if exercise_id not in EXERCISES:
        raise ValueError(f"no exercise {exercise_id!r}; the exercises are: {', '.join(EXERCISES)}")
    return EXERCISES[exercise_id]


def check(exercise_id: str, function, *, quiet: bool = False) -> Result:
    """Check ``function`` as the answer to ``exercise_id``; print the verdict (unless ``quiet``) and return it.

    Example:
        >>> def sgd_step(w, grad, learning_rate):
        ...     return w - learning_rate * grad
        >>> check("day3.sgd_step", sgd_step).passed
        ok      day3.sgd_step: passed all 2 cases
        True
    """
    result = check_function(exercise(exercise_id), function)
    if not quiet:
        print(result.report())
    return result
