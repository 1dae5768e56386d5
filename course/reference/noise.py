"""Is a difference between two accuracies more than the noise of the examples they were measured on?

An accuracy measured on n examples is a proportion: its standard error is sqrt(p (1 - p) / n). Two
accuracies measured on their own examples differ by a standard error of sqrt(se_a^2 + se_b^2); a
difference counts as real when it is at least ``Z`` = 2 of those (about 95 % of the time a difference
that is only noise stays below it). A lesson says "did better" only then, and "no real difference
here" otherwise.

    c = compare_accuracies(0.512, 0.502, 400)
    c.real, c.difference, c.margin          # False, 0.01, 0.0707
    c.says("LSTM", "RNN")                   # 'no real difference here (0.010 apart; 2 standard errors ...'
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from course.checks import check_int, check_number

Z = 2.0   # standard errors a difference must reach to count as real


def standard_error(accuracy: float, n: int) -> float:
    """sqrt(p (1 - p) / n): how much an accuracy ``p`` measured on ``n`` examples moves from sample to sample.

    Example:
        >>> round(standard_error(0.5, 400), 4)
        0.025
    """
    p = check_number("accuracy", accuracy, low=0, high=1)
    return math.sqrt(p * (1 - p) / check_int("n", n))


@dataclass(frozen=True)
class Comparison:
    """Two accuracies ``a`` and ``b`` side by side: their difference and ``Z`` standard errors of it."""
    a: float
    b: float
    difference: float     # a - b
    margin: float         # Z standard errors of the difference: what noise alone rarely exceeds
    n: int                # examples the larger set had (for the wording)

    @property
    def real(self) -> bool:
        """The difference is beyond the noise: at least ``Z`` standard errors (and not zero)."""
        return abs(self.difference) > 0 and abs(self.difference) >= self.margin

    def says(self, name_a: str, name_b: str) -> str:
        """One clause: which did better, or that there is no real difference, with the numbers."""
        apart = f"{abs(self.difference):.3f} apart; {Z:g} standard errors of {self.n} validation examples are " \
                f"{self.margin:.3f}"
        if not self.real:
            return f"no real difference here ({apart})"
        better = name_a if self.difference > 0 else name_b
        return f"{better} did better ({apart})"


def compare_accuracies(a: float, b: float, n_a: int, n_b: int | None = None) -> Comparison:
    """Compare accuracy ``a`` (on ``n_a`` examples) with ``b`` (on ``n_b``, default the same number).

    Example:
        >>> compare_accuracies(1.0, 0.5, 400).real
        True
    """
    n_b = n_a if n_b is None else n_b
    se = math.hypot(standard_error(a, n_a), standard_error(b, n_b))
    return Comparison(float(a), float(b), float(a) - float(b), Z * se, max(int(n_a), int(n_b)))
