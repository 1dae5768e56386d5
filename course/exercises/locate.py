"""Where a wrong answer goes wrong, when no catalogued mistake matches: what the learner's function returned
(None, a generator, complex numbers), which shape and why (two arrays broadcast into a square), which
outputs are right and which are wrong, which rows or entries, a constant factor or offset, the right
answer for a neighbouring step count, entries shifted by one place.

    name, sentence = locate(exercise, case, actual, expected, local_shapes)

Only NumPy and the course's oracle run here, on values the worker sent: never the learner's code.
"""
from __future__ import annotations

import numpy as np

from course.exercises.exercise import close, copy_case, numeric
from course.exercises.result import show
from course.exercises.returned import kind_problem, shape_problem

GENERIC = "the values are not the expected ones (compare them below, entry by entry)"


def locate(exercise, case, actual, expected, local_shapes=None):
    """(diagnosis name, sentence) for ``actual`` on ``case`` (``expected`` is the oracle's)."""
    local_shapes = local_shapes or {}
    found = kind_problem(exercise, actual, expected) or shape_problem(exercise, case, actual, expected, local_shapes)
    if found:
        return found
    wrong = [i for i, (a, e) in enumerate(zip(actual, expected)) if not close(a, e, exercise.rtol, exercise.atol)]
    numbers = [numeric(e) is not None for e in expected]     # the others: descriptions, compared item by item
    if all(numbers):
        finite = [bool(np.all(np.isfinite(numeric(a)))) for a in actual]
        if not all(finite) and all(np.all(np.isfinite(np.asarray(e, float))) for e in expected):
            where = _where_not_finite(case, actual, expected)
            return "not_finite", ("your result holds NaN or inf where the right one is finite: a number overflowed "
                                  f"(an exp of a large value?) or was divided by zero{where}")
        if all(close(-numeric(a), e, exercise.rtol, exercise.atol) for a, e in zip(actual, expected)):
            return "negated", "your result has the right size but the opposite sign: a sign is flipped somewhere"
        swapped = _swapped(exercise, actual, expected)
        if swapped:
            return "swapped_outputs", swapped
    clauses = [c for c in (_one_output(exercise, case, i, actual, expected) for i in wrong if numbers[i]) if c]
    if len(exercise.outputs) > 1 and len(wrong) < len(exercise.outputs):
        right = [n for i, n in enumerate(exercise.outputs) if i not in wrong]
        names = [exercise.outputs[i] for i in wrong]
        look = dict(exercise.look_at)
        hint = sorted({look[n] for n in names if n in look} - {look[n] for n in right if n in look})
        sentence = (f"{_and(right)} {'is' if len(right) == 1 else 'are'} right; {_and(names)} "
                    f"{'is' if len(names) == 1 else 'are'} wrong" + (f": look at {_and(hint)}" if hint else ""))
        return "partly", sentence + "".join(f"; {c[1]}" for c in clauses[:1])
    if clauses:
        return sorted(clauses, key=lambda c: c[0] == "nearly")[0]      # "close" says least: last
    return "values", GENERIC


