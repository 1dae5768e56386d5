import numpy as np
import pytest

from course import models, numpy_ref
from course.runtime import keras

Z = np.linspace(-8, 8, 33)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "linear"])
def test_activations_equal_keras(name):
    ours = numpy_ref.ACTIVATIONS[name](Z)
    theirs = np.asarray(getattr(keras.activations, name)(Z.astype(np.float32)))
    np.testing.assert_allclose(ours, theirs, atol=1e-6)


def test_softmax_equals_keras_and_survives_huge_logits():
    z = np.array([[2.0, 1.0, 0.1], [1000.0, 999.0, 998.0]])
    p = numpy_ref.softmax(z)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(p[0], np.asarray(keras.activations.softmax(z[:1].astype(np.float32)))[0],
                               atol=1e-6)
    # softmax is shift-invariant: logits near 1000 give the same probabilities as [2, 1, 0]
    np.testing.assert_allclose(p[1], numpy_ref.softmax(np.array([2.0, 1.0, 0.0])), atol=1e-12)
    assert np.all(np.isfinite(p))


def test_sigmoid_worked_values_and_no_overflow():
    assert round(float(numpy_ref.sigmoid(-5.0)), 4) == 0.0067
    assert round(float(numpy_ref.sigmoid(5.0)), 4) == 0.9933
    assert numpy_ref.sigmoid(np.array([-1000.0, 1000.0])).tolist() == [0.0, 1.0]


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_forward_equals_keras_mlp_to_1e6(activation, rng):
    model = models.mlp(3, hidden=(5, 4), activation=activation, seed=1)
    x = rng.normal(size=(10, 3)).astype(np.float32)
    ours = numpy_ref.predict(x, numpy_ref.layers_from_keras(model))
    np.testing.assert_allclose(ours, np.asarray(model(x)), atol=1e-6)


def test_forward_equals_keras_softmax_classifier(rng):
    model = models.softmax_classifier(4, 3, hidden=(6,), seed=2)
    x = rng.normal(size=(8, 4)).astype(np.float32)
    np.testing.assert_allclose(numpy_ref.predict(x, numpy_ref.layers_from_keras(model)),
                               np.asarray(model(x)), atol=1e-6)


def test_forward_keeps_every_intermediate_value():
    W1, b1 = np.array([[1.0, -1.0], [2.0, 0.5]]), np.array([0.5, -0.5])
    W2, b2 = np.array([[1.0], [-2.0]]), np.array([0.25])
    x = np.array([[1.0, 2.0]])
    steps = numpy_ref.forward(x, [(W1, b1, "relu"), (W2, b2, "sigmoid")])
    np.testing.assert_allclose(steps[0]["z"], [[1 + 4 + 0.5, -1 + 1 - 0.5]])     # by hand
    np.testing.assert_allclose(steps[0]["a"], [[5.5, 0.0]])
    np.testing.assert_allclose(steps[1]["z"], [[5.5 + 0.25]])
    np.testing.assert_allclose(steps[1]["a"], [[1 / (1 + np.exp(-5.75))]])


def test_losses_match_keras_and_hand_values():
    y = np.array([1, 0, 1, 0])
    p = np.array([0.9, 0.2, 0.6, 0.4])
    keras_bce = float(keras.losses.BinaryCrossentropy()(y.reshape(-1, 1).astype("float32"),
                                                        p.reshape(-1, 1).astype("float32")))
    assert numpy_ref.binary_cross_entropy(y, p) == pytest.approx(keras_bce, abs=1e-6)
    # perceptron criterion: t = [1, -1, 1, -1], z = [2, 1, -0.5, -3] -> max(0, -t z) = [0, 1, 0.5, 0]
    assert numpy_ref.perceptron_criterion(y, [2.0, 1.0, -0.5, -3.0]) == pytest.approx(1.5 / 4)


def test_dense_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="cannot be multiplied"):
        numpy_ref.dense(np.zeros((2, 3)), np.zeros((2, 1)), np.zeros(1), "relu")
    with pytest.raises(ValueError, match="activation must be one of"):
        numpy_ref.dense(np.zeros((2, 2)), np.zeros((2, 1)), np.zeros(1), "swishy")


