"""Exercises: the learner writes the math, the course checks it against its oracles and names the mistake.

    from course.exercises import check
    result = check("day3.sgd_step", my_sgd_step)      # prints the verdict
    result.passed, result.diagnosis

From the command line: ``course exercises init`` writes the starters into ./course-exercises (in a workspace of
an earlier version, the ones it lacks), ``course check`` checks them (``--watch`` on every save, ``--train`` in a
real Keras loop), ``course hint EXERCISE`` gives one more hint each time, ``course grade DIR...`` grades a class.
Checking a NumPy exercise never imports TensorFlow: the oracles are the NumPy references of ``course.reference``,
themselves tested against Keras. A TensorFlow exercise (``Exercise.tensorflow``: the GradientTape step, the
tf.data loop, the logging) runs the learner's code in the worker only, driven as a loop would (``drive``); where
its oracle is the course's own TensorFlow code, that runs in the worker too, before any learner code there.

Modules: ``exercise`` (what an exercise is: one definition), ``days`` (the 31 exercises of Days 1-10),
``texts`` (the starter and the solution written from it), ``checker`` (cases, the worker, verdicts),
``verdicts`` and ``locate`` (what is wrong, and where), ``result`` (a verdict), ``process``,
``worker``, ``calls`` and ``wire`` (the learner's code in a worker process, and what crosses the pipe),
``references`` (a TensorFlow exercise's right answers), ``observed``, ``tfsteps``, ``tfmodels``, ``tfepochs``,
``tflogs`` (the TensorFlow exercises driven: what the learner's step, model or loop did, as data),
``workspace`` and ``safefiles`` (a learner's folder, written only inside it), ``grading`` (a class),
``train``, ``tftrain``, ``learner_training`` and ``supervised`` (a passing function in the course's Keras loop).
"""
from __future__ import annotations

from course.exercises.days import EXERCISES
from course.exercises.result import Result

__all__ = ["check", "EXERCISES", "Result", "exercise"]


def exercise(exercise_id: str):
    """The ``Exercise`` called ``exercise_id`` ("day3.sgd_step"), or ValueError listing them."""
    if exercise_id not in EXERCISES:
        raise ValueError(f"no exercise {exercise_id!r}; the exercises are: {', '.join(EXERCISES)}")
    return EXERCISES[exercise_id]


def check(exercise_id: str, function, *, quiet: bool = False) -> Result:
    """Check ``function`` as the answer to ``exercise_id``; print the verdict (unless ``quiet``) and return it.

    It runs ``function`` in this process (a notebook's function lives here): unlike ``course check``, which
    runs a learner's file in a worker process, nothing contains a function that exits or hangs a thread,
    and its 2 s time-out works in the main thread only.

    Example:
        >>> def sgd_step(w, grad, learning_rate):
        ...     return w - learning_rate * grad
        >>> check("day3.sgd_step", sgd_step).passed
        ok      day3.sgd_step: passed all 2 cases
        True
    """
    from course.exercises.checker import check_function
    result = check_function(exercise(exercise_id), function)
    if not quiet:
        print(result.report())
    return result
