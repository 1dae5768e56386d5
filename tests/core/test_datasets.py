import numpy as np
import pytest
from sklearn import datasets as skd
from sklearn.model_selection import train_test_split

from course import data

ALL = sorted(set(data.LOADERS) - {"mnist"})   # MNIST needs its cache: see test_faults.py


@pytest.mark.parametrize("name", ALL)
def test_every_loader_gives_float32_standardised_int_labels(name):
    ds = data.load(name, seed=3)
    assert ds.x_train.dtype == np.float32 and ds.x_val.dtype == np.float32
    assert ds.y_train.dtype == np.int64 and ds.y_val.dtype == np.int64
    assert ds.x_train.shape[1] == ds.x_val.shape[1] == ds.n_features
    assert set(np.unique(ds.y_train)) == set(range(ds.n_classes))
    # standardised with the training split's statistics: mean 0, std 1 on train (constant columns stay 0)
    np.testing.assert_allclose(ds.x_train.mean(axis=0), 0.0, atol=1e-5)
    stds = ds.x_train.std(axis=0)
    assert np.all((np.abs(stds - 1) < 1e-4) | (stds < 1e-6))


@pytest.mark.parametrize("name", ALL)
def test_same_seed_same_split_other_seed_differs(name):
    a, b = data.load(name, seed=1), data.load(name, seed=1)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_val, b.y_val)
    if name != "xor":   # the 4 corners have nothing random in them
        c = data.load(name, seed=2)
        assert not np.array_equal(a.x_train, c.x_train)


def test_validation_is_standardised_with_training_statistics_only():
    bunch = skd.load_iris()
    x_tr, x_va, y_tr, y_va = train_test_split(bunch.data, bunch.target, test_size=0.2, random_state=5,
                                              stratify=bunch.target)
    ds = data.iris(seed=5)
    mean, std = x_tr.mean(axis=0), x_tr.std(axis=0)
    np.testing.assert_allclose(ds.x_val, (x_va - mean) / std, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ds.mean, mean, rtol=1e-6)
    np.testing.assert_array_equal(ds.y_val, y_va)


def test_real_datasets_have_their_known_sizes():
    assert (data.breast_cancer().n_features, data.breast_cancer().n_classes) == (30, 2)
    assert (data.iris().n_features, data.iris().n_classes) == (4, 3)
    assert (data.digits().n_features, data.digits().n_classes) == (64, 10)
    bc = data.breast_cancer()
    assert len(bc.y_train) + len(bc.y_val) == 569
    assert len(bc.y_val) == 114   # 20 % of 569, rounded up by scikit-learn
    assert bc.class_names == ("malignant", "benign")


def test_xor_corners_and_labels():
    ds = data.xor()
    corners = ds.x_train * ds.std + ds.mean
    np.testing.assert_allclose(corners, [[0, 0], [0, 1], [1, 0], [1, 1]], atol=1e-6)
    np.testing.assert_array_equal(ds.y_train, [0, 1, 1, 0])
    np.testing.assert_allclose(np.abs(ds.x_train), 1.0)   # standardised corners are +-1


def test_noisy_xor_labels_follow_the_nearest_corner():
    ds = data.xor_noisy(seed=0, noise=0.1)
    raw = ds.x_train * ds.std + ds.mean
    corner = (raw > 0.5).astype(int)
    agree = np.mean((corner[:, 0] ^ corner[:, 1]) == ds.y_train)
    assert agree > 0.99


def test_moons_is_sklearn_make_moons_split_and_scaled():
    x, y = skd.make_moons(n_samples=1000, noise=0.2, random_state=0)
    x_tr, _, y_tr, _ = train_test_split(x, y, test_size=0.2, random_state=0, stratify=y)
    ds = data.moons(seed=0)
    np.testing.assert_allclose(ds.x_train, (x_tr - x_tr.mean(0)) / x_tr.std(0), atol=1e-5)
    np.testing.assert_array_equal(ds.y_train, y_tr)


def test_split_is_stratified():
    ds = data.breast_cancer(seed=0)
    assert abs(ds.y_train.mean() - ds.y_val.mean()) < 0.01


@pytest.mark.parametrize("kwargs, message", [
    (dict(name="nope"), "dataset must be one of"),
    (dict(name="moons", seed=-1), "seed must be an integer from 0 to 4294967295"),
    (dict(name="moons", validation_fraction=1.5), "validation_fraction"),
    (dict(name="moons", n_samples=3), "n_samples"),
])
def test_bad_arguments_raise_value_error_naming_them(kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.load(**kwargs)


def test_from_arrays_rejects_bad_arrays():
    with pytest.raises(ValueError, match="NaN or infinite"):
        data.from_arrays("x", np.array([[np.nan, 1]] * 10), np.arange(10) % 2)
    with pytest.raises(ValueError, match="y must have shape"):
        data.from_arrays("x", np.zeros((10, 2)), np.zeros(9, int))
    with pytest.raises(ValueError, match="2-D array"):
        data.from_arrays("x", np.zeros(10), np.zeros(10, int))
    with pytest.raises(ValueError, match="integer class labels"):
        data.from_arrays("x", np.zeros((10, 2)), np.linspace(0, 1, 10))


@pytest.mark.parametrize("call, message", [
    (lambda: data.moons(noise=-0.1), "noise must be a finite number >= 0"),
    (lambda: data.xor_noisy(noise=float("inf")), "noise must be a finite number >= 0"),
    (lambda: data.circles(factor=1.5), "factor must be a number strictly between 0 and 1"),
    (lambda: data.mnist(n_train=0), "n_train must be an integer of at least 10"),
])
def test_generator_arguments_are_checked(call, message):
    with pytest.raises(ValueError, match=message):
        call()
