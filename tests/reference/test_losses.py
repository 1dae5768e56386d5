"""course.reference.losses: the NumPy losses and counts, against Keras, scikit-learn and hand values."""
import numpy as np
import pytest
from sklearn.metrics import confusion_matrix as sk_confusion_matrix

from course.core.runtime import keras
from course.reference.activations import sigmoid, softmax
from course.reference.losses import (bce_from_logits, binary_cross_entropy, categorical_cross_entropy,
                                     confusion_matrix, perceptron_criterion)


def test_binary_cross_entropy_matches_keras_and_hand_values():
    y = np.array([1, 0, 1, 0])
    p = np.array([0.9, 0.2, 0.6, 0.4])
    keras_bce = float(keras.losses.BinaryCrossentropy()(y.reshape(-1, 1).astype("float32"),
                                                        p.reshape(-1, 1).astype("float32")))
    assert binary_cross_entropy(y, p) == pytest.approx(keras_bce, abs=1e-6)
    assert binary_cross_entropy(y, p) == pytest.approx(-np.mean(np.log([0.9, 0.8, 0.6, 0.6])), rel=1e-12)
    # p = 0 or 1 is clipped to [1e-7, 1 - 1e-7], as Keras does: a finite loss
    assert binary_cross_entropy([1.0], [0.0]) == pytest.approx(-np.log(1e-7), rel=1e-6)
    with pytest.raises(ValueError, match="y and p must hold the same"):
        binary_cross_entropy([1, 0], [0.5])


def test_perceptron_criterion_by_hand():
    # t = [1, -1, 1, -1], z = [2, 1, -0.5, -3] -> max(0, -t z) = [0, 1, 0.5, 0]
    assert perceptron_criterion([1, 0, 1, 0], [2.0, 1.0, -0.5, -3.0]) == pytest.approx(1.5 / 4)
    with pytest.raises(ValueError, match="y and z must hold the same"):
        perceptron_criterion([], [])


def test_bce_from_logits_equals_the_probability_formula_and_does_not_overflow():
    z = np.array([-30.0, -2.0, 0.0, 0.5, 4.0, 30.0])
    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0, 1.0])
    p = sigmoid(z)
    expected = np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))
    assert bce_from_logits(y, z) == pytest.approx(expected, rel=1e-12)
    assert bce_from_logits(np.array([0.0]), np.array([1000.0])) == pytest.approx(1000.0)   # no overflow
    assert bce_from_logits(np.array([1.0, 0.0]), np.array([2.0, -2.0])) == pytest.approx(np.log1p(np.exp(-2)))
    grid = bce_from_logits(y, np.stack([z, -z]), axis=-1)      # one loss per row
    assert grid.shape == (2,) and grid[0] == pytest.approx(expected, rel=1e-12)


def test_categorical_cross_entropy_matches_keras(rng):
    assert categorical_cross_entropy([0], [[0.9, 0.07, 0.03]]) == pytest.approx(-np.log(0.9), rel=1e-12)
    p = softmax(rng.normal(size=(50, 5)) * 3)
    y = rng.integers(0, 5, 50)
    expected = float(keras.losses.SparseCategoricalCrossentropy()(y, p.astype(np.float32)))
    assert categorical_cross_entropy(y, p) == pytest.approx(expected, rel=1e-5)
    with pytest.raises(ValueError, match="labels must lie in 0..4"):
        categorical_cross_entropy([5], p[:1])
    with pytest.raises(ValueError, match=r"p must have shape \(n, k\)"):
        categorical_cross_entropy([0, 1], p[:1])


def test_confusion_matrix_equals_sklearn(rng):
    y_true, y_pred = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    np.testing.assert_array_equal(confusion_matrix(y_true, y_pred, 4),
                                  sk_confusion_matrix(y_true, y_pred, labels=range(4)))
    np.testing.assert_array_equal(confusion_matrix([0, 1, 1], [0, 1, 0], 2), [[1, 0], [1, 1]])
    np.testing.assert_array_equal(confusion_matrix([], [], 3), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="y_pred must hold labels in 0..1"):
        confusion_matrix([0, 1], [0, 2], 2)
    with pytest.raises(ValueError, match="same length"):
        confusion_matrix([0, 1], [0], 2)
