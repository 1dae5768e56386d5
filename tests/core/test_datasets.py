"""course.core.datasets: the named data sets, against scikit-learn's generators and files, and MNIST
from Keras's cache (offline)."""
import numpy as np
import pytest
from sklearn import datasets as skd
from sklearn.model_selection import train_test_split

from course.core import datasets as data
from course.core.config import ConfigError

ALL = sorted(set(data.LOADERS) - {"mnist"})   # MNIST needs its cache: see the tests at the end


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


@pytest.mark.parametrize("call, message", [
    (lambda: data.moons(noise=-0.1), "noise must be a finite number >= 0"),
    (lambda: data.xor_noisy(noise=float("inf")), "noise must be a finite number >= 0"),
    (lambda: data.circles(factor=1.5), "factor must be a number strictly between 0 and 1"),
    (lambda: data.mnist(n_train=0), "n_train must be an integer of at least 10"),
])
def test_generator_arguments_are_checked(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_loaders_are_registered_by_name():
    assert list(data.LOADERS) == ["blobs", "xor", "xor_noisy", "moons", "circles", "breast_cancer", "iris",
                                  "digits", "mnist"]
    ds = data.load("circles", seed=2, n_samples=100, noise=0.0)
    x, y = skd.make_circles(n_samples=100, noise=0.0, factor=0.5, random_state=2)
    x_tr, _, y_tr, _ = train_test_split(x, y, test_size=0.2, random_state=2, stratify=y)
    np.testing.assert_allclose(ds.x_train * ds.std + ds.mean, x_tr, atol=1e-5)
    np.testing.assert_array_equal(ds.y_train, y_tr)


# --- MNIST from Keras's cache: no network here ------------------------------------------------

def _write_fake_mnist(directory, n=40):
    rng = np.random.default_rng(0)
    (directory / "datasets").mkdir(parents=True)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = np.arange(n) % 10
    np.savez(directory / "datasets" / "mnist.npz", x_train=images, y_train=labels, x_test=images[:20],
             y_test=labels[:20])
    return images, labels


def test_mnist_loads_from_the_keras_cache_offline(tmp_path):
    images, labels = _write_fake_mnist(tmp_path)
    ds = data.mnist(seed=0, n_train=30, n_val=10, cache_dir=str(tmp_path))
    assert ds.x_train.shape == (30, 784) and ds.x_val.shape == (10, 784) and ds.n_classes == 10
    # the same seeded subset, scaled to [0, 1] then standardised with training statistics
    rng = np.random.default_rng(0)
    train, val = rng.permutation(40)[:30], rng.permutation(20)[:10]
    raw = images[train].reshape(30, -1) / 255.0
    std = np.where(raw.std(axis=0) > 0, raw.std(axis=0), 1.0)
    np.testing.assert_allclose(ds.x_train, (raw - raw.mean(axis=0)) / std, atol=1e-5)
    np.testing.assert_array_equal(ds.y_train, labels[train])
    np.testing.assert_array_equal(ds.y_val, labels[:20][val])
    assert ds.feature_names[29] == "pixel_1_1" and ds.class_names == tuple("0123456789")


def test_mnist_reads_the_cache_under_keras_home(tmp_path, monkeypatch):
    images, labels = _write_fake_mnist(tmp_path / "keras")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    ds = data.load("mnist", seed=1, n_train=10, n_val=10)
    np.testing.assert_array_equal(ds.y_train, labels[np.random.default_rng(1).permutation(40)[:10]])


def test_mnist_offline_without_a_cache_says_so_and_suggests_digits(tmp_path):
    with pytest.raises(data.DatasetUnavailable, match=r"MNIST is not cached at .* could not be downloaded \(URL fetch failure on "
                                                      r"http://127\.0\.0\.1:9/mnist\.npz.*\); use --dataset digits"):
        data.mnist(cache_dir=str(tmp_path / "keras"), origin="http://127.0.0.1:9/mnist.npz")
    assert issubclass(data.DatasetUnavailable, ConfigError)      # the command line reports it as a bad flag
    assert not (tmp_path / "keras").exists()                      # no empty cache directory left behind
    (tmp_path / "mine").mkdir()
    with pytest.raises(data.DatasetUnavailable):
        data.mnist(cache_dir=str(tmp_path / "mine"), origin="http://127.0.0.1:9/mnist.npz")
    assert (tmp_path / "mine").is_dir() and list((tmp_path / "mine").iterdir()) == []   # what was there stays
