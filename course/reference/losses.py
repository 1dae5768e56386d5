"""Losses and counts in NumPy, computed as Keras computes them (clipping, stable logits): the oracles.

    binary_cross_entropy([1, 0], [0.9, 0.2])            # mean of -[y log p + (1 - y) log(1 - p)]
    categorical_cross_entropy([0], [[0.9, 0.07, 0.03]]) # -log 0.9
"""
from __future__ import annotations

import numpy as np


def binary_cross_entropy(y, p, eps=1e-7):
    """Mean of -[y log p + (1 - y) log(1 - p)], with p clipped to [eps, 1 - eps] as Keras does."""
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    p = np.clip(np.asarray(p, dtype=np.float64).reshape(-1), eps, 1 - eps)
    if y.shape != p.shape or y.size == 0:
        raise ValueError(f"y and p must hold the same non-zero number of values, got {y.size} and {p.size}")
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))


def bce_from_logits(y, z, axis=-1):
    """Mean binary cross-entropy of p = sigmoid(z), from the logit z without forming p.

    max(z, 0) - z*y + log(1 + e^-|z|) equals -[y log p + (1 - y) log(1 - p)] and never overflows.
    ``y`` broadcasts against ``z``; the mean is over ``axis`` (a float when the result is 0-d).

    Example:
        >>> bce_from_logits(np.array([1.0, 0.0]), np.array([2.0, -2.0]))   # -log sigmoid(2)
        0.12692801104297263
    """
    z = np.asarray(z, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    loss = np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))), axis=axis)
    return float(loss) if np.ndim(loss) == 0 else loss


def perceptron_criterion(y, z):
    """Mean of max(0, -t * z) with labels t = +1/-1 (from y = 1/0) and z the pre-activation.

    Zero for every correctly classified point; the distance past the boundary otherwise.
    """
    t = 2.0 * np.asarray(y, dtype=np.float64).reshape(-1) - 1.0
    z = np.asarray(z, dtype=np.float64).reshape(-1)
    if t.shape != z.shape or t.size == 0:
        raise ValueError(f"y and z must hold the same non-zero number of values, got {t.size} and {z.size}")
    return float(np.mean(np.maximum(0.0, -t * z)))


def categorical_cross_entropy(y, p, eps=1e-7):
    """Mean of -sum_k onehot(y)_k log p_k = -log p[true class], with p clipped to [eps, 1 - eps] as Keras does.

    Args:
        y: (n,) integer labels. p: (n, k) probabilities, each row summing to 1.

    Example:
        >>> categorical_cross_entropy([0], [[0.9, 0.07, 0.03]])    # -log 0.9
        0.10536...
    """
    y = np.asarray(y).reshape(-1)
    p = np.clip(np.asarray(p, dtype=np.float64), eps, 1 - eps)
    if p.ndim != 2 or y.shape != (p.shape[0],) or y.size == 0:
        raise ValueError(f"p must have shape (n, k) with one label in y per row, got p {p.shape} and y {y.shape}")
    if y.min() < 0 or y.max() >= p.shape[1]:
        raise ValueError(f"labels must lie in 0..{p.shape[1] - 1} for {p.shape[1]} classes")
    return float(np.mean(-np.log(p[np.arange(len(y)), y])))


def confusion_matrix(y_true, y_pred, n_classes):
    """counts[i, j] = how many examples of true class i were predicted as class j.

    The diagonal holds the correct predictions; each row sums to that class's count.

    Example:
        >>> confusion_matrix([0, 1, 1], [0, 1, 0], 2)
        array([[1, 0],
               [1, 1]])
    """
    y_true, y_pred = np.asarray(y_true).reshape(-1), np.asarray(y_pred).reshape(-1)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same length, got {y_true.size} and {y_pred.size}")
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if y.size and (y.min() < 0 or y.max() >= n_classes):
            raise ValueError(f"{name} must hold labels in 0..{n_classes - 1}")
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (y_true.astype(np.int64), y_pred.astype(np.int64)), 1)
    return counts
