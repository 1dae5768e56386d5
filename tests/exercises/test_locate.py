"""Verdicts that locate a mistake no catalogue names: an independent catalogue of mistakes, written the way a learner
types them (not copied from the exercises' ``Mistake`` models), each run through the worker like ``course check``.
At least 9 in 10 must draw a verdict that names or locates the mistake (anything but the generic "the values are
not the expected ones"); the issue's six are among them."""
import numpy as np
import pytest

from course.exercises import EXERCISES
from course.exercises.checker import Checker
from course.exercises.exercise import Exercise
from course.exercises.locate import GENERIC, locate
from tests.helpers import learner_text

SIG = "1 / (1 + np.exp(-({})))"
FORWARD = f"a1 = {SIG.format('x @ W1 + b1')}\np = {SIG.format('a1 @ W2 + b2')}\n"
GRADS = "return x.T @ d1, d1.sum(axis=0), a1.T @ d2, d2.sum(axis=0)"

# (exercise, what the learner typed, what is wrong, in words)
CATALOGUE = [
    ("day1.sigmoid", "s = 1 / (1 + np.exp(-z))", "forgot the return"),
    ("day1.sigmoid", "return np.exp(-z) / (1 + np.exp(-z))", "e^-z on top: sigmoid(-z)"),
    ("day1.sigmoid", "return 1 / (1 + np.exp(-z)) + 0j", "a complex result"),
    ("day1.perceptron_forward", f"return {SIG.format('x @ w.reshape(-1, 1) + b')}", "w made a column: (n, 1)"),
    ("day1.perceptron_forward", f"return {SIG.format('np.sum(x * w) + b')}", "summed over every example at once"),
    ("day1.perceptron_forward", "z = x @ w + b", "forgot the return"),
    ("day1.binary_cross_entropy", "p = np.clip(p, 1e-7, 1 - 1e-7)\nreturn -np.mean(y * np.log(p))",
     "the (1 - y) log(1 - p) term left out (issue)"),
    ("day1.binary_cross_entropy", "p = np.clip(p, 0, 1)\nreturn -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))",
     "clipped to [0, 1]: log(0) remains"),
    ("day1.binary_cross_entropy", "p = np.clip(p, 1e-7, 1 - 1e-7)\n"
                                  "return -np.mean(y * np.log10(p) + (1 - y) * np.log10(1 - p))", "log base 10"),
    ("day2.dense_layer", "z = x @ W + b\na = 1 / (1 + np.exp(-z))", "forgot the return"),
    ("day2.dense_layer", f"return {SIG.format('x @ W + b[0]')}", "the first bias added to every unit"),
    ("day2.mlp_forward", f"a1 = {SIG.format('x @ W1 + b1')}\nreturn a1 @ W2 + b2", "no output sigmoid"),
    ("day2.mlp_forward", f"a1 = {SIG.format('x @ W1 + b1')}\nreturn {SIG.format('a1 @ W2')}", "output bias left out"),
    ("day3.neuron_gradients_mse", "p = 1 / (1 + np.exp(-(w * x + b)))\ndz = 2 * (p - y) * p * (1 - p) / len(x)\n"
                                  "return np.sum(dz), np.sum(dz * x)", "dw and db returned the other way round"),
    ("day3.neuron_gradients_mse", "p = 1 / (1 + np.exp(-(w * x + b)))\ndz = (p - y) * p * (1 - p)\n"
                                  "return np.sum(dz * x), np.sum(dz)", "both the 2 and the 1/n forgotten"),
    ("day3.neuron_gradients_mse", "p = 1 / (1 + np.exp(-(w * x + b)))\n"
                                  "return np.mean(2 * (p - y) * p * (1 - p) * x)", "only dw returned"),
    ("day3.neuron_gradients_bce", "p = 1 / (1 + np.exp(-(w * x + b)))\nreturn np.sum((p - y) * x), np.mean(p - y)",
     "the 1/n forgotten in dw only"),
    ("day3.neuron_gradients_bce", "p = 1 / (1 + np.exp(-(w * x + b)))\ndz = (p - y) / len(x)\n"
                                  "return np.sum(dz * x), np.sum(dz * x)", "db multiplied by x too"),
    ("day3.sgd_step", "w -= learning_rate * grad\nreturn w", "updated the caller's w in place"),
    ("day3.sgd_step", "return (w - learning_rate * grad) + 5j", "a complex result (issue 20)"),
    ("day3.sgd_step", "return w - learning_rate * learning_rate * grad", "the learning rate squared"),
    ("day3.sgd_step", "new_w = w - learning_rate * grad\nreturn w", "returned the old w"),
    ("day4.sigmoid_derivative", "s = 1 / (1 + np.exp(-z))\nreturn s * (1 - z)", "s (1 - z) (issue)"),
    ("day4.sigmoid_derivative", "s = 1 / (1 + np.exp(-z))\nds = s * (1 - s)", "forgot the return"),
    ("day4.sigmoid_derivative", "s = 1 / (1 + np.exp(-z))\nreturn s * (1 - s) * 4", "scaled so the top is 1"),
    ("day4.relu_derivative", "return np.heaviside(z, 1.0)", "1 at z = 0"),
    ("day4.relu_derivative", "return np.where(z > 0, z, 0.0)", "returned ReLU itself"),
    ("day5.softmax", "e = np.exp(z - np.max(z))\nreturn e / np.sum(e)", "normalised over the whole array (issue)"),
    ("day5.softmax", "e = np.exp(z - z.max(axis=1))\nreturn e / e.sum(axis=1, keepdims=True)",
     "the max without keepdims"),
    ("day5.softmax", "e = np.exp(z - z.max(axis=1, keepdims=True))\nreturn e / e.sum(axis=1)",
     "the sum without keepdims"),
    ("day5.cross_entropy", "return -np.mean(np.sum(np.eye(p.shape[1])[y] * np.log(p), axis=1))", "not clipped"),
    ("day5.cross_entropy", "p = np.clip(p, 1e-7, 1 - 1e-7)\nreturn -np.sum(np.log(p[np.arange(len(y)), y])) / p.size",
     "divided by every entry, not by n"),
    ("day5.softmax_cross_entropy_gradient", "e = np.exp(z - z.max(axis=1, keepdims=True))\n"
                                            "p = e / e.sum(axis=1, keepdims=True)\nreturn (p - y) / len(y)",
     "y used as it is, no one-hot"),
    ("day5.softmax_cross_entropy_gradient", "e = np.exp(z - z.max(axis=1, keepdims=True))\n"
                                            "p = e / e.sum(axis=1, keepdims=True)\n"
                                            "return (np.eye(z.shape[1])[y] - p) / len(y)", "onehot - p"),
    ("day6.backprop_two_layer", FORWARD + "d2 = (p - y) / len(y)\nd1 = (d2 @ W2.T) * a1 * (1 - a1)\n" + GRADS,
     "labels (n,) against p (n, 1) (issue)"),
    ("day6.backprop_two_layer", FORWARD + "d2 = (p - y.reshape(-1, 1)) / len(y)\nd1 = (d2 @ W2.T) * a1 * (1 - a1)\n"
                                "return x.T @ d1, d1.sum(axis=0), d2.T @ a1, d2.sum(axis=0)", "dW2 the wrong way round"),
    ("day6.backprop_two_layer", FORWARD + "d2 = (p - y.reshape(-1, 1)) / len(y)\nd1 = (d2 @ W2.T) * a1 * (1 - a1)\n"
                                "return x.T @ d1, d1.sum(axis=0), a1.T @ d2, d2.sum()", "db2 summed to a number"),
    ("day6.backprop_two_layer", FORWARD + "d2 = (p - y.reshape(-1, 1)) / len(y)\nd1 = (d2 @ W2.T) * p * (1 - p)\n"
                                + GRADS, "delta1 with the output's p (1 - p)"),
    ("day6.numerical_gradient", "return (f(w + eps) - f(w - eps)) / (2 * eps)", "every entry shifted at once"),
    ("day6.numerical_gradient", "g = np.zeros_like(w)\nfor i in range(w.size):\n    s = np.zeros_like(w)\n"
                                "    s.flat[i] = eps\n    g.flat[i] = (f(w + s) - f(w - s)) / eps\nreturn g", "no 2"),
    ("day7.batches", "return [(s, s + batch_size - 1) for s in range(0, n, batch_size)]", "inclusive stops"),
    ("day7.batches", "return [(s, min(s + batch_size, n)) for s in range(0, n - batch_size, batch_size)]",
     "range stops too early"),
    ("day7.minibatch_epoch", "w0, b0 = w, b\nfor s in range(0, len(x), batch_size):\n"
                             "    xb, yb = x[s:s + batch_size], y[s:s + batch_size]\n"
                             "    p = 1 / (1 + np.exp(-(w0 * xb + b0)))\n    dz = (p - yb) / len(xb)\n"
                             "    w, b = w - learning_rate * np.sum(dz * xb), b - learning_rate * np.sum(dz)\n"
                             "return w, b", "the weights of the epoch's start for every batch (issue)"),
    ("day7.minibatch_epoch", "for s in range(0, len(x), batch_size):\n"
                             "    xb, yb = x[s:s + batch_size], y[s:s + batch_size]\n"
                             "    p = 1 / (1 + np.exp(-(w * xb + b)))\n    dz = (p - yb) / len(xb)\n"
                             "    w, b = w - learning_rate * np.sum(dz * xb), b - learning_rate * np.sum(dz)\n"
                             "return b, w", "w and b swapped"),
    ("day8.momentum_step", "w = w + velocity\nvelocity = 0.9 * velocity - learning_rate * grad\nreturn w, velocity",
     "moved by last step's velocity (issue)"),
    ("day8.momentum_step", "velocity = 0.9 * velocity - learning_rate * grad\nreturn w + velocity",
     "forgot to return the velocity"),
    ("day8.rmsprop_step", "s = 0.9 * s + 0.1 * grad ** 2\nreturn w - learning_rate * grad / np.sqrt(s + 1e-7)",
     "forgot to return s"),
    ("day8.rmsprop_step", "s = 0.9 * s + 0.1 * grad\nreturn w - learning_rate * grad / np.sqrt(np.abs(s) + 1e-7), s",
     "g instead of g^2"),
    ("day8.adam_step", "t = t + 1\nm = 0.9 * m + 0.1 * grad\nv = 0.999 * v + 0.001 * grad ** 2\n"
                       "alpha = learning_rate * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)\n"
                       "return w - alpha * m / (np.sqrt(v) + 1e-7), m, v", "the step count off by one (issue)"),
    ("day8.adam_step", "m = 0.9 * m + 0.1 * grad\nv = 0.999 * v + 0.001 * grad ** 2\n"
                       "alpha = learning_rate * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)\n"
                       "return w - alpha * m / (np.sqrt(v) + 1e-7), v, m", "m and v returned swapped"),
    # the TensorFlow exercises and Days 9-10 (issue 21)
    ("day1.tape_gradients", "w, b = tf.Variable(w), tf.Variable(b)\nwith tf.GradientTape() as tape:\n"
                            "    loss = tf.reduce_mean(-(y * tf.math.log(tf.sigmoid(x @ w + b))\n"
                            "                            + (1 - y) * tf.math.log(1 - tf.sigmoid(x @ w + b))))\n"
                            "dw, db = tape.gradient(loss, [w, b])", "forgot the return"),
    ("day1.tape_gradients", "w, b = tf.Variable(w), tf.Variable(b)\nwith tf.GradientTape() as tape:\n"
                            "    p = tf.sigmoid(x @ w + b)\n    loss = tf.reduce_mean(-(y * tf.math.log(p)))\n"
                            "return tape.gradient(loss, [w, b])", "the (1 - y) term left out"),
    ("day2.keras_mlp", "layers = [keras.Input(shape=(n_features,))]\n"
                       "layers += [keras.layers.Dense(u, activation=activation, name=f'hidden_{i}') "
                       "for i, u in enumerate(hidden, start=1)]\n"
                       "model = keras.Sequential(layers + [keras.layers.Dense(1, activation='sigmoid', name='output')])",
     "forgot the return"),
    ("day2.keras_mlp", "return keras.Sequential([keras.Input(shape=(n_features,))] + "
                       "[keras.layers.Dense(u, activation=activation, name=f'hidden_{i}') "
                       "for i, u in enumerate(hidden, start=1)])", "no output layer"),
    ("day2.train_step", "with tf.GradientTape() as tape:\n    predictions = model(x, training=True)\n"
                        "    loss = loss_fn(y, predictions)\n"
                        "grads = tape.gradient(loss, model.trainable_variables)\n"
                        "optimizer.apply_gradients(zip(grads, model.trainable_variables))\nreturn predictions",
     "returned the predictions"),
    ("day2.train_step", "with tf.GradientTape() as tape:\n    loss = loss_fn(y, model(x, training=True))\n"
                        "grads = tape.gradient(loss, model.trainable_variables)\n"
                        "optimizer.apply_gradients(zip([-g for g in grads], model.trainable_variables))\nreturn loss",
     "the gradients negated: a step uphill"),
    ("day3.variable_update", "variables[0].assign_sub(learning_rate * grads[0])", "only the first variable"),
    ("day3.variable_update", "for v, g in zip(variables, grads):\n    v.assign(learning_rate * g)",
     "assigned the step itself"),
    ("day7.train_epoch", "data = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed)\n"
                         "for xb, yb in data.batch(batch_size):\n    train_step(model, loss_fn, optimizer, xb, yb)",
     "returned nothing"),
    ("day7.train_epoch", "data = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(batch_size, seed=seed)\n"
                         "return [train_step(model, loss_fn, optimizer, xb, yb) for xb, yb in data.batch(batch_size)]",
     "a shuffle buffer of one batch"),
    ("day7.logged_epoch", "for xb, yb in dataset:\n    loss, _, grads = train_step(model, loss_fn, optimizer, xb, yb)\n"
                          "    with writer.as_default():\n        tf.summary.scalar('batch_loss', loss)\n"
                          "    step += 1\nreturn step", "no step= given"),
    ("day7.logged_epoch", "for xb, yb in dataset:\n    loss, _, grads = train_step(model, loss_fn, optimizer, xb, yb)\n"
                          "    with writer.as_default():\n        tf.summary.scalar('batch_loss', loss, step=step)\n"
                          "    step += 1\nreturn step", "the loss only, no histograms"),
    ("day9.conv_output", "return (height - kernel_size + 1, width - kernel_size + 1, filters), "
                         "kernel_size * channels * filters + filters", "valid always, kernel_size not squared"),
    ("day9.conv_output", "out = (height // strides, width // strides, filters)\n"
                         "return out, kernel_size ** 2 * channels * filters + filters", "n // s for both paddings"),
    ("day9.conv2d_forward", "kh, kw = kernel.shape[:2]\nout = np.zeros((x.shape[0], x.shape[1] - kh + 1, "
                            "x.shape[2] - kw + 1, kernel.shape[3]))\nfor i in range(kh):\n    for j in range(kw):\n"
                            "        out += x[:, i:i + out.shape[1], j:j + out.shape[2], :] @ kernel[i, j]",
     "forgot the return"),
    ("day9.lstm_step", "i, f, g, o = np.split(x @ kernel + h @ recurrent_kernel + bias, 4, axis=-1)\n"
                       "s = lambda v: 1 / (1 + np.exp(-v))\nc = s(f) * c + s(i) * np.tanh(g)\n"
                       "return s(o) * np.tanh(c)", "returned h' alone"),
    ("day9.attention", "e = np.exp(q @ k.T / np.sqrt(q.shape[-1]))\nw = e / e.sum(axis=-1, keepdims=True)\n"
                       "return w @ v", "returned the output alone"),
    ("day10.all_reduce", "m = len(y)\nshares = np.array([gradient(x[r * m // replicas:(r + 1) * m // replicas], "
                         "y[r * m // replicas:(r + 1) * m // replicas]) for r in range(replicas)])\n"
                         "return shares, shares.sum(axis=0) / replicas", "the shares unscaled, the sum divided by R"),
]


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory):
    """The verdict on each catalogued mistake, checked as `course check` checks a workspace: one worker."""
    root = tmp_path_factory.mktemp("mistakes")
    out = []
    paths = [root / f"{k}.py" for k in range(len(CATALOGUE))]
    for path, (eid, body, _) in zip(paths, CATALOGUE):
        path.write_text(learner_text(eid, body))
    with Checker() as checker:
        checker.prepare([(EXERCISES[eid], path) for path, (eid, _, _) in zip(paths, CATALOGUE)])
        for path, (eid, body, _) in zip(paths, CATALOGUE):
            out.append(checker.check_file(EXERCISES[eid], path))
    return out


