"""What an exercise is: a function to write, seeded cases, an oracle, the typical mistakes it knows, hints.

    Exercise(id="day3.sgd_step", title="one step of gradient descent", function="sgd_step",
             outputs=("w",), cases=sgd_cases, oracle=lambda w, grad, learning_rate: w - learning_rate * grad,
             mistakes=[Mistake("sign", "the sign is flipped: ...", lambda w, grad, learning_rate: w + ...)],
             hints=["...", "..."], train="update")

The oracles are the course's NumPy references (``course.reference``), themselves tested against Keras
and finite differences; a ``Mistake`` is a wrong version a learner typically writes: when the
learner's answer equals it on the failing case, its diagnosis is what the learner reads.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Mistake:
    name: str            # a short name, e.g. "sign"
    diagnosis: str       # what the learner reads when their answer equals ``model``'s
    model: object        # the wrong version: same arguments as the exercise, same outputs


@dataclass(frozen=True)
class Exercise:
    id: str              # "day3.sgd_step": the lesson's day and the function's name
    title: str           # one line for `course exercises list`
    function: str        # the name of the function the learner writes
    outputs: tuple       # names of what it returns, e.g. ("dw", "db"); one name: a single value
    cases: object        # cases(rng) -> [dict of keyword arguments], smallest first
    oracle: object       # the right answer for a case
    mistakes: tuple = ()
    hints: tuple = ()
    rtol: float = 1e-6   # relative tolerance of "equal"
    atol: float = 1e-9
    train: str = ""      # "update" or "gradient": `course check ID --train` runs it in a real Keras loop
    keeps_inputs: bool = True   # the function must leave its array arguments unchanged

    @property
    def day(self) -> int:
        return int(self.id.split(".")[0][3:])

    @property
    def path(self) -> str:
        """Where the learner's file lives in a workspace: ``day3/sgd_step.py``."""
        day, name = self.id.split(".")
        return f"{day}/{name}.py"

    def seeded_cases(self, seed: int = 0) -> list:
        return self.cases(np.random.default_rng(seed))


def as_outputs(exercise: Exercise, value):
    """The function's return value as a tuple with one entry per named output."""
    if len(exercise.outputs) == 1:
        return (value,)
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def close(actual, expected, rtol, atol) -> bool:
    """Same shape, NaN and inf in the same places, and equal within the tolerances elsewhere."""
    try:
        a = np.asarray(actual, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    e = np.asarray(expected, dtype=np.float64)
    return a.shape == e.shape and bool(np.all(np.isfinite(a) == np.isfinite(e))) and bool(
        np.allclose(a, e, rtol=rtol, atol=atol, equal_nan=True))


def same_outputs(exercise: Exercise, actual: tuple, expected: tuple) -> bool:
    return len(actual) == len(expected) and all(close(a, e, exercise.rtol, exercise.atol)
                                                for a, e in zip(actual, expected))


def copy_case(case: dict) -> dict:
    """A deep enough copy of a case: arrays copied, so nothing the learner does can change the next case."""
    return {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in case.items()}
