"""course.reference.optimizers: the NumPy update rules of SGD, momentum, RMSprop and Adam, against
hand-derived numbers and Keras's own optimizers, and the logistic loss surface."""
import numpy as np
import pytest

from course.core.optimizers import make_optimizer
from course.core.runtime import keras, tf
from course.reference import optimizers
from course.reference.backprop import loss_and_gradients

F32 = {"b1": float(np.float32(0.9)), "b2": float(np.float32(0.999))}


@pytest.mark.parametrize("name, expected", [
    ("sgd", 0.5 - 0.1 * -0.2),                                            # w - lr g
    ("momentum", 0.5 + (0.9 * 0 - 0.1 * -0.2)),                           # v = -lr g; w + v
    ("rmsprop", 0.5 - 0.1 * -0.2 / np.sqrt(0.1 * 0.04 + 1e-7)),           # eps inside the root
    ("adam", 0.5 - (0.1 * np.sqrt(1 - F32["b2"]) / (1 - F32["b1"])) * (0.1 * -0.2)
     / (np.sqrt(0.001 * 0.04) + 1e-7)),                                   # alpha m / (sqrt v + eps)
])
def test_first_update_matches_the_hand_derived_formula(name, expected):
    after, parts = optimizers.first_update(name, np.array(0.5), np.array(-0.2), 0.1)
    assert float(after) == pytest.approx(expected, abs=1e-12)
    if name == "adam":
        assert float(parts["m"]) == pytest.approx(0.1 * -0.2, abs=1e-12)
        assert float(parts["v"]) == pytest.approx(0.001 * 0.04, abs=1e-12)
        assert float(parts["m_hat"]) == pytest.approx(0.1 * -0.2 / (1 - F32["b1"]), abs=1e-12)
        assert float(parts["v_hat"]) == pytest.approx(0.001 * 0.04 / (1 - F32["b2"]), abs=1e-12)
        assert abs(float(after) - 0.5 - 0.1) < 1e-5          # Adam's first step is about lr against the sign of g


def test_the_second_momentum_update_carries_the_first_velocity():
    w1, state, _ = optimizers.update("momentum", 0.5, -0.2, optimizers.init_state("momentum", 0.5), 1, 0.1)
    w2, _, parts = optimizers.update("momentum", w1, 0.4, state, 2, 0.1)
    velocity = F32["b1"] * 0.02 - 0.1 * 0.4                            # 0.9 (float32) x 0.02 - lr g
    assert float(parts["velocity"]) == pytest.approx(velocity, abs=1e-15)
    assert float(w2) == pytest.approx(0.52 + velocity, abs=1e-15)


@pytest.mark.parametrize("name", ["sgd", "momentum", "rmsprop", "adam"])
def test_numpy_path_equals_keras_over_ten_steps(name):
    # f(w) = sum(c * (w - t)^2): gradients of very different sizes per coordinate
    c, t = np.array([0.01, 1.0, 15.0]), np.array([1.0, -2.0, 0.5])

    def grad(w):
        return 2 * c * (w - t)

    w0 = np.array([0.3, 0.7, -0.4])
    ours = optimizers.path(name, grad, w0, 0.05, 10)                                   # (11, 3)
    var = tf.Variable(w0.astype(np.float32))
    opt = make_optimizer(name, 0.05)
    theirs = [var.numpy()]
    for _ in range(10):
        opt.apply_gradients([(tf.constant(grad(var.numpy().astype(np.float64)), tf.float32), var)])
        theirs.append(var.numpy())
    assert ours.shape == (11, 3)
    np.testing.assert_allclose(ours, np.array(theirs, np.float64), rtol=1e-6, atol=1e-6)


