"""course.families.sequences: the marked-sign task, checked value by value."""
import numpy as np
import pytest

from course.families import sequences


def test_marked_sign_sequences():
    ds = sequences.marked_sign(seed=3, n_samples=200, length=12, lag=7, window=5)
    assert ds.name == "marked_sign_lag7" and ds.n_features == 24 and len(ds.y_train) + len(ds.y_val) == 200
    for x, y in ((ds.x_train, ds.y_train), (ds.x_val, ds.y_val)):
        steps = sequences.as_steps(x, 12)                               # (n, 12, [value, marker])
        assert steps.shape == (len(x), 12, 2)
        assert set(np.unique(steps[:, :, 0])) == {-1.0, 1.0}            # not standardised: still +-1
        np.testing.assert_array_equal(steps[:, :, 1].sum(axis=1), 1)    # one mark per sequence
        where = steps[:, :, 1].argmax(axis=1)
        assert where.min() >= 0 and where.max() <= 4                    # lag 7..11 before the last step
        np.testing.assert_array_equal(steps[np.arange(len(x)), where, 0] > 0, y == 1)
    assert ds.feature_names[:3] == ("value_0", "marker_0", "value_1")
    assert "the mark is at step 0..4, 7..11 steps before the end" in ds.description
    again = sequences.marked_sign(seed=3, n_samples=200, length=12, lag=7, window=5)
    np.testing.assert_array_equal(again.x_train, ds.x_train)
    assert not np.array_equal(sequences.marked_sign(seed=4, n_samples=200, length=12, lag=7).x_train, ds.x_train)
    with pytest.raises(ValueError, match="lag must be an integer from 0 to length - window = 7"):
        sequences.marked_sign(length=12, lag=8)


def test_a_short_gap_puts_the_mark_near_the_end_and_the_labels_are_balanced():
    ds = sequences.marked_sign(seed=0, n_samples=1000, length=10, lag=0, window=3)
    where = sequences.as_steps(ds.x_train, 10)[:, :, 1].argmax(axis=1)
    assert set(where) == {7, 8, 9}
    assert 0.4 < ds.y_train.mean() < 0.6                              # the sign of a fair coin


def test_as_steps_is_a_view_of_the_flat_examples():
    x = np.arange(12).reshape(2, 6)
    np.testing.assert_array_equal(sequences.as_steps(x, 3)[1], [[6, 7], [8, 9], [10, 11]])
