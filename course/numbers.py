"""How the course prints a number: with the fixed decimals a line asks for, except where fixed decimals would
run to dozens of digits (a learning rate far too large makes weights of 1e37): then in e-notation, with as
many digits after the point.

    >>> f"{shown(0.46027):.4f}", f"{shown(-4.6027e37):.4f}"
    ('0.4603', '-4.6027e+37')

And the lines a learner checks on a calculator, each behind a name that says what it prints: every input
printed with the digits that make the printed result come out (``agreeing``)::

    >>> weighted_sum([1, 0], [5, 5], -2.5, ".0f")                 # the terms of z = x @ w + b
    '1*(5) + 0*(5) + (-2.5)'
    >>> str(show_update(0.5, 0.5, -0.0454, 0.5227))             # w - lr x (dL/dw) = w_new
    '0.5000 - 0.5 x (-0.0454) = 0.5227'
"""
from __future__ import annotations

import math
import textwrap
from typing import NamedTuple

__all__ = ["LARGE", "WIDTH", "shown", "count", "bullet", "agreeing", "sigmoid_input", "log_input", "summands",
           "weighted_sum", "fixed", "Update", "show_update", "boundary_equation", "table"]

LARGE = 1e6        # from here on, fixed decimals print 7 or more digits before the point


class Shown(float):
    """A float whose ``f`` format turns into ``e`` for |x| >= LARGE (widths and precision kept)."""

    def __format__(self, spec: str) -> str:
        if spec.endswith("f") and math.isfinite(self) and abs(self) >= LARGE:
            spec = spec[:-1] + "e"
        return float.__format__(self, spec)


def shown(value) -> Shown:
    return Shown(float(value))


def count(n: int, noun: str) -> str:
    """``3 epochs``, ``1 epoch``."""
    return f"{n} {noun}{'s' * (n != 1)}"


WIDTH = 100     # the longest line a lesson's prose prints


def bullet(text: str, width: int = WIDTH) -> list:
    """A takeaway as printed: ``  - `` then ``text`` wrapped to ``width`` characters, continued under its first word.

    Example:
        >>> bullet("Softmax exponentiates the logits and divides by their sum.", 40)
        ['  - Softmax exponentiates the logits and', '    divides by their sum.']
    """
    return textwrap.wrap(text, width=width, initial_indent="  - ", subsequent_indent="    ", break_on_hyphens=False)


def agreeing(values, formats, checks, most: int = 4) -> list:
    """The texts of ``values`` for a line a learner can check on a calculator: each value printed by its
    ``formats[i](x, extra)`` with the fewest ``extra`` digits (0 to ``most``) for which every check holds.

    A check is ``(compute, text, format)``: ``compute`` applied to the values as printed, printed by
    ``format``, must read ``text`` (the true result, printed). Rounding the inputs can shift the last digit
    of a result (a small difference of two rounded numbers, a gradient times a large rate); a digit more
    of the inputs takes that away. When no ``extra`` up to ``most`` does, the texts with ``most`` extra
    digits come back: as close as printing gets.

    Example:
        >>> agreeing([0.00661, 0.00174], [lambda x, k: f"{x:.{4 + k}f}"] * 2,
        ...          [(lambda b, g: b - 5 * g, "-0.0021", lambda x: f"{x:.4f}")])
        ['0.00661', '0.00174']
    """
    texts = []
    for extra in range(most + 1):
        texts = [fmt(v, extra) for fmt, v in zip(formats, values)]
        try:
            numbers = [float(t) for t in texts]
            if all(fmt(compute(*numbers)) == text for compute, text, fmt in checks):
                return texts
        except (ValueError, OverflowError, ZeroDivisionError):
            return texts
    return texts


def _more(spec: str, extra: int) -> str:
    """``.4f`` with ``extra`` more decimals: ``.6f`` for 2 (a spec without a precision, ``g``, stays as it is)."""
    head, dot, tail = spec.rpartition(".")
    if not dot or not tail[:-1].isdigit():
        return spec
    return f"{head}.{int(tail[:-1]) + extra}{tail[-1]}"


def _input_for(f, x, result, spec: str, result_spec: str) -> str:
    """``x`` as printed in ``f(x) = result``: with ``spec``, and more decimals where f of the rounded x would
    not read ``result`` (printed with ``result_spec``)."""
    text, = agreeing([x], [lambda v, k: f"{v:{_more(spec, k)}}"],
                     [(f, f"{result:{result_spec}}", lambda v: f"{v:{result_spec}}")])
    return text


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def sigmoid_input(z, a, spec: str = ".4f") -> str:
    """``z`` as printed in ``sigmoid(z) = a`` (a with 6 decimals): 4 decimals, more where sigmoid of the rounded
    z would miss a's last digit.

    Example:
        >>> f"sigmoid({sigmoid_input(2.5, 0.9241418)}) = {0.9241418:.6f}"
        'sigmoid(2.5000) = 0.924142'
    """
    return _input_for(_sigmoid, z, a, spec, ".6f")


