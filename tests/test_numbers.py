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


# --- the lines a learner checks on a calculator: every one is checked here on the printed numbers ---------------

def _sigmoid(z):
    return 1 / (1 + math.exp(-z))


def test_weighted_sum_prints_each_term_and_its_inputs_add_up_to_the_total_on_a_calculator():
    from course.numbers import weighted_sum
    assert weighted_sum([1.0, 0.0], [5.0, 5.0], -2.5, ".0f") == "1*(5) + 0*(5) + (-2.5)"       # Day 2's first unit
    assert weighted_sum(np.array([1.0, 2.0]), np.array([0.2, 0.5]), np.float64(0.1)) == "1*(0.2) + 2*(0.5) + (0.1)"
    rng = np.random.default_rng(1)
    for _ in range(300):
        a, w, b = rng.uniform(0, 1, 3), rng.normal(size=3).round(1), round(float(rng.normal()), 2)
        total = float(a @ w + b)
        text = weighted_sum(a, w, b, ".6f", total=total)
        terms = [t.split("*(") for t in text.split(" + ")[:-1]]
        printed = sum(float(x) * float(wt.rstrip(")")) for x, wt in terms) + b       # a calculator on the line
        assert f"{printed:.6f}" == f"{total:.6f}" or all(len(x.split(".")[1]) == 10 for x, _ in terms)
        assert all(abs(float(x) - ai) <= 0.5 * 10 ** -len(x.split(".")[1]) + 1e-15 for (x, _), ai in zip(terms, a))


def test_sigmoid_and_log_inputs_carry_the_digits_that_make_the_printed_result_come_out():
    from course.numbers import log_input, sigmoid_input
    assert sigmoid_input(2.5, _sigmoid(2.5)) == "2.5000"                                # four decimals are enough
    rng = np.random.default_rng(2)
    for z in rng.normal(scale=4, size=300):
        text = sigmoid_input(z, _sigmoid(z))
        assert f"{_sigmoid(float(text)):.6f}" == f"{_sigmoid(z):.6f}" or len(text.split(".")[1]) == 8
        assert abs(float(text) - z) <= 0.5 * 10 ** -len(text.split(".")[1]) + 1e-15
    assert log_input(0.073589, -math.log(0.073589)) == "0.073589"       # Day 5: -log 0.0736 would read 2.6090
    assert f"{-math.log(float(log_input(0.073589, 2.6093))):.4f}" == "2.6093"


def test_summands_add_up_to_the_printed_total():
    from course.numbers import summands
    e = np.exp([5.1, 2.6, 1.7])
    terms = summands(e, e.sum())
    assert terms == ["164.02191", "13.46374", "5.47395"]                    # Day 5: four decimals would sum to ...95
    assert f"{sum(float(t) for t in terms):.4f}" == f"{e.sum():.4f}" == "182.9596"
    assert summands([0.5, 0.25], 0.75) == ["0.5000", "0.2500"]


def test_show_update_writes_out_w_minus_lr_times_g_and_it_checks():
    from course.numbers import Update, show_update
    update = show_update(0.5, 0.5, -0.04536, 0.52268)
    assert update == Update("0.5000", "0.5", "-0.0454", "0.5227") and str(update) == "0.5000 - 0.5 x (-0.0454) = 0.5227"
    rng = np.random.default_rng(3)
    for _ in range(300):
        w, g, lr = rng.normal(), rng.normal() * 0.1, float(rng.choice([0.1, 0.5, 3.0, 50.0]))
        u = show_update(w, lr, g, w - lr * g)
        assert f"{float(u.before) - lr * float(u.grad):.4f}" == u.after or len(u.grad.split(".")[1]) == 8
    huge = show_update(0.5, 1e308, -0.0454, 0.5 + 1e308 * 0.0454)      # far too large a rate: 4 digits, e-notation
    assert huge.after == f"{0.5 + 1e308 * 0.0454:.4g}" and len(str(huge)) < 60


def test_fixed_boundary_equation_and_table():
    from course.numbers import boundary_equation, fixed, table
    assert (fixed(0.52268), fixed(0.5, ".6f"), fixed(-4.5e306), fixed(math.nan)) == ("0.5227", "0.500000",
                                                                                     "-4.5e+306", "nan")
    assert boundary_equation([0.8123, -1.2044], 0.0312) == "0.812*x1 -1.204*x2 +0.031 = 0"
    assert boundary_equation(np.array([2e7, 1.0]), 0.0) == "2.000e+07*x1 +1.000*x2 +0.000 = 0"
    assert table(("gap", "RNN", "LSTM"), [("short", "0.990", "1.000"), ("long", "0.512", "0.998")], indent="    ") == [
        "    gap   | RNN   | LSTM", "    ------+-------+------",
        "    short | 0.990 | 1.000", "    long  | 0.512 | 0.998"]
