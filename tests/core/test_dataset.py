"""course.core.dataset: Dataset, from_arrays (a stratified, standardised split) and standardised.

The oracle: scikit-learn's train_test_split and the standardisation written out in NumPy."""
import dataclasses

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from course.core.dataset import Dataset, from_arrays, standardised


def _arrays(n=50, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 3)) * [1.0, 10.0, 0.1] + [5.0, -2.0, 0.0], np.arange(n) % 2


def test_from_arrays_is_sklearns_stratified_split_standardised_with_training_statistics():
    x, y = _arrays()
    x_tr, x_va, y_tr, y_va = train_test_split(x, y, test_size=0.2, random_state=4, stratify=y)
    ds = from_arrays("mine", x, y, seed=4)
    mean, std = x_tr.mean(axis=0), x_tr.std(axis=0)
    np.testing.assert_allclose(ds.x_train, (x_tr - mean) / std, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ds.x_val, (x_va - mean) / std, rtol=1e-5, atol=1e-5)   # never its own statistics
    np.testing.assert_array_equal(ds.y_train, y_tr)
    np.testing.assert_array_equal(ds.y_val, y_va)
    np.testing.assert_allclose(ds.mean, mean, rtol=1e-6)
    np.testing.assert_allclose(ds.std, std, rtol=1e-6)
    assert ds.x_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert (ds.n_features, ds.n_classes) == (3, 2)
    assert ds.class_names == ("0", "1") and ds.feature_names == ("x1", "x2", "x3")
    assert str(ds) == "mine: 40 train / 10 validation examples, 3 features, 2 classes"
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.name = "other"


def test_standardise_false_keeps_the_values_and_records_mean_0_std_1():
    x, y = _arrays()
    ds = from_arrays("raw", x, y, seed=4, standardise=False, class_names=["no", "yes"],
                     feature_names=["a", "b", "c"], validation_fraction=0.5)
    x_tr, _, _, _ = train_test_split(x, y, test_size=0.5, random_state=4, stratify=y)
    np.testing.assert_allclose(ds.x_train, x_tr.astype(np.float32))
    np.testing.assert_array_equal(ds.mean, np.zeros(3))
    np.testing.assert_array_equal(ds.std, np.ones(3))
    assert ds.class_names == ("no", "yes") and ds.feature_names == ("a", "b", "c") and len(ds.y_val) == 25


def test_a_constant_feature_stays_zero_instead_of_dividing_by_zero():
    x = np.column_stack([np.arange(20.0), np.full(20, 7.0)])
    ds = from_arrays("c", x, np.arange(20) % 2)
    np.testing.assert_array_equal(ds.x_train[:, 1], 0.0)
    assert ds.std[1] == 1.0 and ds.mean[1] == 7.0


def test_standardised_takes_given_splits_and_counts_classes_in_both():
    x_tr, y_tr = np.array([[0.0], [2.0]]), np.array([0, 1])
    x_va, y_va = np.array([[4.0]]), np.array([2])           # a class seen only in validation still counts
    ds = standardised("given", x_tr, y_tr, x_va, y_va, description="three classes")
    assert isinstance(ds, Dataset) and ds.n_classes == 3 and ds.description == "three classes"
    np.testing.assert_array_equal(ds.x_train, [[-1.0], [1.0]])     # mean 1, std 1
    np.testing.assert_array_equal(ds.x_val, [[3.0]])
    assert str(ds) == "given: 2 train / 1 validation examples, 1 feature, 3 classes"


def test_numpy_integer_labels_of_any_width_become_int64():
    x, y = _arrays()
    assert from_arrays("u8", x, y.astype(np.uint8)).y_train.dtype == np.int64


def test_from_arrays_rejects_bad_arrays():
    with pytest.raises(ValueError, match="NaN or infinite"):
        from_arrays("x", np.array([[np.nan, 1]] * 10), np.arange(10) % 2)
    with pytest.raises(ValueError, match="y must have shape"):
        from_arrays("x", np.zeros((10, 2)), np.zeros(9, int))
    with pytest.raises(ValueError, match="2-D array"):
        from_arrays("x", np.zeros(10), np.zeros(10, int))
    with pytest.raises(ValueError, match="2-D array"):
        from_arrays("x", np.zeros((0, 2)), np.zeros(0, int))
    with pytest.raises(ValueError, match="integer class labels"):
        from_arrays("x", np.zeros((10, 2)), np.linspace(0, 1, 10))
    with pytest.raises(ValueError, match="integer class labels"):
        from_arrays("x", np.zeros((10, 2)), np.arange(10) % 2 - 1)
    for fraction in (0, 1, 1.5, True):
        with pytest.raises(ValueError, match="validation_fraction must be a number strictly between 0 and 1"):
            from_arrays("x", *_arrays(), validation_fraction=fraction)
    with pytest.raises(ValueError, match="seed must be an integer from 0 to 4294967295"):
        from_arrays("x", *_arrays(), seed=-1)
