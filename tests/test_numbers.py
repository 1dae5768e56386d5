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
