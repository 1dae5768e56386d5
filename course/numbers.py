"""How the course prints a number: with the fixed decimals a line asks for, except where fixed decimals would
run to dozens of digits (a learning rate far too large makes weights of 1e37): then in e-notation, with as
many digits after the point.

    >>> f"{shown(0.46027):.4f}", f"{shown(-4.6027e37):.4f}"
    ('0.4603', '-4.6027e+37')
"""
from __future__ import annotations

import math
import textwrap

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
        ['  - Softmax exponentiates the logits', '    and divides by their sum.']
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