def test_the_catalogue_covers_every_exercise_with_forty_mistakes_or_more():
    assert len(CATALOGUE) >= 40 and {eid for eid, _, _ in CATALOGUE} == set(EXERCISES)
    assert len({(eid, body) for eid, body, _ in CATALOGUE}) == len(CATALOGUE)


def test_nine_in_ten_mistakes_draw_a_verdict_that_names_or_locates_them(verdicts):
    assert all(r.status in ("failed", "error") for r in verdicts), [r.report() for r in verdicts if r.passed]
    generic = [f"{eid}: {what}" for (eid, _, what), r in zip(CATALOGUE, verdicts) if r.summary == GENERIC]
    assert len(generic) <= len(CATALOGUE) // 10, generic


@pytest.mark.parametrize("index, diagnosis, words", [
    (0, "returned_none", "your function returned None: is a `return` missing?"),
    (2, "complex", "p is complex (its imaginary part is 0)"),
    (3, "shape", "an axis of length 1 too many or too few"),
    (13, "swapped_outputs", "you returned db where dw belongs"),
    (14, "factor", "every entry of dw is 2 times the expected one"),
    (15, "outputs", "it should return 2 values (dw, db), it returned 1"),
    (16, "partly", "db is right; dw is wrong; every entry of dw is n = 4 times the expected one (n is the number of "
                   "examples: a sum where a mean belongs?)"),
    (19, "complex", "w is complex, with an imaginary part up to 5"),
    (20, "step", "your change of w is learning_rate = 0.1 times the expected change"),
    (21, "unchanged", "w is the argument w unchanged"),
    (24, "factor", "every entry of ds is 4 times the expected one"),
    (28, "exception", "a sum or max over the last axis without keepdims=True?"),
    (34, "exception", "y has shape (6,) and p (6, 1), and NumPy broadcast them into a square"),
    (35, "shape", "dW2 has shape (1, 3) where (3, 1) was expected: transposed (.T)?"),
    (37, "partly", "dW2 and db2 are right; dW1 and db1 are wrong: look at delta1 (dL/dz1)"),
    (48, "partly", "m and v are right; w is wrong; w is the right value for t = 2, not t = 1: an off-by-one"),
    (52, "not_a_model", "your function returned None, not a Keras model"),
    (54, "no_loss", "your train_step did not return the loss as one number"),
    (56, "partly", "kernel is right; bias is wrong; bias is the argument bias unchanged"),
    (58, "losses", "the training is right, but return every step's loss"),
    (60, "exception", "your code raised ValueError: No step set."),
])
def test_what_the_locating_verdicts_say(verdicts, index, diagnosis, words):
    assert verdicts[index].diagnosis == diagnosis and words in verdicts[index].report(), verdicts[index].report()