def log_input(p, loss, spec: str = ".4f") -> str:
    """``p`` as printed in ``-log p = loss`` (the loss with 4 decimals): 4 decimals, more where needed."""
    return _input_for(lambda v: -math.log(v), p, loss, spec, ".4f")


def summands(values, total, spec: str = ".4f") -> list:
    """``values`` as printed in ``v1 + v2 + ... = total`` (total printed with ``spec``): with ``spec``, more
    decimals where the rounded values would not add up to the printed total.

    Example:
        >>> " + ".join(summands([164.0219073, 13.46373804, 5.47394739], 182.9595927)) + f" = {182.9595927:.4f}"
        '164.02191 + 13.46374 + 5.47395 = 182.9596'
    """
    return agreeing(values, [lambda v, k: f"{v:{_more(spec, k)}}"] * len(values),
                    [(lambda *vs: sum(vs), f"{total:{spec}}", lambda v: f"{v:{spec}}")])


def weighted_sum(inputs, weights, bias, spec: str = "g", *, total=None, total_spec: str = ".6f") -> str:
    """The terms of ``z = x @ w + b`` for one unit: ``x1*(w1) + x2*(w2) + (b)``, inputs printed with ``spec``,
    weights and bias with ``g``; with ``total``, the inputs get the digits that make the terms, on a calculator,
    read ``total`` printed with ``total_spec``.

    Example:
        >>> weighted_sum([1.0, 2.0], [0.2, 0.5], 0.1)
        '1*(0.2) + 2*(0.5) + (0.1)'
    """
    weights, bias = [float(w) for w in weights], float(bias)
    checks = [] if total is None else [(lambda *xs: sum(x * w for x, w in zip(xs, weights)) + bias,
                                        f"{total:{total_spec}}", lambda v: f"{v:{total_spec}}")]
    texts = agreeing(inputs, [lambda v, k: f"{v:{_more(spec, k)}}"] * len(weights), checks)
    return " + ".join(f"{x}*({w:g})" for x, w in zip(texts, weights)) + f" + ({bias:g})"


def fixed(value, spec: str = ".4f") -> str:
    """``value`` in ``spec``, or in 4 significant digits where fixed decimals would run to dozens of digits (a
    learning rate far too large): ``fixed(1e37)`` is ``1e+37``."""
    return f"{value:{spec}}" if not abs(value) >= LARGE else f"{value:.4g}"


class Update(NamedTuple):
    """One gradient-descent update as printed: ``before - lr x (grad) = after``, the texts of its numbers."""
    before: str
    lr: str
    grad: str
    after: str

    def __str__(self) -> str:
        return f"{self.before} - {self.lr} x ({self.grad}) = {self.after}"


def show_update(before, lr, grad, after) -> Update:
    """``w - lr x (dL/dw) = w_new`` with 4 decimals (``fixed``), and a digit or more of w and dL/dw where four
    would make the subtraction miss the printed w_new on a calculator.

    Example:
        >>> str(show_update(0.5, 0.5, -0.04536, 0.52268))
        '0.5000 - 0.5 x (-0.0454) = 0.5227'
    """
    w, g = agreeing([before, grad], [lambda v, k: fixed(v, f".{4 + k}f")] * 2,
                    [(lambda b, d: b - lr * d, fixed(after), fixed)])
    return Update(w, f"{lr:g}", g, fixed(after))


def boundary_equation(w, b) -> str:
    """A 2-D linear boundary ``w1*x1 + w2*x2 + b = 0`` with 3 decimals: ``0.812*x1 -1.204*x2 +0.031 = 0``."""
    return f"{shown(w[0]):.3f}*x1 {shown(w[1]):+.3f}*x2 {shown(b):+.3f} = 0"


def table(headers, rows, indent: str = "  ") -> list:
    """Rows of strings as the lines of an aligned text table: the headers, a rule, the rows.

    Example:
        >>> table(("gap", "RNN"), [("short", "0.990")])
        ['  gap   | RNN', '  ------+------', '  short | 0.990']
    """
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    return [(indent + " | ".join(f"{h:<{w}}" for h, w in zip(headers, widths))).rstrip(),
            indent + "-+-".join("-" * w for w in widths),
            *[(indent + " | ".join(f"{c:<{w}}" for c, w in zip(row, widths))).rstrip() for row in rows]]
