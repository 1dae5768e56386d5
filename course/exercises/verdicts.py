"""Verdicts from what the learner's code gave: a record of one call (``course.exercises.calls``), a file that
would not load, a worker that ended or ran out of time. The comparison with the oracle, the catalogued
mistakes and the locating diagnoses (``locate``) all run here, in the checker, on data alone.

    result = judge(exercise, case, record)      # None: this case is right
"""
from __future__ import annotations

import re
import signal
import warnings

import numpy as np

from course.exercises.exercise import SECONDS, as_outputs, copy_case, same_outputs
from course.exercises.locate import locate
from course.exercises.result import Result, case_details, printed_lines

TIMEOUT = SECONDS  # seconds a learner's file may take to load, and its function on all of an exercise's cases
#                   (a TensorFlow exercise has more: ``Exercise.seconds``)


def not_implemented(exercise) -> Result:
    return Result(exercise, "not implemented", f"not implemented yet: write the body of {exercise.function} "
                  f"(course hint {exercise.id} gives a hint)", diagnosis="not_implemented")


def passed(exercise, cases) -> Result:
    return Result(exercise, "passed", f"passed all {len(cases)} cases")


def judge(exercise, case, record: dict, expected=None):
    """The verdict if ``record`` (the learner's function on ``case``) is wrong; None if it is right. ``expected``:
    the oracle's outputs when the worker computed them (``reference_in_worker``), else the oracle runs here."""
    error = record.get("error")
    if error:
        return raised(exercise, error, record.get("locals") or {}, record.get("printed", ""), case)
    actual = as_outputs(exercise, record.get("value"))
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if expected is None:
            expected = exercise.oracle(**copy_case(case))
        expected = as_outputs(exercise, expected)
        if not same_outputs(exercise, actual, expected):
            name, sentence = diagnose(exercise, case, actual, expected, record.get("locals") or {})
            return Result(exercise, "failed", sentence, case_details(exercise, case, actual, expected) +
                          printed_lines(record.get("printed", "")), diagnosis=name, case=case)
    after = record.get("after") or {}         # the arguments as the call left them (none sent: taken as changed)
    changed = [k for k, v in case.items() if isinstance(v, np.ndarray)
               and (k not in after or not np.array_equal(np.asarray(after[k]), v, equal_nan=True))]
    if exercise.keeps_inputs and changed:
        k = changed[0]
        return Result(exercise, "failed", f"the result is right, but your function changed its argument {k} in "
                      f"place: work on a copy ({k} = {k}.copy()) or build a new array",
                      case_details(exercise, case, actual, expected), diagnosis="changed_input", case=case)
    return None


def diagnose(exercise, case: dict, actual: tuple, expected: tuple, local_shapes=None):
    """(name, sentence) of what is wrong with ``actual`` on ``case``: a catalogued mistake, else ``locate``."""
    for mistake in exercise.mistakes:
        if mistake.when is not None:
            fields = recognised(mistake, case, actual, expected)
            if fields:
                return mistake.name, mistake.diagnosis.format(**fields) if isinstance(fields, dict) else \
                    mistake.diagnosis
            continue
        if exercise.reference_in_worker:       # its models are TensorFlow code: recognised by ``when`` alone
            continue
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wrong = as_outputs(exercise, mistake.model(**copy_case(case)))
        if same_outputs(exercise, actual, wrong):
            return mistake.name, mistake.diagnosis
    return locate(exercise, case, actual, expected, local_shapes)