def test_rows_that_do_not_sum_to_one_and_entries_wrong_where_an_input_is_zero():
    softmax = EXERCISES["day5.softmax"]
    z = np.array([[1.0, 2.0], [3.0, 4.0], [0.0, 0.0]])
    p = softmax.oracle(z=z)
    wrong = p.copy()
    wrong[:2] *= 2
    assert locate(softmax, {"z": z}, (wrong,), (p,)) == ("rows", "rows 0, 1 of p do not sum to 1")
    relu = EXERCISES["day4.relu_derivative"]
    z = np.array([-1.0, 0.0, 2.0, 0.0])
    assert locate(relu, {"z": z}, (np.array([0.0, 0.5, 1.0, 0.5]),), (relu.oracle(z=z),)) == \
        ("entries", "dr is wrong exactly where z = 0, right everywhere else")


def test_a_result_shifted_by_one_place_and_a_constant_offset():
    toy = Exercise(id="day9.toy", title="", function="toy", outputs=("y",), cases=None, oracle=lambda x: x * 2)
    x = np.array([1.0, 2.0, 3.0, 4.0])
    assert locate(toy, {"x": x}, (np.roll(x * 2, 1),), (x * 2,))[0] == "shifted"
    assert locate(toy, {"x": x}, (x * 2 + 0.5,), (x * 2,)) == (
        "offset", "every entry of y is off by the same amount, 0.5: a term added or left out?")