def _and(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _where_not_finite(case, actual, expected) -> str:
    inputs = [(k, np.asarray(v, float)) for k, v in case.items() if isinstance(v, np.ndarray) and v.dtype.kind == "f"]
    for a, e in zip(actual, expected):
        bad = ~np.isfinite(numeric(a))
        for k, v in inputs:
            if v.shape == bad.shape and bad.any():
                return f" (at {k} = {show(v[bad][:3])})"
    return ""


def _swapped(exercise, actual, expected) -> str:
    names = exercise.outputs
    if len(names) < 2:
        return ""
    for i, a in enumerate(actual):
        for j, e in enumerate(expected):
            right, other = (close(a, x, exercise.rtol, exercise.atol) for x in (expected[i], e))
            if i != j and other and not right:
                order = ", ".join(names)
                return f"you returned {names[j]} where {names[i]} belongs: return them in the order ({order})"
    return ""


def _one_output(exercise, case, i, actual, expected):
    """(name, clause) locating what is wrong in output ``i``; None when nothing simple explains it."""
    name, a, e = exercise.outputs[i], numeric(actual[i]), np.asarray(expected[i], float)
    rtol, atol = max(exercise.rtol, 1e-9), exercise.atol
    for k, v in case.items():
        if isinstance(v, np.ndarray) and v.shape == a.shape and np.array_equal(a, v) and not close(v, e, rtol, atol):
            return "unchanged", f"{name} is the argument {k} unchanged: is the result of the update thrown away?"
    neighbour = _neighbour(exercise, case, i, a)
    if neighbour:
        return "neighbour", f"{name} is the right value for {neighbour}: an off-by-one"
    factor = _factor(a, e, rtol, atol)
    words = _named(factor, case) if factor is not None else None
    if words and (e.size > 1 or words[2]):               # one number is always some factor of another: a named one
        return "factor", f"every entry of {name} is {words[0]} the expected one{words[1]}"
    start = case.get(name)
    if isinstance(start, np.ndarray) and start.shape == a.shape:      # an update rule: compare the steps taken
        step = _factor(a - start, e - start, rtol, atol)
        words = _named(step, case) if step is not None else None
        if words and (e.size > 1 or words[2]):
            return "step", f"your change of {name} is {words[0]} the expected change{words[1]}"
    offset = a - e
    if e.size > 1 and np.allclose(offset, offset.flat[0], rtol=1e-6, atol=1e-12) and abs(offset.flat[0]) > atol:
        return "offset", (f"every entry of {name} is off by the same amount, {show(offset.flat[0])}: a term added or "
                          "left out?")
    for shift in (1, -1):
        if e.ndim >= 1 and e.size > 2 and np.allclose(a, np.roll(e, shift, axis=0), rtol=rtol, atol=atol):
            return "shifted", f"the entries of {name} are the right ones shifted by one place: an index off by one?"
    if e.ndim == 2 and e.shape[0] == e.shape[1] and np.allclose(a, e.T, rtol=rtol, atol=atol):
        return "transposed", f"{name} is the transpose of the expected one (.T)"
    return _rows_or_entries(name, case, a, e, rtol, atol)


def _neighbour(exercise, case, i, a) -> str:
    if exercise.reference_in_worker:          # its oracle runs in the worker only
        return ""
    for k, v in case.items():
        if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
            for step in (1, -1):
                moved = copy_case(case)
                moved[k] = v + step
                try:
                    with np.errstate(all="ignore"):
                        other = exercise.oracle(**moved)
                except (ValueError, ZeroDivisionError, IndexError, TypeError):
                    continue
                other = other if len(exercise.outputs) > 1 else (other,)
                if close(a, other[i], exercise.rtol, exercise.atol):
                    return f"{k} = {v + step}, not {k} = {v}"
    return ""


def _factor(a, e, rtol, atol):
    mask = np.abs(e) > 1e-12
    if not mask.any() or np.any(np.abs(a[~mask]) > atol):
        return None
    ratio = float(np.median(a[mask] / e[mask]))
    if abs(ratio - 1) < 1e-6 or ratio == 0 or not np.isfinite(ratio):
        return None
    return ratio if np.allclose(a, ratio * e, rtol=max(rtol, 1e-6), atol=atol) else None


def _named(factor: float, case) -> tuple:
    """(how ``factor`` reads, why it may be so or "", whether it is a factor with a name): "n = 4 times", "2 times",
    "0.434294 times"."""
    examples = case.get("y", case.get("x"))
    n = len(examples) if isinstance(examples, np.ndarray) and examples.ndim >= 1 else 0
    lr = case.get("learning_rate")
    named = [(n, f"n = {n} times", " (n is the number of examples: a sum where a mean belongs?)"),
             (1 / n if n else 0, f"1/n = 1/{n} times", " (n is the number of examples: a mean taken twice?)"),
             (1 / np.log(10), "1/ln(10) = 0.434294 times", " (a log in base 10 where the natural log belongs?)")]
    if isinstance(lr, float):
        named += [(lr, f"learning_rate = {show(lr)} times", " (the learning rate once too often?)"),
                  (1 / lr, f"1/learning_rate = {show(1 / lr)} times", " (the learning rate is missing?)")]
    for value, words, why in named:
        if n > 1 or "n =" not in words and "1/n" not in words:
            if value and np.isclose(factor, value, rtol=1e-6):
                return words, why, True
    for k in range(2, 11):
        for value, words in ((k, f"{k} times"), (1 / k, f"1/{k} times")):
            if np.isclose(factor, value, rtol=1e-6):
                return words, " (a constant factor too many or missing?)" if k == 2 else "", True
    return f"{show(factor)} times", "", False


def _rows_or_entries(name, case, a, e, rtol, atol):
    bad = ~np.isclose(a, e, rtol=rtol, atol=atol)
    if e.ndim == 2 and e.shape[0] > 1 and np.allclose(e.sum(axis=-1), 1.0):
        ones = np.isclose(a.sum(axis=-1), 1.0)
        if not ones.all():
            whole = " (the whole array sums to 1: normalise each row, axis=-1)" if np.isclose(a.sum(), 1.0) else ""
            return "rows", f"rows {_indices(np.flatnonzero(~ones))} of {name} do not sum to 1{whole}"
    if e.ndim == 2 and e.shape[0] > 1 and bad.any(axis=1).sum() < e.shape[0]:
        return "rows", f"rows {_indices(np.flatnonzero(bad.any(axis=1)))} of {name} are wrong, the others right"
    if e.ndim >= 1 and e.size > 1 and bad.sum() < e.size:
        for k, v in case.items():
            if isinstance(v, np.ndarray) and v.shape == e.shape and v.dtype.kind == "f":
                for test, words in ((v == 0, f"{k} = 0"), (v < 0, f"{k} < 0"), (v > 0, f"{k} > 0"),
                                    (np.abs(v) >= 30, f"{k} is large (|{k}| >= 30)")):
                    if np.array_equal(bad, test):
                        return "entries", f"{name} is wrong exactly where {words}, right everywhere else"
        return "entries", f"entries {_indices(np.flatnonzero(bad.reshape(-1)))} of {name} are wrong, the others right"
    start = case.get(name)
    change = (a - start, e - start) if isinstance(start, np.ndarray) and start.shape == a.shape else (a, e)
    if np.all(np.isclose(*change, rtol=1e-3, atol=atol)):
        return "nearly", f"{name} is close but not within the tolerance (at most 0.1 % off): a constant slightly off?"
    return None


def _indices(idx) -> str:
    idx = [int(i) for i in idx]
    return ", ".join(map(str, idx[:8])) + (", ..." if len(idx) > 8 else "")
