"""course.reference.noise: whether two accuracies differ beyond the noise of their validation examples. The
oracles: the binomial standard error by hand, and simulated accuracies of two equally good classifiers."""
import numpy as np
import pytest

from course.reference.noise import Z, compare_accuracies, standard_error


def test_the_standard_error_of_an_accuracy_is_the_binomial_one():
    assert standard_error(0.5, 400) == 0.025                               # sqrt(0.25 / 400)
    assert standard_error(0.9, 100) == pytest.approx(0.03)                  # sqrt(0.09 / 100)
    assert standard_error(1.0, 400) == 0.0
    with pytest.raises(ValueError, match="accuracy must be"):
        standard_error(1.5, 10)
    with pytest.raises(ValueError, match="n must be a positive integer"):
        standard_error(0.5, 0)


def test_two_equally_good_classifiers_rarely_differ_by_the_margin():
    """Simulated: two classifiers that are each right with probability 0.8 on 400 examples of their own; their
    measured accuracies differ by the 2-standard-error margin or more about 5 % of the time (4.6 % for a normal)."""
    rng = np.random.default_rng(0)
    a, b = rng.binomial(400, 0.8, 20000) / 400, rng.binomial(400, 0.8, 20000) / 400
    margin = compare_accuracies(0.8, 0.8, 400).margin
    assert margin == pytest.approx(Z * np.sqrt(2 * 0.8 * 0.2 / 400))
    assert 0.03 < np.mean(np.abs(a - b) >= margin) < 0.065
    real = np.mean([compare_accuracies(x, y, 400).real for x, y in zip(a[:2000], b[:2000])])
    assert real < 0.08                                                       # "did better" only rarely by chance


def test_what_a_comparison_says():
    # the case: 0.512 against 0.502 on 400 sequences is noise
    same = compare_accuracies(0.512, 0.502, 400)
    assert not same.real and same.difference == pytest.approx(0.01) and same.margin == pytest.approx(0.0707, abs=1e-4)
    assert same.says("the LSTM", "the RNN") == ("no real difference here (0.010 apart; 2 standard errors of 400 "
                                                "validation examples are 0.071)")
    far = compare_accuracies(0.5, 1.0, 400)
    assert far.real and far.says("the RNN", "the LSTM").startswith("the LSTM did better (0.500 apart; ")
    assert not compare_accuracies(1.0, 1.0, 400).real                        # equal: no difference at all
    assert not compare_accuracies(1.0, 0.9975, 400).real                     # one example of 400
    assert compare_accuracies(0.9, 0.8, 1000, 500).n == 1000
