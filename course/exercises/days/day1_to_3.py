"""Exercises of Days 1-3: the sigmoid neuron, its loss, forward passes, one neuron's gradients, one SGD step."""
from __future__ import annotations

import numpy as np

from course.exercises.exercise import Exercise, Mistake
from course.reference import activations, losses, neuron
from course.reference.optimizers import first_update

sigmoid = activations.sigmoid


def _z_cases(rng):
    return [dict(z=np.array([0.0, 2.0, -1.0])), dict(z=rng.normal(0, 3, size=(4, 3))),
            dict(z=np.array([-1000.0, -30.0, 0.5, 30.0, 1000.0]))]


SIGMOID = Exercise(
    id="day1.sigmoid", title="sigmoid(z) = 1 / (1 + e^-z), for any z", function="sigmoid", outputs=("p",),
    cases=_z_cases, oracle=lambda z: sigmoid(z),
    mistakes=(
        Mistake("sign", "you computed 1 / (1 + e^z) = sigmoid(-z): the sign in the exponent is flipped, "
                "sigmoid(z) = 1 / (1 + e^-z)", lambda z: 1 / (1 + np.exp(z))),
        Mistake("tanh", "that is tanh(z), whose outputs lie in (-1, 1); sigmoid's lie in (0, 1)", lambda z: np.tanh(z)),
        Mistake("overflow", "e^z overflows for large z (e^1000 is inf, and inf / inf is NaN): for z >= 0 use "
                "1 / (1 + e^-z), for z < 0 use e^z / (1 + e^z)", lambda z: np.exp(z) / (1 + np.exp(z))),
    ),
    hints=("sigmoid squashes any number into (0, 1): sigmoid(0) = 0.5, sigmoid(large) -> 1.",
           "NumPy works elementwise: 1 / (1 + np.exp(-z)) handles a whole array at once.",
           "np.exp(-z) overflows (a warning, then inf) for z = -1000, yet 1 / (1 + inf) = 0 is still right; "
           "np.exp(z) / (1 + np.exp(z)) gives inf / inf = NaN for z = 1000."))


def _forward_cases(rng):
    return [dict(x=np.array([[1.0, 2.0], [0.0, -1.0]]), w=np.array([0.5, -0.25]), b=0.1),
            dict(x=rng.normal(size=(5, 3)), w=rng.normal(size=3), b=-0.4)]


PERCEPTRON_FORWARD = Exercise(
    id="day1.perceptron_forward", title="the perceptron's forward pass p = sigmoid(x @ w + b)",
    function="perceptron_forward", outputs=("p",), cases=_forward_cases,
    oracle=lambda x, w, b: sigmoid(x @ w + b),
    mistakes=(
        Mistake("bias", "the bias is left out: p = sigmoid(x @ w + b), and b shifts every z", lambda x, w, b: sigmoid(x @ w)),
        Mistake("no_sigmoid", "you returned z = x @ w + b: the sigmoid that turns it into a probability is missing",
                lambda x, w, b: x @ w + b),
        Mistake("sign", "you computed sigmoid(-(x @ w + b)): a sign is flipped", lambda x, w, b: sigmoid(-(x @ w + b))),
    ),
    hints=("x is (n, d): one row per example; w is (d,); b is a number. The answer is one p per example: (n,).",
           "z = x @ w + b gives all n weighted sums at once; then apply the sigmoid to z."))


def _bce_cases(rng):
    return [dict(y=np.array([1, 0]), p=np.array([0.9, 0.2])),
            dict(y=rng.integers(0, 2, 6), p=rng.uniform(0.05, 0.95, 6)),
            dict(y=np.array([1, 0, 1, 0]), p=np.array([1.0, 0.0, 0.0, 1.0]))]


def _bce_unclipped(y, p):
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))


BINARY_CROSS_ENTROPY = Exercise(
    id="day1.binary_cross_entropy", title="the mean binary cross-entropy, with p clipped as Keras does",
    function="binary_cross_entropy", outputs=("loss",), cases=_bce_cases, oracle=losses.binary_cross_entropy,
    mistakes=(
        Mistake("sign", "your loss has the wrong sign: -log p is positive, so the loss is -mean(y log p + (1 - y) "
                "log(1 - p))", lambda y, p: -losses.binary_cross_entropy(y, p)),
        Mistake("mean", "you summed over the examples: the loss is the mean, so divide by n (np.mean)",
                lambda y, p: len(y) * losses.binary_cross_entropy(y, p)),
        Mistake("clip", "log(0) is -inf: clip p to [1e-7, 1 - 1e-7] first, as Keras does (np.clip)", _bce_unclipped),
        Mistake("swapped", "y and 1 - y are swapped: the label-1 examples pay -log p, the label-0 ones -log(1 - p)",
                lambda y, p: losses.binary_cross_entropy(1 - np.asarray(y), p)),
    ),
    hints=("For one example: -log p when y = 1, -log(1 - p) when y = 0; y log p + (1 - y) log(1 - p) picks the right one.",
           "Keras clips p to [1e-7, 1 - 1e-7] before the log, so a confident mistake costs about 16, not infinity."))


