"""A verdict on one exercise, and how its numbers are shown.

    Result(exercise, "failed", "the sign is flipped: ...", details=[...], diagnosis="sign", case={...})
    result.passed, result.report("course-exercises/day3/sgd_step.py")

``status`` is one of passed, failed, not implemented, error, timeout; ``diagnosis`` a short name of what
is wrong (a catalogued mistake's name, or one of the checker's own: shape, broadcast, factor, ...).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

STATUSES = ("passed", "failed", "not implemented", "error", "timeout")


@dataclass
class Result:
    """The verdict on one exercise."""
    exercise: object
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


def show(value) -> str:
    """One value as a learner reads it: numbers to 6 digits, arrays on one line."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    if isinstance(value, (int, np.integer)) or value is None:
        return repr(value) if not isinstance(value, np.integer) else str(int(value))
    if callable(value):
        return getattr(value, "__name__", None) or repr(value)
    if isinstance(value, (complex, np.complexfloating)):
        return f"{complex(value):.6g}"
    if isinstance(value, np.ndarray) and value.dtype.kind in "biufc":
        text = np.array2string(value, threshold=24, max_line_width=100, separator=", ",
                               formatter={"float_kind": lambda v: f"{v:.6g}",
                                          "complex_kind": lambda v: f"{complex(v):.6g}"})
        return " ".join(text.split())
    if isinstance(value, (list, tuple)) and len(value) <= 24:
        inner = ", ".join(show(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner}{',' * (len(value) == 1)})"
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "..."


def values(exercise, outputs) -> str:
    if len(exercise.outputs) == 1:
        return show(outputs[0])
    shown = exercise.shown or exercise.outputs
    return ", ".join(f"{name} = {show(value)}" for name, value in zip(exercise.outputs, outputs) if name in shown)


def case_details(exercise, case, actual, expected) -> list:
    args = ", ".join(f"{k} = {show(v)}" for k, v in case.items())
    return [f"    on the smallest failing case: {args}",
            f"    expected: {values(exercise, expected)}",
            f"    got:      {values(exercise, actual)}"]


def printed_lines(printed: str, limit: int = 3) -> list:
    """The first lines the learner's code printed, under a verdict."""
    lines = [line for line in printed.splitlines() if line.strip()]
    if not lines:
        return []
    more = f" (and {len(lines) - limit} more lines)" if len(lines) > limit else ""
    return [f"    your code printed{more}:", *(f"      {line[:120]}" for line in lines[:limit])]
