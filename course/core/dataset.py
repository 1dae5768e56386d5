"""What every data loader returns: a seeded, standardised train/validation split.

A :class:`Dataset` holds float32 features of shape ``(n, n_features)`` standardised with the
*training* split's mean and standard deviation only (the validation split never leaks into them),
and integer labels of shape ``(n,)``. ``from_arrays`` makes one from any arrays; the named loaders
(``course.core.datasets``) build on it.

    ds = from_arrays("mine", np.random.rand(50, 2), np.arange(50) % 2)
    ds.x_train.shape, ds.n_classes          # (40, 2), 2
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from course.checks import check_number, check_seed
from course.numbers import count


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


MAX_CLASSES = 100_000     # labels beyond it are ids, not classes (10**12 class names would fill the memory)


def check_fraction(validation_fraction) -> float:
    return check_number("validation_fraction", validation_fraction, low=0, high=1, low_open=True, high_open=True,
                        kind="a number strictly between 0 and 1")


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
    from sklearn.model_selection import train_test_split   # scikit-learn takes a second to import

    seed = check_seed(seed)
    validation_fraction = check_fraction(validation_fraction)
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
    if y.max() >= MAX_CLASSES or y.max() >= 2 * len(y):
        raise ValueError(f"y must hold class labels 0, 1, ..., n_classes-1 with few classes missing; its largest label "
                         f"is {y.max()} for {len(y)} examples (at most {MAX_CLASSES - 1:,})")
    y = y.astype(np.int64)
    counts = np.bincount(y)
    n_val = int(np.ceil(validation_fraction * len(y)))     # scikit-learn's rounding of test_size
    present = int(np.count_nonzero(counts))
    if counts[counts > 0].min() < 2 or not present <= n_val <= len(y) - present:
        raise ValueError(f"a stratified split of {len(y)} examples in {present} classes (the smallest with "
                         f"{counts[counts > 0].min()}) needs at least 2 examples of each class and, with "
                         f"validation_fraction {validation_fraction:g} ({count(n_val, 'validation example')}), at least one "
                         f"example of each class in each split: use a fraction between "
                         f"{present / len(y):.3g} and {1 - present / len(y):.3g}, or more examples")
    x_tr, x_va, y_tr, y_va = train_test_split(
        x, y, test_size=validation_fraction, random_state=seed, stratify=y)
    return standardised(name, x_tr, y_tr, x_va, y_va, class_names, feature_names, description, standardise)


def standardised(name, x_tr, y_tr, x_va, y_va, class_names=None, feature_names=None, description="",
                 standardise=True) -> Dataset:
    """A Dataset of given splits, the features standardised with the training split's statistics."""
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


def select_features(ds: Dataset, columns) -> Dataset:
    """``ds`` with only some of its features (columns of x), e.g. Day 8's one feature of breast_cancer.

    Example:
        >>> select_features(breast_cancer(), [0]).x_train.shape          # the tumours' mean radius
        (455, 1)
    """
    columns = list(columns) if not isinstance(columns, (str, bytes)) else [columns]
    if not columns or any(isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k < ds.n_features
                          for k in columns):
        raise ValueError(f"columns must be a non-empty list of feature indices 0 .. {ds.n_features - 1} "
                         f"({ds.n_features} features), got {columns!r}")
    names = [ds.feature_names[k] for k in columns]
    return dataclasses.replace(ds, x_train=ds.x_train[:, columns], x_val=ds.x_val[:, columns],
                               feature_names=tuple(names), mean=ds.mean[columns], std=ds.std[columns],
                               description=f"{ds.name} reduced to the feature{'s' * (len(names) > 1)} "
                                           f"{', '.join(repr(n) for n in names)}")
