"""Datasets as seeded, standardised train/validation splits.

Every loader returns a :class:`Dataset`: float32 features of shape
``(n, n_features)`` standardised with the *training* split's mean and standard
deviation only (the validation split never leaks into them), and integer labels
of shape ``(n,)``. Everything is generated or ships inside scikit-learn: no
network.

    ds = load("moons", seed=0)
    ds.x_train.shape, ds.y_train[:5]      # (800, 2), array([1, 0, 0, 1, 1])
"""
from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn import datasets as skd
from sklearn.model_selection import train_test_split

from course.config import ConfigError, check_seed


@dataclass(frozen=True)
class Dataset:
    """Train/validation splits plus what a learner needs to read them."""

    name: str                 # registry name, e.g. "moons"
    x_train: np.ndarray       # (n_train, n_features) float32, standardised
    y_train: np.ndarray       # (n_train,) int64 class labels 0..n_classes-1
    x_val: np.ndarray         # (n_val, n_features) float32, standardised with training statistics
    y_val: np.ndarray         # (n_val,) int64
    class_names: tuple        # one readable name per class
    feature_names: tuple      # one readable name per feature
    mean: np.ndarray = field(repr=False)   # (n_features,) training mean subtracted
    std: np.ndarray = field(repr=False)    # (n_features,) training std divided by
    description: str = ""     # one line for printing

    @property
    def n_features(self) -> int:
        return int(self.x_train.shape[1])

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    def __str__(self) -> str:
        return (f"{self.name}: {len(self.y_train)} train / {len(self.y_val)} validation examples, "
                f"{self.n_features} feature{'s' * (self.n_features != 1)}, {self.n_classes} classes")


def _check_fraction(validation_fraction) -> float:
    if not isinstance(validation_fraction, (int, float)) or not 0.0 < validation_fraction < 1.0:
        raise ValueError(f"validation_fraction must be a number strictly between 0 and 1, got {validation_fraction!r}")
    return float(validation_fraction)


def _check_noise(noise) -> float:
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not 0 <= noise < float("inf"):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    return float(noise)


def _check_n(n_samples, minimum=10) -> int:
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < minimum:
        raise ValueError(f"n_samples must be an integer of at least {minimum}, got {n_samples!r}")
    return int(n_samples)


def from_arrays(name, x, y, *, seed=0, validation_fraction=0.2, class_names=None,
                feature_names=None, description="", standardise=True) -> Dataset:
    """Split ``x`` (n, d) and ``y`` (n,) into a stratified, standardised Dataset.

    ``standardise=False`` keeps the values as they are (mean 0, std 1 recorded): for features that
    are on one scale already and must stay comparable with each other (a sequence's steps).

    Example:
        >>> ds = from_arrays("mine", np.random.rand(50, 2), np.arange(50) % 2)
        >>> ds.x_train.dtype, ds.n_classes
        (dtype('float32'), 2)
    """
    seed = check_seed(seed)
    validation_fraction = _check_fraction(validation_fraction)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y)
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"x must be a non-empty 2-D array (n_examples, n_features), got shape {x.shape}")
    if y.shape != (x.shape[0],):
        raise ValueError(f"y must have shape ({x.shape[0]},) to match x, got {y.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x contains NaN or infinite values")
    if not np.issubdtype(y.dtype, np.integer) or y.min() < 0:
        raise ValueError("y must hold integer class labels 0, 1, ..., n_classes-1")
    y = y.astype(np.int64)
    x_tr, x_va, y_tr, y_va = train_test_split(
        x, y, test_size=validation_fraction, random_state=seed, stratify=y)
    return _standardised(name, x_tr, y_tr, x_va, y_va, class_names, feature_names, description, standardise)


