"""Checking a learner's function: seeded cases against the oracle, a diagnosis of what is wrong, no traceback.

    result = check_function(EXERCISES["day3.sgd_step"], sgd_step)
    result.passed, result.status, print(result.report())

The verdict names what is wrong, on the smallest failing case, with the expected and the actual
values: a typical mistake (the exercise's ``Mistake``s), a wrong shape, values that overflowed. A
starter not written yet is "not implemented yet"; code that raises is reported at the learner's own
line; a function that does not return within ``TIMEOUT`` seconds is stopped and said so.
"""
from __future__ import annotations

import signal
import threading
import traceback
import types
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from course.exercises.exercise import Exercise, as_outputs, close, copy_case, same_outputs

TIMEOUT = 2.0      # seconds a learner's function may run on all of an exercise's cases


class TimedOut(BaseException):
    """The learner's code ran past its time (a BaseException: a learner's ``except Exception`` cannot hide it)."""


@dataclass
class Result:
    """The verdict on one exercise. ``status``: passed, failed, not implemented, error, timeout."""
    exercise: Exercise
    status: str
    summary: str = ""                 # the one-line verdict after the exercise's id
    details: list = field(default_factory=list)   # the lines under it: the case, expected, got
    diagnosis: str = ""               # the mistake's name, or "shape", "not_finite", "exception", ...
    case: dict | None = None

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def report(self, path: str = "") -> str:
        where = f" ({path})" if path else ""
        word = {"passed": "ok", "not implemented": "not yet"}.get(self.status, "FAIL")
        return "\n".join([f"{word:<7} {self.exercise.id}{where}: {self.summary}", *self.details])


