"""The exercises in a notebook: ``check``, ``hint`` and ``train``, each printing what the ``course`` command prints.

    from course.notebooks import check, hint, train
    check("day3.sgd_step", sgd_step)      # the verdict `course check day3.sgd_step` prints; the solution once it passes
    hint("day3.sgd_step")                 # one more hint each time, the last one leading to the formula
    train("day3.sgd_step", sgd_step)      # `course check day3.sgd_step --train`: your function trains a Keras model

The learner's function lives in the notebook's kernel, so it is checked there (``course.exercises.check``), not in
a worker process as ``course check`` checks a file. The text is plain (no terminal colours): a notebook shows it in
its own theme, light or dark. Each returns None, so that the cell shows the verdict and nothing else.
"""
from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

from course.exercises import EXERCISES, exercise
from course.exercises.texts import function_text

_HINTS_SHOWN: dict = {}       # exercise id -> hints shown in this kernel


def check(exercise_id: str, function) -> None:
    """Check ``function`` as the answer to ``exercise_id`` and print the verdict; once it passes, the course's
    solution under it, to compare with yours (as ``course check`` writes it into ``solutions/``).

    Example:
        >>> def sgd_step(w, grad, learning_rate):
        ...     return w - learning_rate * grad
        >>> check("day3.sgd_step", sgd_step)
        ok      day3.sgd_step: passed all 2 cases
    """
    from course.exercises import check as check_function
    the = exercise(exercise_id)
    result = check_function(exercise_id, function, quiet=True)
    print(_notebook_report(result))
    if result.passed:
        print("        the course's solution, to compare with yours:")
        print(textwrap.indent(function_text(the, solution=True, docstring=False), " " * 12))
        if the.train:
            print(f"        train the lesson's Keras model with your function: train(\"{exercise_id}\", "
                  f"{the.function})")


def _notebook_report(result) -> str:
    """The verdict as ``course check`` prints it, a hint named as a notebook asks for one."""
    if result.diagnosis == "not_implemented":
        the = result.exercise
        result = replace(result, summary=f"not implemented yet: write the body of {the.function} "
                                         f"(hint(\"{the.id}\") gives a hint)")
    return result.report()


def hint(exercise_id: str) -> None:
    """Print the next hint of ``exercise_id`` (the k-th of n; the last one again once all are shown).

    Example:
        >>> hint("day3.sgd_step")
        Hint 1 of 3 for day3.sgd_step: The gradient points uphill, towards a larger loss; ...
    """
    hints = exercise(exercise_id).hints
    shown = min(_HINTS_SHOWN.get(exercise_id, 0) + 1, len(hints))
    _HINTS_SHOWN[exercise_id] = shown
    print(f"Hint {shown} of {len(hints)} for {exercise_id}: {hints[shown - 1]}")
    if shown == len(hints) and len(hints) > 1:
        print("(that is the last hint: it leads to the formula; the docstring's example is worth a second look)")


def train(exercise_id: str, function, *, logdir: str = "logs", seed: int = 0) -> None:
    """Once ``function`` passes ``exercise_id``, train the lesson's Keras model with it and log the run to
    TensorBoard beside the course's own code, from the same start: ``<logdir>/exercises/<time>_<id>`` and
    ``..._<id>.course``; it prints what ``course check EXERCISE --train`` prints.

    Example:
        >>> train("day3.sgd_step", sgd_step)
        -- your sgd_step: Day 1's perceptron on the blobs, 10 epochs, lr 0.5 ...
    """
    from course.exercises import check as check_function
    the = exercise(exercise_id)
    if not the.train:
        trainable = ", ".join(eid for eid, e in EXERCISES.items() if e.train)
        raise ValueError(f"{exercise_id} does not train a model; train takes {trainable}")
    result = check_function(exercise_id, function, quiet=True)
    if not result.passed:
        print(_notebook_report(result))
        print("Training starts once it passes: nothing was trained.")
        return
    from course.exercises.learner_training import summary, trainer
    from course.exercises.supervised import done
    print("Training with your function ...", flush=True)
    runs = trainer(the)(the, function, logdir=logdir, seed=seed, print_fn=print)
    done(summary(runs), print, str(Path(logdir) / "exercises"))
