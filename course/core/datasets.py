"""The course's named data sets, each a seeded, standardised ``Dataset``; ``load(name)`` picks one.

Everything is generated or ships inside scikit-learn (MNIST comes from Keras's cache): no network.

    ds = load("moons", seed=0)
    ds.x_train.shape, ds.y_train[:5]      # (800, 2), array([1, 0, 0, 1, 1])
"""
from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import numpy as np

from course.checks import check_choice, check_int, check_number, check_seed
from course.core.config import ConfigError
from course.core.dataset import Dataset, from_arrays, standardised


def _check_noise(noise) -> float:
    return check_number("noise", noise, low=0, kind="a finite number >= 0")


def _check_n(n_samples, minimum=10) -> int:
    return check_int("n_samples", n_samples, minimum)


def _sklearn():
    from sklearn import datasets   # scikit-learn takes a second to import: only when data are made
    return datasets


# --- generated 2-D problems -------------------------------------------------------------

def blobs(seed=0, n_samples=400, validation_fraction=0.2) -> Dataset:
    """Two Gaussian blobs a single straight line separates (the perceptron's home ground)."""
    n = _check_n(n_samples)
    x, y = _sklearn().make_blobs(n_samples=n, centers=[(-2.0, -1.0), (2.0, 1.0)], cluster_std=1.0,
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
    return standardised("xor", x, y, x.copy(), y.copy(), None, None,
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
    x, y = _sklearn().make_moons(n_samples=n, noise=_check_noise(noise), random_state=check_seed(seed))
    return from_arrays("moons", x, y, seed=seed, validation_fraction=validation_fraction,
                       description="two interleaving half-moons")


def circles(seed=0, n_samples=1000, noise=0.1, factor=0.5, validation_fraction=0.2) -> Dataset:
    """A circle inside a circle (scikit-learn's ``make_circles``)."""
    n = _check_n(n_samples)
    check_number("factor", factor, low=0, high=1, low_open=True, high_open=True,
                 kind="a number strictly between 0 and 1")
    x, y = _sklearn().make_circles(n_samples=n, noise=_check_noise(noise), factor=factor,
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
    return _bundled("breast_cancer", _sklearn().load_breast_cancer(), seed, validation_fraction,
                    "569 tumours, 30 features, malignant vs benign")


def iris(seed=0, validation_fraction=0.2) -> Dataset:
    """Fisher's iris: 150 flowers, 4 measurements, 3 species."""
    return _bundled("iris", _sklearn().load_iris(), seed, validation_fraction, "150 flowers, 4 features, 3 species")


def digits(seed=0, validation_fraction=0.2) -> Dataset:
    """Handwritten digits: 1797 images of 8x8 pixels, flattened to 64 features, 10 classes."""
    return _bundled("digits", _sklearn().load_digits(), seed, validation_fraction,
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
        check_int(label, value, minimum=10)
    home = Path(cache_dir) if cache_dir else Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    cached = home / "datasets" / "mnist.npz"
    made = [d for d in (home, home / "datasets") if not d.exists()]   # removed again if the download fails
    try:
        if cached.is_file():
            path = cached                  # offline: the copy Keras cached earlier
        else:
            from course.core.runtime import keras
            home.mkdir(parents=True, exist_ok=True)   # else Keras quietly falls back to /tmp/.keras
            # get_file prints "Downloading data from ..." itself; keep it out of the lesson's output.
            with contextlib.redirect_stdout(io.StringIO()):
                path = keras.utils.get_file("mnist.npz", origin=origin, cache_dir=str(home))
        with np.load(path) as f:
            x_tr, y_tr, x_va, y_va = f["x_train"], f["y_train"], f["x_test"], f["y_test"]
    except Exception as err:   # no network, a refused connection, a broken cache file
        for directory in reversed(made):          # leave no empty ~/.keras/datasets behind
            try:
                directory.rmdir()
            except OSError:
                pass
        reason = " ".join(str(err).split()) or type(err).__name__
        reason = reason if len(reason) <= 140 else reason[:137] + "..."
        raise DatasetUnavailable(
            f"MNIST is not cached at {cached} and could not be downloaded ({reason}); "
            "use --dataset digits (8x8 handwritten digits that ship with scikit-learn), "
            "or put Keras's mnist.npz there") from None
    rng = np.random.default_rng(seed)
    train = rng.permutation(len(y_tr))[:min(n_train, len(y_tr))]
    val = rng.permutation(len(y_va))[:min(n_val, len(y_va))]

    def flat(images):   # (n, 28, 28) uint8 -> (n, 784) in [0, 1]
        return images.reshape(len(images), -1).astype(np.float64) / 255.0

    return standardised("mnist", flat(x_tr[train]), y_tr[train].astype(np.int64), flat(x_va[val]),
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
    check_choice("dataset", name, tuple(LOADERS))
    return LOADERS[name](seed=seed, **kwargs)
