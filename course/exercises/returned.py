"""What the learner's function returned, when it is not numbers of the right kind and shape: None (a missing
`return`), too few values, complex numbers, a generator, text; a wrong shape, and why when it is clear (two
arrays broadcast into a square, a transpose, an axis of length 1, a sum over every axis).

    kind_problem(exercise, actual, expected)                       # (name, sentence) or None
    shape_problem(exercise, case, actual, expected, local_shapes)  # (name, sentence) or None
"""
from __future__ import annotations

import numpy as np

from course.exercises.exercise import numeric
from course.exercises.result import show
from course.exercises.wire import Opaque, TooLarge


def kind_problem(exercise, actual, expected):
    """What came back is not numbers of the right kind: None, too few values, complex, text, an object."""
    outputs = exercise.outputs
    if len(actual) != len(expected):
        if len(actual) == 1 and actual[0] is None:
            return "returned_none", "your function returned None: is a `return` missing?"
        return "outputs", (f"it should return {len(expected)} value{'s' * (len(expected) > 1)} ({', '.join(outputs)}), "
                           f"it returned {len(actual)}")
    for name, value, want in zip(outputs, actual, expected):
        label = "your function" if len(outputs) == 1 else f"{name}"
        if value is None:
            return "returned_none", (f"{label} returned None: is a `return` missing?" if len(outputs) == 1 else
                                     f"{name} is None: is a value missing from the `return`?")
        if numeric(want) is None:             # a description (names, tags): compared item by item, not as numbers
            continue
        kind = getattr(getattr(value, "dtype", None), "kind", "")
        if isinstance(value, (complex, np.complexfloating)) or kind == "c":
            imaginary = np.abs(np.imag(value)).max(initial=0.0)
            if imaginary:
                return "complex", (f"{name} is complex, with an imaginary part up to {show(imaginary)}; the answer is "
                                   "real: a 1j, or the square root of a negative number?")
            return "complex", (f"{name} is complex (its imaginary part is 0): return real numbers, the answer is "
                               "real")
        if isinstance(value, TooLarge):
            want = np.shape(expected[outputs.index(name)])
            return "shape", f"{name} has the wrong shape: expected {want}, got {value.shape}"
        if isinstance(value, Opaque) and "generator" in value.type_name:
            return "type", f"{label} returned a generator: a `yield` where a `return` belongs?"
        if numeric(value) is None:
            kind = value.type_name if isinstance(value, Opaque) else type(value).__name__
            return "type", f"{name} should be a number or an array of numbers, got {kind}"
    return None


def shape_problem(exercise, case, actual, expected, local_shapes):
    for name, a, e in zip(exercise.outputs, actual, expected):
        if numeric(e) is None:
            continue
        got, want = np.shape(numeric(a)), np.shape(e)
        if got == want:
            continue
        why = _broadcast(case, got, local_shapes)
        if why:
            return "broadcast", f"{name} has shape {got} where {want} was expected: {why}"
        if got == want[::-1] and len(want) == 2:
            return "shape", f"{name} has shape {got} where {want} was expected: transposed (.T)?"
        if tuple(n for n in got if n != 1) == tuple(n for n in want if n != 1):
            return "shape", (f"{name} has shape {got} where {want} was expected: the same numbers with an axis of "
                             "length 1 too many or too few (reshape, keepdims, or a column where a flat array belongs)")
        if got == () and want:
            return "shape", f"{name} is a single number where {want} was expected: a sum or mean over every axis?"
        if want == () and got:
            return "shape", (f"{name} has shape {got} where a single number was expected: the mean or sum over the "
                             "examples is missing?")
        return "shape", f"{name} has the wrong shape: expected {want}, got {got}"
    return None


def _broadcast(case, got, local_shapes) -> str:
    """'y has shape (4,) and p (4, 1): together they broadcast to (4, 4)', when that explains ``got``."""
    shapes = {k: tuple(np.shape(v)) for k, v in case.items() if isinstance(v, np.ndarray)}
    shapes.update({k: tuple(s) for k, (s, _) in local_shapes.items() if k not in shapes})
    squares = [n for n in set(got) if got.count(n) >= 2 and n > 1]
    for n in squares:
        flat = [k for k, s in shapes.items() if s == (n,)]
        column = [k for k, s in shapes.items() if s == (n, 1)]
        if flat and column:
            a, b = (flat[0], column[0])
            return (f"{a} has shape ({n},) and {b} ({n}, 1): combined, {b} - {a} is ({n}, {n}) (NumPy broadcasts "
                    f"them); reshape {a} to ({n}, 1) first ({a}.reshape(-1, 1))")
    return ""