def test_state_slots_start_at_zero_and_are_not_modified():
    assert optimizers.OPTIMIZERS == ("sgd", "momentum", "rmsprop", "adam")
    state = optimizers.init_state("adam", np.ones((2, 2)))
    assert set(state) == {"m", "v"} and all(np.array_equal(s, np.zeros((2, 2))) for s in state.values())
    assert optimizers.init_state("sgd", 1.0) == {}
    optimizers.update("adam", np.ones((2, 2)), np.ones((2, 2)), state, 1, 0.1)
    assert all(np.array_equal(s, np.zeros((2, 2))) for s in state.values())     # a new state is returned


def test_update_rejects_bad_input():
    with pytest.raises(ValueError, match="optimizer must be one of"):
        optimizers.init_state("adagrad", 1.0)
    with pytest.raises(ValueError, match="t must be a positive integer"):
        optimizers.update("adam", 1.0, 1.0, optimizers.init_state("adam", 1.0), 0, 0.1)
    with pytest.raises(ValueError, match="shape"):
        optimizers.update("sgd", np.zeros(2), np.zeros(3), {}, 1, 0.1)


def test_explain_first_update_prints_the_numbers():
    assert optimizers.explain_first_update("sgd", "b", 0.0, -0.148, 0.5) == [
        "b: w <- w - lr x g = 0.000000 - 0.5 x (-0.148000) = 0.074000"]
    lines = optimizers.explain_first_update("adam", "w", 3.0, 0.46, 0.3)
    assert lines[1].endswith("= 0.046") and lines[2].endswith("= 0.0002116")      # 0.1 x 0.46, 0.001 x 0.46^2
    c1, c2 = 1 - F32["b1"], 1 - F32["b2"]                                         # the float32 betas' corrections
    assert lines[3].startswith(f"  bias correction: 1 - 0.9^1 = {c1:.9g} and 1 - 0.999^1 = {c2:.9g}")
    assert lines[4] == f"    m_hat = m / {c1:.9g} = {0.046 / c1:.6g},  v_hat = v / {c2:.9g} = {0.0002116 / c2:.6g}"
    alpha = 0.3 * np.sqrt(c2) / c1
    assert lines[5].endswith(f"= {alpha:.6g}")
    step = alpha * 0.046 / (np.sqrt(0.0002116) + 1e-7)
    assert lines[6].endswith(f"= {3.0 - step:.6f}")
    assert lines[7].endswith(f"w changes by {-step:+.6f}, a step of {step / 0.3:.4f} x lr)")
    momentum = optimizers.explain_first_update("momentum", "w", 1.0, 2.0, 0.1)
    assert momentum[1].endswith("= -0.200000") and momentum[2].endswith("= 0.800000")
    rmsprop = optimizers.explain_first_update("rmsprop", "w", 1.0, 2.0, 0.1)
    assert rmsprop[1].endswith("= 0.4") and rmsprop[2].endswith(f"= {1.0 - 0.1 * 2.0 / np.sqrt(0.4 + 1e-7):.6f}")


def test_loss_surface_equals_the_numpy_reference_and_keras():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(50, 1)), rng.integers(0, 2, 50)
    W, B = np.meshgrid([-2.0, 0.5, 3.0], [-1.0, 0.0, 2.0])
    surface = optimizers.logistic_loss_surface(x, y, W, B)
    for i in range(3):
        for j in range(3):
            layers = [(np.array([[W[i, j]]]), np.array([B[i, j]]), "sigmoid")]
            assert surface[i, j] == pytest.approx(loss_and_gradients(x, y, layers)[0], abs=1e-12)
    p = tf.sigmoid(tf.constant(W[1, 2] * x + B[1, 2], tf.float32))
    keras_loss = float(keras.losses.BinaryCrossentropy()(y.reshape(-1, 1).astype(np.float32), p))
    assert surface[1, 2] == pytest.approx(keras_loss, abs=1e-5)
    with pytest.raises(ValueError, match="same shape"):
        optimizers.logistic_loss_surface(x, y, W, B[:2])
    with pytest.raises(ValueError, match="same non-zero number of examples"):
        optimizers.logistic_loss_surface(x[:3], y, W, B)