def test_bad_layers_and_loss_shapes_are_named():
    with pytest.raises(ValueError, match=r"layers must be a non-empty list of \(W, b, activation\)"):
        numpy_ref.forward(np.zeros((1, 2)), [(np.zeros((2, 1)), np.zeros(1))])
    with pytest.raises(ValueError, match="y and p must hold the same"):
        numpy_ref.binary_cross_entropy([1, 0], [0.5])
    with pytest.raises(ValueError, match="y and z must hold the same"):
        numpy_ref.perceptron_criterion([], [])


@pytest.mark.parametrize("build, n_classes", [
    (lambda: models.perceptron(3, seed=0), 2),
    (lambda: models.mlp(3, hidden=(5, 4), activation="tanh", seed=1), 2),
    (lambda: models.mlp(3, hidden=(6,), activation="relu", seed=2), 2),
    (lambda: models.mlp(3, hidden=(4,), activation="sigmoid", seed=3), 2),
    (lambda: models.softmax_classifier(3, 4, hidden=(5,), seed=4), 4),
])
def test_backprop_equals_the_gradient_tape(build, n_classes, rng):
    from course import training
    from course.runtime import tf
    model = build()
    x = rng.normal(size=(9, 3)).astype(np.float32)
    y = rng.integers(0, n_classes, size=9)
    loss, grads = numpy_ref.loss_and_gradients(x, y, numpy_ref.layers_from_keras(model))
    with tf.GradientTape() as tape:
        tape_loss = training.loss_for(model)(training.labels_for(model, y), model(x))
    tape_grads = tape.gradient(tape_loss, model.trainable_variables)
    assert loss == pytest.approx(float(tape_loss), abs=1e-5)
    ours = [g for pair in grads for g in pair]
    for mine, theirs in zip(ours, tape_grads):
        np.testing.assert_allclose(mine, theirs.numpy(), atol=1e-5)


def test_backprop_equals_centered_finite_differences_in_float64(rng):
    W1, b1 = rng.normal(size=(2, 3)), rng.normal(size=3)
    W2, b2 = rng.normal(size=(3, 1)), rng.normal(size=1)
    x, y = rng.normal(size=(5, 2)), np.array([0, 1, 1, 0, 1])
    layers = [(W1, b1, "tanh"), (W2, b2, "sigmoid")]
    _, grads = numpy_ref.loss_and_gradients(x, y, layers)
    eps = 1e-6
    for li, (dW, _) in enumerate(grads):
        W = layers[li][0]
        for idx in np.ndindex(W.shape):
            plus, minus = W.copy(), W.copy()
            plus[idx] += eps
            minus[idx] -= eps
            lp = numpy_ref.loss_and_gradients(x, y, [*layers[:li], (plus, *layers[li][1:]), *layers[li + 1:]])[0]
            lm = numpy_ref.loss_and_gradients(x, y, [*layers[:li], (minus, *layers[li][1:]), *layers[li + 1:]])[0]
            numeric = (lp - lm) / (2 * eps)
            assert abs(numeric - dW[idx]) <= 1e-6 * max(1.0, abs(numeric))


def test_sgd_step_moves_against_the_gradient():
    layers = [(np.array([[0.5], [-0.5]]), np.array([0.1]), "sigmoid")]
    x, y = np.array([[1.0, 2.0]]), np.array([1])
    loss, new = numpy_ref.sgd_step(x, y, layers, 0.1)
    p = 1 / (1 + np.exp(-(0.5 - 1.0 + 0.1)))
    np.testing.assert_allclose(new[0][0], [[0.5 - 0.1 * (p - 1) * 1.0], [-0.5 - 0.1 * (p - 1) * 2.0]])
    np.testing.assert_allclose(new[0][1], [0.1 - 0.1 * (p - 1)])
    assert loss == pytest.approx(-np.log(p))


def test_bce_from_logits_equals_the_probability_formula_and_does_not_overflow():
    z = np.array([-30.0, -2.0, 0.0, 0.5, 4.0, 30.0])
    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0, 1.0])
    p = numpy_ref.sigmoid(z)
    expected = np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))
    assert numpy_ref.bce_from_logits(y, z) == pytest.approx(expected, rel=1e-12)
    assert numpy_ref.bce_from_logits(np.array([0.0]), np.array([1000.0])) == pytest.approx(1000.0)   # no overflow
    grid = numpy_ref.bce_from_logits(y, np.stack([z, -z]), axis=-1)      # one loss per row
    assert grid.shape == (2,) and grid[0] == pytest.approx(expected, rel=1e-12)
