"""How the course prints a number: with the fixed decimals a line asks for, except where fixed decimals would
run to dozens of digits (a learning rate far too large makes weights of 1e37): then in e-notation, with as
many digits after the point.

    >>> f"{shown(0.46027):.4f}", f"{shown(-4.6027e37):.4f}"
    ('0.4603', '-4.6027e+37')
"""
from __future__ import annotations

import math

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
