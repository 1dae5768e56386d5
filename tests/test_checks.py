"""course.checks: the rules every input goes through (Config, the builders, the loaders, the flags).

The oracles: NumPy's own integer types and seed range, and the rule written out by hand."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.checks import (MAX_SEED, check_bool, check_choice, check_int, check_number, check_seed,
                           integer_kind)


@pytest.mark.parametrize("value", [3, np.int64(3), np.int32(3), np.uint8(3), np.int16(3)])
def test_numpy_integers_are_integers_and_come_back_as_python_ints(value):
    out = check_int("epochs", value)
    assert out == 3 and type(out) is int


@pytest.mark.parametrize("value", [True, False, np.bool_(True), 2.5, 3.0, np.float64(3.0), "3", None, [3]])
def test_booleans_floats_and_strings_are_not_integers(value):
    with pytest.raises(ValueError, match=r"^epochs must be a positive integer, got "):
        check_int("epochs", value)


@pytest.mark.parametrize("minimum, value, message", [
    (1, 0, "n must be a positive integer, got 0"),
    (0, -1, "n must be a non-negative integer, got -1"),
    (10, 9, "n must be an integer of at least 10, got 9"),
])
def test_integer_minimum_and_its_wording(minimum, value, message):
    assert check_int("n", minimum, minimum=minimum) == minimum          # the minimum itself is allowed
    with pytest.raises(ValueError, match=f"^{message}$"):
        check_int("n", value, minimum=minimum)
    assert integer_kind(minimum) in message


@given(st.integers(min_value=-10**6, max_value=10**6), st.integers(min_value=-5, max_value=5))
def test_check_int_accepts_exactly_the_integers_at_or_above_the_minimum(value, minimum):
    if value >= minimum:
        assert check_int("n", value, minimum=minimum) == value
    else:
        with pytest.raises(ValueError):
            check_int("n", value, minimum=minimum)


def test_the_seed_range_is_numpys_32_bit_seed_range():
    assert MAX_SEED == np.iinfo(np.uint32).max == 2**32 - 1
    np.random.RandomState(MAX_SEED)                            # NumPy takes the largest seed ...
    with pytest.raises(ValueError):
        np.random.RandomState(MAX_SEED + 1)                    # ... and refuses one more
    assert check_seed(np.uint32(MAX_SEED)) == MAX_SEED and check_seed(0) == 0
    for bad in (-1, MAX_SEED + 1, True, 1.0, "0"):
        with pytest.raises(ValueError, match=r"^seed must be an integer from 0 to 4294967295, got "):
            check_seed(bad)


def test_numbers_are_finite_reals_in_their_range():
    assert check_number("lr", np.float32(0.5)) == 0.5 and type(check_number("lr", np.float32(0.5))) is float
    assert check_number("lr", np.int64(2)) == 2.0                          # an integer is a real number
    for bad in (math.nan, math.inf, -math.inf, True, "0.5", None, 1j):
        with pytest.raises(ValueError, match=r"^lr must be a finite number, got "):
            check_number("lr", bad)
    # closed bounds include the bound, open ones do not
    assert check_number("x", 0, low=0) == 0.0 and check_number("x", 1, high=1) == 1.0
    for value, bounds in ((0, dict(low=0, low_open=True)), (1, dict(high=1, high_open=True)),
                          (-0.1, dict(low=0)), (1.1, dict(high=1))):
        with pytest.raises(ValueError, match="x must be between, got"):
            check_number("x", value, kind="between", **bounds)


@pytest.mark.parametrize("value", [True, False, np.bool_(True), np.bool_(False)])
def test_booleans_are_booleans(value):
    out = check_bool("quiet", value)
    assert out == bool(value) and type(out) is bool


@pytest.mark.parametrize("value", ["no", "yes", "False", 0, 1, None, np.int64(1)])
def test_strings_and_numbers_are_not_booleans(value):
    # 'no' would be truthy: refused instead of silently taken as True
    with pytest.raises(ValueError, match=r"^quiet must be True or False, got "):
        check_bool("quiet", value)


def test_choices_are_names_from_the_list():
    assert check_choice("optimizer", "adam", ("sgd", "adam")) == "adam"
    for bad in ("Adam", "adagrad", "", 1, None):
        with pytest.raises(ValueError, match=r"^optimizer must be one of sgd, adam; got "):
            check_choice("optimizer", bad, ("sgd", "adam"))
