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


# --- the TensorFlow exercises and Days 9-10 (issue 21): the oracles against witnesses of their own ---------------

def test_the_tape_gradient_oracle_equals_keras_cross_entropy_on_a_gradient_tape():
    exercise = EXERCISES["day1.tape_gradients"]
    for case in cases("day1.tape_gradients"):
        w, b = tf.Variable(case["w"]), tf.Variable(case["b"])
        with tf.GradientTape() as tape:
            p = tf.sigmoid(case["x"] @ w + b)
            loss = keras.losses.BinaryCrossentropy(dtype="float64")(case["y"], p)
        for ours, theirs in zip(exercise.oracle(**case), tape.gradient(loss, [w, b])):
            np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-6, atol=1e-12)


def test_the_variable_update_oracle_is_what_keras_sgd_applies():
    exercise = EXERCISES["day3.variable_update"]
    for case in cases("day3.variable_update"):
        variables = [tf.Variable(case["kernel"]), tf.Variable(case["bias"])]
        keras.optimizers.SGD(case["learning_rate"]).apply_gradients(
            zip([tf.constant(case["grad_kernel"]), tf.constant(case["grad_bias"])], variables))
        for ours, theirs in zip(exercise.oracle(**case), variables):     # Keras holds lr in float32: 1e-8 of it
            np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-7)


def test_the_model_specification_is_the_courses_own_mlp_described_and_run_by_keras():
    """``tfmodels.specified`` (NumPy) against ``models.mlp`` built by Keras and run forward with the same weights."""
    from course.core import models
    from course.exercises.tfmodels import describe, specified
    for case in cases("day2.keras_mlp"):
        layers, parameters, p = describe(lambda n, h, a: models.mlp(n, hidden=h, activation=a), **case)
        want_layers, want_parameters, want_p = specified(**case)
        assert (layers, parameters) == (want_layers, want_parameters)
        np.testing.assert_allclose(p, want_p, rtol=1e-5, atol=1e-7)


def test_three_course_train_steps_equal_three_numpy_backprop_sgd_steps():
    """The training step's reference, driven as the check drives it, against ``reference.backprop`` in float64."""
    from course import reference
    from course.exercises.references import expected
    exercise, case = EXERCISES["day2.train_step"], cases("day2.train_step")[0]
    weights, state, losses, calls = expected(exercise, case)
    model = case["model"].function(**case["model"].kwargs)                   # the same seeded start
    layers = [(*(v.numpy().astype(np.float64) for v in layer.weights), name)
              for layer, name in zip(model.layers, ("relu", "sigmoid"))]
    numpy_losses = []
    for _ in range(case["steps"]):
        loss, layers = reference.backprop.sgd_step(case["x"], case["y"], layers, 0.5)
        numpy_losses.append(loss)
    np.testing.assert_allclose(weights, np.concatenate([a.ravel() for W, b, _ in layers for a in (W, b)]),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(losses, numpy_losses, rtol=1e-5)
    assert state.size == 0 and calls.tolist() == [[1, 4, 0, 0, 0, 0, 1, 0, 1]] * 3


def test_the_epoch_reference_takes_tf_data_s_seeded_order_in_batches_keeping_the_last():
    from course.exercises.references import expected
    for case in cases("day7.train_epoch"):
        _, sizes, order, losses = expected(EXERCISES["day7.train_epoch"], case)
        n, b = len(case["x"]), case["batch_size"]
        tf.random.set_seed(0)
        batches = list(tf.data.Dataset.range(n).shuffle(n, seed=case["seed"]).batch(b).as_numpy_iterator())
        assert sizes.tolist() == [len(batch) for batch in batches] == [b] * (n // b) + [n % b] * (n % b > 0)
        assert order.tolist() == np.concatenate(batches).tolist() and len(losses) == len(batches)


def test_the_logging_reference_writes_the_tags_of_the_courses_run_logger_every_step():
    """The tags the course's RunLogger gives a model's histograms (``layout.histogram_tags``) and batch_loss; every
    step from ``step`` on; each histogram counts every entry of its variable."""
    from course.exercises.references import expected
    from course.tensorboard.layout import histogram_tags
    for case in cases("day7.logged_epoch"):
        tags, steps, values, _, returned = expected(EXERCISES["day7.logged_epoch"], case)
        model = case["model"].function(**case["model"].kwargs)
        names = ["/".join(v.path.split("/")[-2:]) for v in model.trainable_variables]
        assert set(tags) == {"batch_loss", *(t for name in names for t in histogram_tags(name))}
        batches = -(-len(case["x"]) // case["batch_size"])
        assert all(s == tuple(range(case["step"], case["step"] + batches)) for s in steps)
        assert returned == case["step"] + batches
        sizes = {t: int(np.prod(v.shape)) for name, v in zip(names, model.trainable_variables)
                 for t in histogram_tags(name)}
        for tag, value in zip(tags, values):
            if tag != "batch_loss":
                assert np.all(value[:, :, 2].sum(axis=1) == sizes[tag])


def test_the_all_reduce_oracle_equals_mirrored_strategy_over_two_logical_cpus(two_replicas):
    """Day 10's way: a perceptron mirrored on two replicas, each its slice of the global batch (``split_batch``),
    its loss over the global batch size, its gradient; the strategy's sum is the oracle's total."""
    from course.core.step import per_example_loss_for
    from course.distribute import split_batch
    from course.exercises.days.day10 import WEIGHTS
    exercise = EXERCISES["day10.all_reduce"]
    for case in [c for c in cases("day10.all_reduce") if c["replicas"] == 2]:
        with two_replicas.scope():
            model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
            model.set_weights([WEIGHTS[:2, None].astype(np.float32), WEIGHTS[2:].astype(np.float32)])
        x, y = tf.constant(case["x"], tf.float32), tf.constant(case["y"].reshape(-1, 1), tf.float32)
        m, loss_fn = len(case["y"]), per_example_loss_for(model)

        def share(xs, ys):
            with tf.GradientTape() as tape:
                loss = tf.nn.compute_average_loss(loss_fn(ys, model(xs)), global_batch_size=m)
            return tf.concat([tf.reshape(g, [-1]) for g in tape.gradient(loss, model.trainable_variables)], 0)

        shares = two_replicas.run(share, args=split_batch(two_replicas, x, y))
        total = two_replicas.reduce(tf.distribute.ReduceOp.SUM, shares, axis=None)
        ours_shares, ours_total = exercise.oracle(**case)
        np.testing.assert_allclose(ours_shares, [s.numpy() for s in two_replicas.experimental_local_results(shares)],
                                   rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(ours_total, total.numpy(), rtol=1e-5, atol=1e-7)