def _dense_cases(rng):
    return [dict(x=np.array([[1.0, 0.0], [0.5, -1.0]]), W=np.array([[0.2, -0.7], [0.4, 0.1]]), b=np.array([0.1, -0.2])),
            dict(x=rng.normal(size=(4, 3)), W=rng.normal(size=(3, 2)), b=rng.normal(size=2))]


DENSE_LAYER = Exercise(
    id="day2.dense_layer", title="one Dense layer with a sigmoid: a = sigmoid(x @ W + b)", function="dense_layer",
    outputs=("a",), cases=_dense_cases, oracle=lambda x, W, b: sigmoid(x @ W + b),
    mistakes=(
        Mistake("transposed", "you multiplied by the transposed weight matrix W.T: W has one row per input and one "
                "column per unit, so z = x @ W", lambda x, W, b: sigmoid(x @ W.T + b)),
        Mistake("bias", "the bias is left out: a = sigmoid(x @ W + b)", lambda x, W, b: sigmoid(x @ W)),
        Mistake("no_sigmoid", "you returned z = x @ W + b: the activation is missing", lambda x, W, b: x @ W + b),
    ),
    hints=("Shapes: x (n, d_in) @ W (d_in, d_out) -> (n, d_out), then + b (d_out,) adds the bias to every row.",
           "It is Day 1's perceptron with d_out units at once: sigmoid of z = x @ W + b, entry by entry."))


def _mlp_cases(rng):
    return [dict(x=np.array([[1.0, 0.0]]), W1=np.array([[5.0, -5.0], [5.0, -5.0]]), b1=np.array([-2.5, 7.5]),
                 W2=np.array([[5.0], [5.0]]), b2=np.array([-7.5])),
            dict(x=rng.normal(size=(4, 3)), W1=rng.normal(size=(3, 3)), b1=rng.normal(size=3),
                 W2=rng.normal(size=(3, 1)), b2=rng.normal(size=1))]


def _mlp(x, W1, b1, W2, b2):
    return sigmoid(sigmoid(x @ W1 + b1) @ W2 + b2)


MLP_FORWARD = Exercise(
    id="day2.mlp_forward", title="an MLP's forward pass: two sigmoid layers", function="mlp_forward",
    outputs=("p",), cases=_mlp_cases, oracle=_mlp,
    mistakes=(
        Mistake("no_hidden_activation", "the hidden layer's sigmoid is missing: without it the two layers are one "
                "linear map (Day 4)", lambda x, W1, b1, W2, b2: sigmoid((x @ W1 + b1) @ W2 + b2)),
        Mistake("transposed", "you multiplied by a transposed weight matrix (W1.T): z1 = x @ W1, rows = inputs",
                lambda x, W1, b1, W2, b2: sigmoid(sigmoid(x @ W1.T + b1) @ W2 + b2)),
        Mistake("bias", "a bias is left out: each layer is sigmoid(input @ W + b)",
                lambda x, W1, b1, W2, b2: sigmoid(sigmoid(x @ W1) @ W2 + b2)),
    ),
    hints=("Two layers: a1 = sigmoid(x @ W1 + b1), then p = sigmoid(a1 @ W2 + b2).",
           "Day 2's hand-picked XOR weights are the first case: (1, 0) gives about 0.85."))


def _neuron_cases(rng):
    return [dict(x=np.array([0.5, 1.0, 2.0, 3.0]), y=np.array([0, 0, 1, 1]), w=0.5, b=0.0),
            dict(x=rng.normal(size=7), y=rng.integers(0, 2, 7), w=-0.3, b=0.8)]


def _mse_gradients(x, y, w, b):
    g = neuron.loss_and_gradients(x, y, w, b, loss="mse")
    return g["dw"], g["db"]


def _bce_gradients(x, y, w, b):
    g = neuron.loss_and_gradients(x, y, w, b, loss="bce")
    return g["dw"], g["db"]


def _p_and_error(x, y, w, b):
    """p = sigmoid(w x + b) and the error p - y, per example."""
    p = sigmoid(w * x + b)
    return p, p - y


def _mse_summed(x, y, w, b):            # the 1/n forgotten
    p, e = _p_and_error(x, y, w, b)
    dz = 2 * e * p * (1 - p)
    return np.sum(dz * x), np.sum(dz)