def _standardised(name, x_tr, y_tr, x_va, y_va, class_names, feature_names, description,
                  standardise=True) -> Dataset:
    if standardise:
        mean = x_tr.mean(axis=0)
        std = x_tr.std(axis=0)
        std = np.where(std > 0, std, 1.0)  # a constant feature stays 0 instead of dividing by zero
    else:
        mean, std = np.zeros(x_tr.shape[1]), np.ones(x_tr.shape[1])
    n_classes = int(max(y_tr.max(), y_va.max())) + 1
    class_names = tuple(class_names) if class_names is not None else tuple(str(c) for c in range(n_classes))
    feature_names = (tuple(feature_names) if feature_names is not None
                     else tuple(f"x{i + 1}" for i in range(x_tr.shape[1])))
    return Dataset(
        name=name,
        x_train=((x_tr - mean) / std).astype(np.float32),
        y_train=y_tr.astype(np.int64),
        x_val=((x_va - mean) / std).astype(np.float32),
        y_val=y_va.astype(np.int64),
        class_names=class_names,
        feature_names=feature_names,
        mean=mean.astype(np.float32),
        std=std.astype(np.float32),
        description=description,
    )


# --- generated 2-D problems -------------------------------------------------------------

def blobs(seed=0, n_samples=400, validation_fraction=0.2) -> Dataset:
    """Two Gaussian blobs a single straight line separates (the perceptron's home ground)."""
    n = _check_n(n_samples)
    x, y = skd.make_blobs(n_samples=n, centers=[(-2.0, -1.0), (2.0, 1.0)], cluster_std=1.0,
                          random_state=check_seed(seed))
    return from_arrays("blobs", x, y, seed=seed, validation_fraction=validation_fraction,
                       description="two linearly separable Gaussian blobs")


def xor(seed=0) -> Dataset:
    """The four XOR corners; with only four points the validation split is the same four points.

    Example:
        >>> xor().y_train       # labels of (0,0), (0,1), (1,0), (1,1)
        array([0, 1, 1, 0])
    """
    check_seed(seed)  # nothing random, but the signature matches the other loaders
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    y = np.array([0, 1, 1, 0], dtype=np.int64)
    return _standardised("xor", x, y, x.copy(), y.copy(), None, None,
                         "the 4 XOR corners, labels x1 XOR x2 (train = validation)")


def xor_noisy(seed=0, n_samples=400, noise=0.15, validation_fraction=0.2) -> Dataset:
    """Many points scattered around the four XOR corners."""
    n = _check_n(n_samples)
    rng = np.random.default_rng(check_seed(seed))
    corners = rng.integers(0, 2, size=(n, 2))
    x = corners + rng.normal(0.0, _check_noise(noise), size=(n, 2))
    y = corners[:, 0] ^ corners[:, 1]
    return from_arrays("xor_noisy", x, y, seed=seed, validation_fraction=validation_fraction,
                       description=f"{n} noisy points around the XOR corners")


def moons(seed=0, n_samples=1000, noise=0.2, validation_fraction=0.2) -> Dataset:
    """Two interleaving half-moons (scikit-learn's ``make_moons``)."""
    n = _check_n(n_samples)
    x, y = skd.make_moons(n_samples=n, noise=_check_noise(noise), random_state=check_seed(seed))
    return from_arrays("moons", x, y, seed=seed, validation_fraction=validation_fraction,
                       description="two interleaving half-moons")


def circles(seed=0, n_samples=1000, noise=0.1, factor=0.5, validation_fraction=0.2) -> Dataset:
    """A circle inside a circle (scikit-learn's ``make_circles``)."""
    n = _check_n(n_samples)
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0 < factor < 1:
        raise ValueError(f"factor must be a number strictly between 0 and 1, got {factor!r}")
    x, y = skd.make_circles(n_samples=n, noise=_check_noise(noise), factor=factor,
                            random_state=check_seed(seed))
    return from_arrays("circles", x, y, seed=seed, validation_fraction=validation_fraction,
                       description="a circle inside a circle")


# --- real data sets that ship inside scikit-learn ------------------------------------

def _bundled(name, bunch, seed, validation_fraction, description) -> Dataset:
    return from_arrays(name, bunch.data, bunch.target, seed=seed, validation_fraction=validation_fraction,
                       class_names=[str(c) for c in bunch.target_names],
                       feature_names=[str(f) for f in getattr(bunch, "feature_names", [])] or None,
                       description=description)


def breast_cancer(seed=0, validation_fraction=0.2) -> Dataset:
    """Wisconsin breast cancer: 569 tumours, 30 measurements, malignant (0) or benign (1)."""
    return _bundled("breast_cancer", skd.load_breast_cancer(), seed, validation_fraction,
                    "569 tumours, 30 features, malignant vs benign")