def recognised(mistake, case, actual, expected):
    """``mistake.when`` on what the learner's code gave: a value of any kind or shape only fails to match."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return mistake.when(case, actual, expected)
    except (TypeError, ValueError, IndexError, KeyError, AttributeError, ZeroDivisionError):
        return None


def _where(error: dict) -> list:
    return [f"    line {lineno}, in {name}: {line}" for lineno, name, line in error.get("frames", [])[-2:]]


def raised(exercise, error: dict, local_shapes: dict, printed: str = "", case=None) -> Result:
    """What the learner's code raised (or how it exited), at the learner's own lines."""
    kind, message = str(error.get("type", "")), tensorflow_message(str(error.get("message", "")))
    if kind == "NotImplementedError":
        return not_implemented(exercise)
    where, printed = _where(error), printed_lines(printed)
    if kind == "SystemExit":
        code = error.get("exit_code")
        status = "" if code is None else repr(code)
        return Result(exercise, "error", f"your code asked Python to exit (SystemExit({status}): sys.exit, exit() or "
                      "raise SystemExit): an exercise returns its answer, it does not end the program",
                      where + printed, diagnosis="exit", case=case)
    hint = _explain(kind, message, local_shapes, case or {}) if not error.get("not_an_error") else [
        f"    {kind} is not an error a function returns with: the checker stopped this exercise there"]
    summary = f"your code raised {kind}" + (f": {message}" if message else "")
    return Result(exercise, "error", summary, [*where, *hint, *printed], diagnosis="exception", case=case)


def tensorflow_message(message: str) -> str:
    """A TensorFlow error's message as a learner reads it: without the name of the kernel that raised it
    ("{{function_node __wrapped__MatMul_device_/job:localhost/...}} ") and the empty "name: " at its end."""
    return re.sub(r"\s*name:\s*$", "", re.sub(r"^\{\{function_node [^}]*\}\}\s*", "", message))


SHAPE = re.compile(r"\((\d+(?:\s*,\s*\d+)*)?,?\)")


def _explain(kind, message, local_shapes, case) -> list:
    if kind == "EOFError":
        return ["    the checker gives your function no keyboard input: input() read nothing"]
    if kind == "RecursionError":
        return ["    your function calls itself without end"]
    if kind != "ValueError" or not ("matmul" in message or "broadcast" in message or "align" in message):
        return []
    shapes = {k: tuple(np.shape(v)) for k, v in case.items() if isinstance(v, np.ndarray)}
    shapes.update({k: tuple(s) for k, (s, _) in local_shapes.items() if k not in shapes})
    for name, shape in shapes.items():
        if len(shape) == 2 and shape[0] == shape[1] > 1:
            n = shape[0]
            flat = [k for k, s in shapes.items() if s == (n,)]
            column = [k for k, s in shapes.items() if s == (n, 1)]
            if flat and column:
                return [f"    {name} has shape ({n}, {n}): {flat[0]} has shape ({n},) and {column[0]} ({n}, 1), and "
                        f"NumPy broadcast them into a square; reshape {flat[0]} to ({n}, 1) first "
                        f"({flat[0]}.reshape(-1, 1))"]
    met = [tuple(int(n) for n in m.replace(" ", "").split(",") if n) for m in SHAPE.findall(message)]
    for big in met:
        for small in met:
            if len(big) >= 2 and small == big[:-1]:
                return [f"    an array of shape {small} met one of shape {big}: a sum or max over the last axis "
                        "without keepdims=True? (it keeps the axis, so the result divides back into every row)"]
    if "broadcast" in message and len(met) >= 2:
        names = [k for k, s in shapes.items() if s in met]
        named = f" ({', '.join(f'{k} is {shapes[k]}' for k in names[:3])})" if names else ""
        return [f"    NumPy lines up shapes from the last axis: these two cannot be combined entry by entry{named}"]
    return ["    the shapes of a matrix product do not match: check the shapes in the docstring and which "
            "matrix needs a transpose (.T)"]


def load_error(exercise, error: dict) -> Result:
    """The file would not compile or run, or defines no such function."""
    kind = error.get("kind")
    if kind == "syntax":
        message, line = str(error.get("msg", "")), str(error.get("text", ""))
        if "codec can't decode" in message or "Non-UTF-8" in message or "encoding" in message:
            return Result(exercise, "error", f"Python cannot read this file: {message}", [
                "    save it as UTF-8 (or declare its encoding on the first line: # -*- coding: latin-1 -*-)"],
                diagnosis="encoding")
        at = f" at line {error['lineno']}" if error.get("lineno") else ""
        return Result(exercise, "error", f"a syntax error{at}: {message}", [f"    {line}"] if line else [],
                      diagnosis="syntax")
    if kind == "missing_function":
        return Result(exercise, "error", f"define a function named {exercise.function} in this file",
                      diagnosis="missing_function")
    return raised(exercise, error, {}, error.get("printed", ""))


def fault(exercise, fault, loading: bool) -> Result:
    """The worker gave no answer: a time-out, an exit, a signal, or a channel the learner's code broke."""
    if fault.kind == "timeout":
        if loading:
            return Result(exercise, "timeout", f"loading the file did not finish within {exercise.seconds:g} s (a loop "
                          "at the top level of the file, or input()?)", diagnosis="timeout")
        return Result(exercise, "timeout", f"time-out: your function did not return within {exercise.seconds:g} s "
                      "(an endless loop? a loop condition that never becomes false?)", diagnosis="timeout")
    if fault.kind == "broken":
        return Result(exercise, "error", "the course's worker process could not start: this is the course's fault, "
                      "not your code's", [f"    {fault.detail}"] if fault.detail else [], diagnosis="worker")
    code, when = fault.returncode, "while the file loaded" if loading else "while your function ran"
    if fault.kind == "ended" and isinstance(code, int) and code < 0:
        name = _signal_name(-code)
        return Result(exercise, "error", f"the process running your code was ended by {name} {when}",
                      [f"    {fault.detail}"] if fault.detail else [], diagnosis="signal")
    if fault.kind == "ended":
        return Result(exercise, "error", f"your code ended the process with exit status {code} {when} "
                      f"(os._exit({code})?): an exercise returns its answer", diagnosis="exit")
    return Result(exercise, "error", f"your code broke the checker's channel to it {when} (did it close or write "
                  "to a file descriptor it did not open?)", diagnosis="channel")


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