def _mse_without_dp_dz(x, y, w, b):     # the factor p(1 - p) forgotten
    p, e = _p_and_error(x, y, w, b)
    return np.mean(2 * e * x), np.mean(2 * e)


def _bce_summed(x, y, w, b):            # the 1/n forgotten
    _, e = _p_and_error(x, y, w, b)
    return np.sum(e * x), np.sum(e)


def _bce_with_dp_dz(x, y, w, b):        # an extra p(1 - p), as if the loss were MSE
    p, e = _p_and_error(x, y, w, b)
    return np.mean(e * p * (1 - p) * x), np.mean(e * p * (1 - p))


NEURON_MSE = Exercise(
    id="day3.neuron_gradients_mse", title="dL/dw and dL/db of one sigmoid neuron, mean squared error",
    function="neuron_gradients_mse", outputs=("dw", "db"), cases=_neuron_cases, oracle=_mse_gradients,
    mistakes=(
        Mistake("mean", "the 1/n of the mean is forgotten: L = mean((p - y)^2), so each dL/dz_i has a 1/n",
                _mse_summed),
        Mistake("sigmoid_derivative", "the factor p(1 - p) = dp/dz is missing from the chain rule: "
                "dL/dz = 2 (p - y) p (1 - p) / n", _mse_without_dp_dz),
        Mistake("sign", "the sign is flipped: dL/dp = 2 (p - y) / n, not 2 (y - p) / n",
                lambda x, y, w, b: tuple(-v for v in _mse_gradients(x, y, w, b))),
        Mistake("two", "the 2 of d(e^2)/de = 2e is missing",
                lambda x, y, w, b: tuple(v / 2 for v in _mse_gradients(x, y, w, b))),
    ),
    hints=("Chain rule: dL/dw = sum_i dL/dp_i * dp_i/dz_i * dz_i/dw, with p = sigmoid(z), z = w x + b.",
           "dL/dp_i = 2 (p_i - y_i) / n, dp/dz = p (1 - p), dz/dw = x_i and dz/db = 1."))

NEURON_BCE = Exercise(
    id="day3.neuron_gradients_bce", title="dL/dw and dL/db of one sigmoid neuron, cross-entropy",
    function="neuron_gradients_bce", outputs=("dw", "db"), cases=_neuron_cases, oracle=_bce_gradients,
    mistakes=(
        Mistake("sign", "the sign is flipped: dL/dz = (p - y) / n, so a neuron that says too much gets a positive "
                "gradient", lambda x, y, w, b: tuple(-v for v in _bce_gradients(x, y, w, b))),
        Mistake("mean", "the 1/n of the mean is forgotten: dL/dz_i = (p_i - y_i) / n", _bce_summed),
        Mistake("sigmoid_derivative", "there is an extra factor p(1 - p): with cross-entropy it cancels, "
                "dL/dz = (p - y) / n (that factor belongs to the MSE version)", _bce_with_dp_dz),
    ),
    hints=("With cross-entropy the sigmoid's derivative cancels against the log's: dL/dz_i = (p_i - y_i) / n.",
           "dL/dw = sum_i dL/dz_i * x_i and dL/db = sum_i dL/dz_i."),
    train="gradient")


def _sgd_cases(rng):
    return [dict(w=np.array([0.5, -0.25]), grad=np.array([0.2, -0.4]), learning_rate=0.1),
            dict(w=rng.normal(size=(3, 2)), grad=rng.normal(size=(3, 2)), learning_rate=0.05)]


SGD_STEP = Exercise(
    id="day3.sgd_step", title="one step of gradient descent: w <- w - lr * dL/dw", function="sgd_step",
    outputs=("w",), cases=_sgd_cases,
    oracle=lambda w, grad, learning_rate: first_update("sgd", w, grad, learning_rate)[0],
    mistakes=(
        Mistake("sign", "the sign is flipped: you stepped up the slope (w + lr * g); descent goes against the "
                "gradient, w - lr * g", lambda w, grad, learning_rate: w + learning_rate * grad),
        Mistake("learning_rate", "the learning rate is missing: the step is lr * g, not g",
                lambda w, grad, learning_rate: w - grad),
    ),
    hints=("The gradient points uphill; a step of size learning_rate against it lowers the loss.",
           "One line: the new w is w minus learning_rate times grad. NumPy does it for every entry at once.",
           "Return a new array; do not write into w (w -= ... would change the caller's array)."),
    train="update")

EXERCISES = (SIGMOID, PERCEPTRON_FORWARD, BINARY_CROSS_ENTROPY, DENSE_LAYER, MLP_FORWARD, NEURON_MSE, NEURON_BCE,
             SGD_STEP)