def iris(seed=0, validation_fraction=0.2) -> Dataset:
    """Fisher's iris: 150 flowers, 4 measurements, 3 species."""
    return _bundled("iris", skd.load_iris(), seed, validation_fraction, "150 flowers, 4 features, 3 species")


def digits(seed=0, validation_fraction=0.2) -> Dataset:
    """Handwritten digits: 1797 images of 8x8 pixels, flattened to 64 features, 10 classes."""
    return _bundled("digits", skd.load_digits(), seed, validation_fraction,
                    "1797 handwritten digits, 8x8 pixels flattened to 64 features")


# --- MNIST through Keras's own download-and-cache helper ----------------------------

MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"


class DatasetUnavailable(ConfigError):
    """A data set that is neither cached nor downloadable here (no network)."""


def mnist(seed=0, n_train=10000, n_val=2000, cache_dir=None, origin=MNIST_URL) -> Dataset:
    """MNIST handwritten digits, 28x28 pixels flattened to 784 features, 10 classes.

    Read from Keras's cache (``$KERAS_HOME/datasets/mnist.npz``, ``~/.keras/...`` by default, or
    ``cache_dir/datasets/mnist.npz``); if it is missing, ``keras.utils.get_file`` downloads it there
    once. A seeded subset of ``n_train`` training and ``n_val`` validation (from MNIST's test set)
    images keeps lessons fast.
    Offline with no cached copy it raises ``DatasetUnavailable`` suggesting ``digits``.

    Example:
        >>> mnist(n_train=1000).x_train.shape
        (1000, 784)
    """
    seed = check_seed(seed)
    for label, value in (("n_train", n_train), ("n_val", n_val)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 10:
            raise ValueError(f"{label} must be an integer of at least 10, got {value!r}")
    home = Path(cache_dir) if cache_dir else Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    cached = home / "datasets" / "mnist.npz"
    try:
        if cached.is_file():
            path = cached                  # offline: the copy Keras cached earlier
        else:
            from course.runtime import keras
            home.mkdir(parents=True, exist_ok=True)   # else Keras quietly falls back to /tmp/.keras
            # get_file prints "Downloading data from ..." itself; keep it out of the lesson's output.
            with contextlib.redirect_stdout(io.StringIO()):
                path = keras.utils.get_file("mnist.npz", origin=origin, cache_dir=str(home))
        with np.load(path) as f:
            x_tr, y_tr, x_va, y_va = f["x_train"], f["y_train"], f["x_test"], f["y_test"]
    except Exception as err:   # no network, a refused connection, a broken cache file
        raise DatasetUnavailable(
            f"MNIST is not cached at {cached} and could not be downloaded ({type(err).__name__}); "
            "use --dataset digits (8x8 handwritten digits that ship with scikit-learn), "
            "or put Keras's mnist.npz there") from None
    rng = np.random.default_rng(seed)
    train = rng.permutation(len(y_tr))[:min(n_train, len(y_tr))]
    val = rng.permutation(len(y_va))[:min(n_val, len(y_va))]

    def flat(images):   # (n, 28, 28) uint8 -> (n, 784) in [0, 1]
        return images.reshape(len(images), -1).astype(np.float64) / 255.0

    return _standardised("mnist", flat(x_tr[train]), y_tr[train].astype(np.int64), flat(x_va[val]),
                         y_va[val].astype(np.int64), [str(d) for d in range(10)],
                         [f"pixel_{i // 28}_{i % 28}" for i in range(784)],
                         f"MNIST subset: {len(train)} training, {len(val)} validation images of 28x28 pixels")


LOADERS = {
    "blobs": blobs,
    "xor": xor,
    "xor_noisy": xor_noisy,
    "moons": moons,
    "circles": circles,
    "breast_cancer": breast_cancer,
    "iris": iris,
    "digits": digits,
    "mnist": mnist,
}


def load(name: str, seed: int = 0, **kwargs) -> Dataset:
    """Load a dataset by name (see ``LOADERS``).

    Example:
        >>> load("iris", seed=1).n_classes
        3
    """
    if name not in LOADERS:
        raise ValueError(f"dataset must be one of {', '.join(LOADERS)}; got {name!r}")
    return LOADERS[name](seed=seed, **kwargs)
