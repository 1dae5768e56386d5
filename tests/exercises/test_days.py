"""The exercises' oracles against independent witnesses: Keras, GradientTape, finite differences, scikit-learn."""
import numpy as np
import pytest

from course.core.runtime import keras, tf
from course.exercises import EXERCISES


def _fd(loss, w, eps=1e-6):
    w = np.array(w, dtype=float)
    g = np.zeros_like(w)
    for i in range(w.size):
        s = np.zeros_like(w)
        s.flat[i] = eps
        g.flat[i] = (loss(w + s) - loss(w - s)) / (2 * eps)
    return g


def cases(exercise_id):
    return EXERCISES[exercise_id].seeded_cases()


@pytest.mark.parametrize("exercise_id, keras_fn", [
    ("day1.sigmoid", keras.activations.sigmoid), ("day5.softmax", keras.activations.softmax)])
def test_activation_oracles_equal_keras(exercise_id, keras_fn):
    for case in cases(exercise_id):
        z = case["z"] if case["z"].ndim > 1 or exercise_id == "day1.sigmoid" else case["z"][None]
        np.testing.assert_allclose(EXERCISES[exercise_id].oracle(z=z), keras_fn(tf.constant(z, tf.float64)).numpy(),
                                   rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("exercise_id, activation", [("day4.sigmoid_derivative", "sigmoid"),
                                                     ("day4.relu_derivative", "relu")])
def test_derivative_oracles_equal_the_gradient_tape(exercise_id, activation):
    for case in cases(exercise_id):
        z = tf.constant(case["z"], tf.float64)
        with tf.GradientTape() as tape:
            tape.watch(z)
            out = getattr(keras.activations, activation)(z)
        np.testing.assert_allclose(EXERCISES[exercise_id].oracle(**case), tape.gradient(out, z).numpy(), atol=1e-12)


def test_loss_oracles_equal_keras():
    for case in cases("day1.binary_cross_entropy"):
        expected = keras.losses.BinaryCrossentropy(dtype="float64")(case["y"].astype("float64")[:, None],
                                                                    case["p"][:, None])
        assert EXERCISES["day1.binary_cross_entropy"].oracle(**case) == pytest.approx(float(expected), rel=1e-12)
    for case in cases("day5.cross_entropy"):
        expected = keras.losses.SparseCategoricalCrossentropy(dtype="float64")(case["y"], case["p"])
        assert EXERCISES["day5.cross_entropy"].oracle(**case) == pytest.approx(float(expected), rel=1e-12)


def test_neuron_gradient_oracles_equal_finite_differences():
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))
    for case in cases("day3.neuron_gradients_mse"):
        x, y = case["x"], case["y"]
        mse = lambda q: np.mean((sigmoid(q[0] * x + q[1]) - y) ** 2)                   # noqa: E731
        bce = lambda q: np.mean(-(y * np.log(sigmoid(q[0] * x + q[1]))                 # noqa: E731
                                  + (1 - y) * np.log(1 - sigmoid(q[0] * x + q[1]))))
        start = [case["w"], case["b"]]
        np.testing.assert_allclose(EXERCISES["day3.neuron_gradients_mse"].oracle(**case), _fd(mse, start), rtol=1e-6)
        np.testing.assert_allclose(EXERCISES["day3.neuron_gradients_bce"].oracle(**case), _fd(bce, start), rtol=1e-6)


def test_logit_gradient_oracle_equals_the_gradient_tape():
    for case in cases("day5.softmax_cross_entropy_gradient"):
        z = tf.constant(case["z"], tf.float64)
        with tf.GradientTape() as tape:
            tape.watch(z)
            loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(case["y"], z)
        np.testing.assert_allclose(EXERCISES["day5.softmax_cross_entropy_gradient"].oracle(**case),
                                   tape.gradient(loss, z).numpy(), atol=1e-12)


def test_backprop_oracle_equals_the_gradient_tape():
    for case in cases("day6.backprop_two_layer"):
        params = [tf.Variable(case[k]) for k in ("W1", "b1", "W2", "b2")]
        with tf.GradientTape() as tape:
            a1 = tf.sigmoid(case["x"] @ params[0] + params[1])
            p = tf.sigmoid(a1 @ params[2] + params[3])
            loss = keras.losses.BinaryCrossentropy(dtype="float64")(case["y"].reshape(-1, 1).astype(float), p)
        for ours, theirs in zip(EXERCISES["day6.backprop_two_layer"].oracle(**case), tape.gradient(loss, params)):
            np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-6, atol=1e-12)


def test_finite_difference_oracle_equals_the_analytic_gradient():
    for case in cases("day6.numerical_gradient"):
        w = case["w"]
        analytic = 3 * np.exp(3 * w) if case["f"].__name__ == "sum_of_exp_3w" else 2 * w * np.sin(w) + w ** 2 * np.cos(w)
        # a centered difference is off by about eps^2 f''' / 6: 1e-6 of these gradients with eps = 1e-3
        np.testing.assert_allclose(EXERCISES["day6.numerical_gradient"].oracle(**case), analytic, rtol=1e-4)


@pytest.mark.parametrize("exercise_id, optimizer", [
    ("day8.momentum_step", keras.optimizers.SGD(0.01, momentum=0.9)), ("day8.rmsprop_step", None),
    ("day8.adam_step", None), ("day3.sgd_step", None)])
def test_update_rule_oracles_equal_keras_optimizers_over_several_steps(exercise_id, optimizer):
    exercise = EXERCISES[exercise_id]
    rng = np.random.default_rng(3)
    w0, lr = rng.normal(size=(3, 2)), 0.05
    make = {"day8.momentum_step": lambda: keras.optimizers.SGD(lr, momentum=0.9),
            "day8.rmsprop_step": lambda: keras.optimizers.RMSprop(lr),
            "day8.adam_step": lambda: keras.optimizers.Adam(lr),
            "day3.sgd_step": lambda: keras.optimizers.SGD(lr)}[exercise_id]
    variable = tf.Variable(w0, dtype=tf.float64)
    keras_optimizer = make()
    ours, state = w0.copy(), {slot: np.zeros_like(w0) for slot in exercise.outputs[1:]}
    for t in range(1, 6):
        grad = rng.normal(size=w0.shape)
        keras_optimizer.apply_gradients([(tf.constant(grad), variable)])
        extra = {"t": t} if exercise_id == "day8.adam_step" else {}
        out = exercise.oracle(w=ours, grad=grad, **state, **extra, learning_rate=lr)
        out = out if isinstance(out, tuple) else (out,)
        ours, state = out[0], dict(zip(exercise.outputs[1:], out[1:]))
    # Keras rounds 0.9 and 0.999 to float32 (the exercises keep them exact): at most a few 1e-6 of a step here
    np.testing.assert_allclose(ours, variable.numpy(), rtol=1e-5, atol=1e-7)
