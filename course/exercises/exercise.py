"""What an exercise is: one definition from which its starter, its solution and its checks all come.

    Exercise(id="day3.sgd_step", title="one step of gradient descent", function="sgd_step",
             outputs=("w",), cases=sgd_cases, oracle=lambda w, grad, learning_rate: ...,
             mistakes=[Mistake("sign", "the sign is flipped: ...", lambda w, grad, learning_rate: ...)],
             hints=["a nudge", "...", "the formula"], train="update",
             task="...", args=(("w", "..."), ...), returns="...", example=Example("sgd_step(...)", "array(...)"),
             trap="...", solution="return w - learning_rate * grad")

The starter asks (``task``, ``args``, ``returns``, ``example``, ``trap``); the hints give, from a nudge to the
formula; the solution's body is revealed once the exercise passes (``course.exercises.texts`` writes both
files from this one definition). The oracles are the course's NumPy references (``course.reference``),
tested against Keras and finite differences; a ``Mistake`` is a wrong version a learner typically writes:
when the learner's answer equals it on the failing case, its diagnosis is what the learner reads.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SECONDS = 2.0      # seconds a learner's file may take to load, and its function on all of an exercise's cases
TF_SECONDS = 8.0   # the same for a TensorFlow exercise: Keras models built, a few eager steps (well under 1 s)
TF_IMPORTS = "import numpy as np\nimport tensorflow as tf\nimport keras"     # a TensorFlow exercise's first lines


@dataclass(frozen=True)
class Mistake:
    name: str            # a short name, e.g. "sign"
    diagnosis: str       # what the learner reads when their answer equals ``model``'s ({fields} from ``when``)
    model: object        # the wrong version: same arguments as the exercise, same outputs
    when: object = None  # when(case, actual, expected) -> falsy, True or a dict of the diagnosis's {fields}: the
    #                      mistake recognised by what the learner's code did (every gradient None, two updates a
    #                      step), not by equal numbers; ``model`` is then a learner's function making it (the tests')


@dataclass(frozen=True)
class Example:
    call: str            # what a learner types: "sgd_step(np.array([0.5, -0.25]), np.array([0.2, -0.4]), 0.1)"
    result: str          # what the solution prints, as a doctest would ("..." ends a long number)
    note: str = ""       # a comment beside the result: "# z = 0.1 and 0.35"
    setup: tuple = ()    # statements typed before the call, each on its own ">>>" line


@dataclass(frozen=True)
class Exercise:
    id: str              # "day3.sgd_step": the lesson's day and the function's name
    title: str           # one line for `course exercises list` (what to write, never the answer)
    function: str        # the name of the function the learner writes
    outputs: tuple       # names of what it returns, e.g. ("dw", "db"); one name: a single value
    cases: object        # cases(rng) -> [dict of keyword arguments], smallest first
    oracle: object       # the right answer for a case
    mistakes: tuple = ()
    hints: tuple = ()    # from a nudge to the formula: the last one leads to it
    rtol: float = 1e-6   # relative tolerance of "equal"
    atol: float = 1e-9
    train: str = ""      # "update" or "gradient": `course check ID --train` runs it in a real Keras loop
    keeps_inputs: bool = True   # the function must leave its array arguments unchanged
    # --- the text, written once: the starter asks, the solution answers ---------------------------------
    heading: str = ""    # the starter's first line: "Day 3 - one step of gradient descent"
    task: str = ""       # the task in words
    args: tuple = ()     # (name, what it is with its shape), one per argument, in the signature's order
    returns: str = ""    # what it returns, with the shapes
    example: Example | None = None
    trap: str = ""       # the trap to avoid
    solution: str = ""   # the course's body of the function (NumPy imported as np)
    look_at: tuple = ()  # (output, what to look at when only it is wrong), e.g. ("dW1", "delta1")
    to_data: object = None   # a course function run in the worker on what the learner returned, when that is not
    #                          data (a Keras model): it returns the numbers the oracle's output is compared with
    # --- TensorFlow exercises: the learner's code uses TensorFlow, and runs in the worker only -------------------
    drive: object = None     # a course function run in the worker: drive(function, **case) -> the outputs. It calls
    #                          the learner's function as a loop would (k training steps, a model built and described)
    reference_in_worker: bool = False   # the oracle is a function like the learner's (the course's own), driven the
    #                          same way in the worker before any learner code runs there; every mistake has ``when``
    tensorflow: bool = False  # TensorFlow loads in the worker before the learner's file does (the course's time)
    seconds: float = SECONDS  # the learner's time for loading the file, and for all the cases
    imports: str = "import numpy as np"     # the first lines of the starter and the solution
    shown: tuple = ()        # the outputs a verdict shows, expected and got (default: all of them)

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


def numeric(value):
    """``value`` as a float64 array, or None when it is not made of real numbers (a complex value is not:
    its imaginary part would be dropped)."""
    if value is None or isinstance(value, (str, bytes, dict)):
        return None
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        return None
    if array.dtype.kind not in "biuf":
        return None
    return array.astype(np.float64)


def close(actual, expected, rtol, atol) -> bool:
    """Same shape, NaN and inf in the same places, and equal within the tolerances elsewhere. An expected value
    that is not an array of numbers (layer descriptions, tag names, ragged lists) is compared item by item."""
    if numeric(expected) is None:
        return _same_structure(actual, expected, rtol, atol)
    a = numeric(actual)
    if a is None:
        return False
    e = np.asarray(expected, dtype=np.float64)
    return a.shape == e.shape and bool(np.all(np.isfinite(a) == np.isfinite(e))) and bool(
        np.allclose(a, e, rtol=rtol, atol=atol, equal_nan=True))


def _same_structure(actual, expected, rtol, atol) -> bool:
    if isinstance(expected, (list, tuple)):
        return isinstance(actual, (list, tuple)) and len(actual) == len(expected) and all(
            close(a, e, rtol, atol) for a, e in zip(actual, expected))
    return type(actual) is type(expected) and bool(actual == expected)


def same_outputs(exercise: Exercise, actual: tuple, expected: tuple) -> bool:
    return len(actual) == len(expected) and all(close(a, e, exercise.rtol, exercise.atol)
                                                for a, e in zip(actual, expected))


def equals(wrong, rtol: float = 1e-6, atol: float = 1e-9):
    """``Mistake.when`` for a mistake that NumPy computes from the case: the learner's outputs equal
    ``wrong(**case)``'s (a driven exercise, whose ``model`` is a learner's function, not the case's)."""
    def when(case, actual, expected):
        outputs = wrong(**copy_case(case))
        outputs = outputs if isinstance(outputs, tuple) else (outputs,)
        return len(actual) == len(outputs) and all(close(a, e, rtol, atol) for a, e in zip(actual, outputs))
    return when


def copy_case(case: dict) -> dict:
    """A deep enough copy of a case: arrays copied, so nothing the learner does can change the next case."""
    return {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in case.items()}