@dataclass
class _Deadline:
    seconds: float
    previous: object = None

    def __enter__(self):
        self.armed = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
        if self.armed:   # signals only reach the main thread; elsewhere (a notebook's thread) no time limit
            self.previous = signal.signal(signal.SIGALRM, self._expire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    @staticmethod
    def _expire(signum, frame):
        raise TimedOut()

    def __exit__(self, *exc):
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        return False


def load_function(exercise: Exercise, path):
    """The learner's function from their file (run in a fresh namespace), or a failed ``Result``."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as err:
        return Result(exercise, "error", f"cannot read {path}: {err.strerror or err}", diagnosis="missing_file")
    module = types.ModuleType(f"exercise_{exercise.id.replace('.', '_')}")
    module.__file__ = str(path)
    try:
        with _Deadline(TIMEOUT), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(source, str(path), "exec"), module.__dict__)
    except TimedOut:
        return Result(exercise, "timeout", f"loading the file did not finish within {TIMEOUT:g} s "
                      "(a loop at the top level of the file?)", diagnosis="timeout")
    except SyntaxError as err:
        return Result(exercise, "error", f"a syntax error at line {err.lineno}: {err.msg}",
                      [f"    {(err.text or '').rstrip()}"], diagnosis="syntax")
    except Exception as err:   # noqa: BLE001 - the learner's file: any error is theirs to see
        return _raised(exercise, err, str(path))
    function = getattr(module, exercise.function, None)
    if not callable(function):
        return Result(exercise, "error", f"define a function named {exercise.function} in this file",
                      diagnosis="missing_function")
    return function


def _raised(exercise, err, filename) -> Result:
    """The learner's exception, at the learner's own line (the checker's frames left out)."""
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if f.filename == filename or (not filename and "course/exercises" not in f.filename.replace("\\", "/"))]
    where = [f"    line {f.lineno}, in {f.name}: {(f.line or '').strip()}" for f in frames[-2:]]
    hint = []
    if isinstance(err, ValueError) and ("matmul" in str(err) or ("shapes" in str(err) and "align" in str(err))):
        hint = ["    the shapes of a matrix product do not match: check the shapes in the docstring and which "
                "matrix needs a transpose (.T)"]
    return Result(exercise, "error", f"your code raised {type(err).__name__}: {err}", [*where, *hint],
                  diagnosis="exception")


def _show(value) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    if isinstance(value, (int, np.integer)) or value is None or callable(value):
        return getattr(value, "__name__", None) or repr(value)
    array = np.asarray(value)
    if array.dtype == object:
        return repr(value)
    text = np.array2string(array, threshold=24, max_line_width=100, separator=", ",
                           formatter={"float_kind": lambda v: f"{v:.6g}"})
    return " ".join(text.split())


def _values(exercise, outputs) -> str:
    if len(exercise.outputs) == 1:
        return _show(outputs[0])
    return ", ".join(f"{name} = {_show(value)}" for name, value in zip(exercise.outputs, outputs))


def _shape_problem(exercise, actual, expected) -> str:
    if len(actual) != len(expected):
        names = ", ".join(exercise.outputs)
        return f"it should return {len(expected)} value{'s' * (len(expected) > 1)} ({names}), it returned {len(actual)}"
    for name, a, e in zip(exercise.outputs, actual, expected):
        try:
            shape = np.shape(np.asarray(a, dtype=np.float64))
        except (TypeError, ValueError):
            return f"{name} should be a number or an array of numbers, got {type(a).__name__}"
        if shape != np.shape(e):
            return f"{name} has the wrong shape: expected {np.shape(e)}, got {shape}"
    return ""


def diagnose(exercise: Exercise, case: dict, actual: tuple, expected: tuple):
    """(name, sentence) of what is wrong with ``actual`` on ``case``."""
    for mistake in exercise.mistakes:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wrong = as_outputs(exercise, mistake.model(**copy_case(case)))
        if same_outputs(exercise, actual, wrong):
            return mistake.name, mistake.diagnosis
    shape = _shape_problem(exercise, actual, expected)
    if shape:
        return "shape", shape
    finite = [np.all(np.isfinite(np.asarray(a, dtype=np.float64))) for a in actual]
    if not all(finite) and all(np.all(np.isfinite(e)) for e in expected):
        return "not_finite", ("your result holds NaN or inf where the right one is finite: a number overflowed "
                              "(an exp of a large value?) or was divided by zero")
    if all(close(a, -np.asarray(e), exercise.rtol, exercise.atol) for a, e in zip(actual, expected)):
        return "negated", "your result has the right size but the opposite sign: a sign is flipped somewhere"
    return "values", "the values are not the expected ones (compare them below, entry by entry)"


def check_function(exercise: Exercise, function, *, filename: str = "", seed: int = 0) -> Result:
    """Run ``function`` on the exercise's seeded cases; the verdict on the first (smallest) failing one."""
    cases = exercise.seeded_cases(seed)
    try:
        with _Deadline(TIMEOUT):
            for case in cases:
                given = copy_case(case)
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    value = function(**given)
                    expected = as_outputs(exercise, exercise.oracle(**copy_case(case)))
                actual = as_outputs(exercise, value)
                if not same_outputs(exercise, actual, expected):
                    name, sentence = diagnose(exercise, case, actual, expected)
                    return _failed(exercise, case, name, sentence, actual, expected)
                changed = [k for k, v in case.items() if isinstance(v, np.ndarray)
                           and not np.array_equal(given[k], v, equal_nan=True)]
                if exercise.keeps_inputs and changed:
                    return _failed(exercise, case, "changed_input",
                                   f"the result is right, but your function changed its argument {changed[0]} in "
                                   f"place: work on a copy ({changed[0]} = {changed[0]}.copy()) or build a new array",
                                   actual, expected)
    except NotImplementedError:
        return Result(exercise, "not implemented", f"not implemented yet: write the body of {exercise.function} "
                      f"(course hint {exercise.id} gives a hint)", diagnosis="not_implemented")
    except TimedOut:
        return Result(exercise, "timeout", f"time-out: your function did not return within {TIMEOUT:g} s (an "
                      "endless loop? a loop condition that never becomes false?)", diagnosis="timeout")
    except Exception as err:   # noqa: BLE001 - the learner's code: any error is theirs to see
        return _raised(exercise, err, filename)
    return Result(exercise, "passed", f"passed all {len(cases)} cases", diagnosis="")


def _failed(exercise, case, name, sentence, actual, expected) -> Result:
    args = ", ".join(f"{k} = {_show(v)}" for k, v in case.items())
    details = [f"    on the smallest failing case: {args}",
               f"    expected: {_values(exercise, expected)}",
               f"    got:      {_values(exercise, actual)}"]
    return Result(exercise, "failed", sentence, details, diagnosis=name, case=case)
