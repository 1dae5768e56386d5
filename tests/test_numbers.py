"""course.numbers: fixed decimals as asked, e-notation where they would run to dozens of digits."""
import math

import numpy as np

from course.numbers import LARGE, count, shown


def test_fixed_decimals_below_a_million_e_notation_from_there_widths_kept():
    assert f"{shown(0.46027):.4f}" == "0.4603" and f"{shown(-999999.4):.1f}" == "-999999.4"
    assert f"{shown(-4.602710e37):.6f}" == "-4.602710e+37" and f"{shown(LARGE):.2f}" == "1.00e+06"
    assert f"{shown(np.float32(3e38)):12.3f}" == f"{3e38:12.3e}" and f"{shown(2.5):+.3f}" == "+2.500"
    assert f"{shown(math.inf):.4f}" == "inf" and f"{shown(math.nan):.4f}" == "nan"
    assert f"{shown(1e40):.6g}" == "1e+40" and float(shown(np.float64(2.0))) == 2.0     # other formats untouched


def test_count_says_one_epoch_and_two_epochs():
    assert (count(1, "epoch"), count(2, "epoch"), count(0, "step")) == ("1 epoch", "2 epochs", "0 steps")


def test_agreeing_adds_digits_until_a_calculator_on_the_printed_inputs_gives_the_printed_result():
    from course.numbers import agreeing
    fixed = [lambda x, k: f"{x:.{4 + k}f}"] * 2
    rng = np.random.default_rng(0)
    for _ in range(500):
        before, grad, lr = rng.normal(), rng.normal() * 0.01, float(rng.choice([0.01, 0.5, 5.0, 50.0]))
        after = before - lr * grad
        shown_after = f"{after:.4f}"
        w0, g = agreeing([before, grad], fixed, [(lambda b, g: b - lr * g, shown_after, lambda x: f"{x:.4f}")])
        assert f"{float(w0) - lr * float(g):.4f}" == shown_after or len(w0.split(".")[1]) == 8   # 4 more at most
        assert abs(float(w0) - before) <= 0.5 * 10 ** -len(w0.split(".")[1]) + 1e-15     # still the true numbers
    # nothing to add when four decimals already agree
    assert agreeing([0.5, 0.25], fixed, [(lambda b, g: b - 0.1 * g, "0.4750", lambda x: f"{x:.4f}")]) == ["0.5000",
                                                                                                          "0.2500"]
