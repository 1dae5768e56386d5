"""Exercises of Days 4-6: activation derivatives, softmax and its cross-entropy, backpropagation, finite differences."""
from __future__ import annotations

import numpy as np

from course.exercises.exercise import Exercise, Mistake
from course.reference import activations, backprop, losses

sigmoid, softmax = activations.sigmoid, activations.softmax


def _z_cases(rng):
    return [dict(z=np.array([-2.0, 0.0, 0.5, 3.0])), dict(z=rng.normal(0, 2, size=(3, 4)))]


SIGMOID_DERIVATIVE = Exercise(
    id="day4.sigmoid_derivative", title="the sigmoid's derivative s(z) (1 - s(z))", function="sigmoid_derivative",
    outputs=("ds",), cases=_z_cases, oracle=activations.REGISTRY["sigmoid"].df,
    mistakes=(
        Mistake("function", "you returned sigmoid(z) itself: the derivative is sigmoid(z) * (1 - sigmoid(z))",
                lambda z: sigmoid(z)),
        Mistake("a_formula", "you used z (1 - z): that formula takes a = sigmoid(z), not z; compute s = sigmoid(z) "
                "first, then s (1 - s)", lambda z: z * (1 - z)),
    ),
    hints=("First s = 1 / (1 + np.exp(-z)), then return s * (1 - s).",
           "s(z) (1 - s(z)) is at most 0.25, at z = 0: one reason gradients vanish in deep sigmoid networks."))


def _relu_cases(rng):
    return [dict(z=np.array([-1.5, 0.0, 2.0])), dict(z=rng.normal(size=(2, 5)))]


RELU_DERIVATIVE = Exercise(
    id="day4.relu_derivative", title="ReLU's derivative: 1 where z > 0, else 0", function="relu_derivative",
    outputs=("dr",), cases=_relu_cases, oracle=activations.REGISTRY["relu"].df,
    mistakes=(
        Mistake("function", "you returned relu(z) = max(0, z) itself: its derivative is 1 for z > 0 and 0 for z <= 0",
                lambda z: np.maximum(z, 0.0)),
        Mistake("at_zero", "at z = 0 the derivative is taken as 0 (Keras and TensorFlow do so): use z > 0, not z >= 0",
                lambda z: (np.asarray(z) >= 0).astype(float)),
    ),
    hints=("ReLU is z where z > 0 and 0 elsewhere: its slope is 1 on the right, 0 on the left.",
           "(z > 0) is an array of True/False; .astype(float) turns it into 1.0/0.0."))


def _logit_cases(rng):
    return [dict(z=np.array([[5.1, 2.6, 1.7]])), dict(z=rng.normal(0, 2, size=(4, 3))),
            dict(z=np.array([[1000.0, 997.5, 996.6], [-1000.0, 0.0, 1000.0]]))]


SOFTMAX = Exercise(
    id="day5.softmax", title="a numerically stable softmax over the last axis", function="softmax",
    outputs=("p",), cases=_logit_cases, oracle=softmax,
    mistakes=(
        Mistake("overflow", "softmax overflows on large logits: e^1000 is inf and inf / inf is NaN; subtract each "
                "row's largest logit first (softmax(z - c) = softmax(z))",
                lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)),
        Mistake("axis", "you normalised down the columns (axis 0): each example, a row, must sum to 1 (axis=-1)",
                lambda z: softmax(z, axis=0)),
        Mistake("no_exp", "the exponentials are missing: p_k = e^z_k / sum_j e^z_j, not z_k / sum_j z_j",
                lambda z: z / z.sum(axis=-1, keepdims=True)),
    ),
    hints=("Each row of z is one example's logits; each row of p must sum to 1: use axis=-1, keepdims=True.",
           "e^(z - c) / sum e^(z - c) is the same for any c: with c = the row's max every exponent is <= 0."))


def _ce_cases(rng):
    p = softmax(rng.normal(size=(5, 3)))
    return [dict(y=np.array([0]), p=np.array([[0.9, 0.07, 0.03]])), dict(y=rng.integers(0, 3, 5), p=p),
            dict(y=np.array([1, 0]), p=np.array([[1.0, 0.0], [0.0, 1.0]]))]


def _ce_unclipped(y, p):
    return float(np.mean(-np.log(p[np.arange(len(y)), y])))


CROSS_ENTROPY = Exercise(
    id="day5.cross_entropy", title="categorical cross-entropy: mean of -log p[true class]", function="cross_entropy",
    outputs=("loss",), cases=_ce_cases, oracle=losses.categorical_cross_entropy,
    mistakes=(
        Mistake("mean", "you summed over the examples: the loss is the mean, divide by n",
                lambda y, p: float(np.sum(-np.log(np.clip(p, 1e-7, 1 - 1e-7)[np.arange(len(y)), y])))),
        Mistake("sign", "the sign is flipped: log p <= 0, so the loss -log p is >= 0",
                lambda y, p: -losses.categorical_cross_entropy(y, p)),
        Mistake("predicted_class", "you took the probability of the predicted class (the largest p), not of the true "
                "class y: p[np.arange(n), y]", lambda y, p: float(np.mean(-np.log(np.clip(p.max(axis=1), 1e-7, 1))))),
        Mistake("clip", "log(0) is -inf: clip p to [1e-7, 1 - 1e-7] first, as Keras does", _ce_unclipped),
    ),
    hints=("Only the true class counts: -log of the probability the model gave it, averaged over the examples.",
           "p[np.arange(n), y] picks, in each row, the probability of that example's true class.",
           "Clip first, np.clip(p, 1e-7, 1 - 1e-7), so that a probability of 0 costs about 16, not infinity."))


def _onehot(y, k):
    return np.eye(k)[np.asarray(y)]


def _ce_gradient(z, y):
    return (softmax(z) - _onehot(y, z.shape[1])) / len(y)


def _gradient_cases(rng):
    return [dict(z=np.array([[2.0, 1.0, 0.1]]), y=np.array([0])), dict(z=rng.normal(size=(4, 3)), y=rng.integers(0, 3, 4))]


SOFTMAX_GRADIENT = Exercise(
    id="day5.softmax_cross_entropy_gradient", title="dL/dz of softmax + cross-entropy: (p - onehot(y)) / n",
    function="softmax_cross_entropy_gradient", outputs=("dz",), cases=_gradient_cases, oracle=_ce_gradient,
    mistakes=(
        Mistake("mean", "the 1/n of the mean is forgotten: dL/dz = (p - onehot(y)) / n",
                lambda z, y: softmax(z) - _onehot(y, z.shape[1])),
        Mistake("sign", "the sign is flipped: dL/dz = (p - onehot(y)) / n; the true class's logit must go up, so "
                "its gradient is negative", lambda z, y: -_ce_gradient(z, y)),
        Mistake("no_softmax", "you used the logits z where the probabilities p = softmax(z) belong",
                lambda z, y: (z - _onehot(y, z.shape[1])) / len(y)),
    ),
    hints=("Softmax's Jacobian and the log cancel: the gradient at the logits is simply p minus the one-hot label.",
           "np.eye(k)[y] is the one-hot matrix: row i has a 1 in column y_i. Divide by n for the mean."),
    train="gradient")


def _network_cases(rng):
    return [dict(x=np.array([[1.0, 2.0]]), y=np.array([1]), W1=np.array([[0.2, -0.4, 0.7], [0.5, 0.3, -0.6]]),
                 b1=np.array([0.1, -0.1, 0.0]), W2=np.array([[0.6], [-0.8], [0.4]]), b2=np.array([0.05])),
            dict(x=rng.normal(size=(6, 2)), y=rng.integers(0, 2, 6), W1=rng.normal(size=(2, 3)),
                 b1=rng.normal(size=3), W2=rng.normal(size=(3, 1)), b2=rng.normal(size=1))]


def _backprop(x, y, W1, b1, W2, b2):
    _, ((dW1, db1), (dW2, db2)) = backprop.loss_and_gradients(x, y, [(W1, b1, "sigmoid"), (W2, b2, "sigmoid")])
    return dW1, db1, dW2, db2


def _backprop_variant(x, y, W1, b1, W2, b2, *, mean=True, derivative=True, sum_bias=True):
    n = len(y) if mean else 1
    a1 = sigmoid(x @ W1 + b1)                              # (n, h)
    p = sigmoid(a1 @ W2 + b2)                              # (n, 1)
    delta2 = (p - np.asarray(y, float).reshape(-1, 1)) / n
    delta1 = (delta2 @ W2.T) * (a1 * (1 - a1) if derivative else 1.0)
    total = (lambda d: d.sum(axis=0)) if sum_bias else (lambda d: d)
    return x.T @ delta1, total(delta1), a1.T @ delta2, total(delta2)


BACKPROP = Exercise(
    id="day6.backprop_two_layer", title="backpropagation through a 2-layer sigmoid network (cross-entropy)",
    function="backprop_two_layer", outputs=("dW1", "db1", "dW2", "db2"), cases=_network_cases, oracle=_backprop,
    mistakes=(
        Mistake("sigmoid_derivative", "delta1 lacks the factor sigmoid'(z1) = a1 (1 - a1): the chain rule passes "
                "through the hidden activation", lambda **k: _backprop_variant(**k, derivative=False)),
        Mistake("mean", "the 1/n of the mean is forgotten: delta2 = (p - y) / n",
                lambda **k: _backprop_variant(**k, mean=False)),
        Mistake("bias_sum", "the bias gradients keep one row per example: sum the deltas over the examples "
                "(axis 0), db1 has shape (h,)", lambda **k: _backprop_variant(**k, sum_bias=False)),
    ),
    hints=("Forward first: a1 = sigmoid(x @ W1 + b1), p = sigmoid(a1 @ W2 + b2). Then delta2 = (p - y) / n.",
           "delta1 = (delta2 @ W2.T) * a1 * (1 - a1); every dW is (the layer's input).T @ (its delta).",
           "y has shape (n,): reshape it to (n, 1) to subtract it from p."),
    train="gradient")


def sum_of_exp_3w(w):
    """f(w) = sum_i e^(3 w_i): a steep curve, where a one-sided difference is visibly off."""
    return float(np.sum(np.exp(3 * w)))


def sum_of_w2_sin_w(w):
    """f(w) = sum_i w_i^2 sin(w_i)."""
    return float(np.sum(np.sin(w) * w ** 2))


def _fd_cases(rng):
    return [dict(f=sum_of_exp_3w, w=np.array([0.1, -0.2]), eps=1e-3),
            dict(f=sum_of_w2_sin_w, w=rng.normal(size=4), eps=1e-3)]


def _centered(f, w, eps):
    w = np.array(w, dtype=float)
    grad = np.zeros_like(w)
    for i in range(w.size):
        shift = np.zeros_like(w)
        shift.flat[i] = eps
        grad.flat[i] = (f(w + shift) - f(w - shift)) / (2 * eps)
    return grad


def _forward_difference(f, w, eps):
    w = np.array(w, dtype=float)
    return np.array([(f(w + eps * np.eye(w.size)[i].reshape(w.shape)) - f(w)) / eps for i in range(w.size)]).reshape(
        w.shape)


NUMERICAL_GRADIENT = Exercise(
    id="day6.numerical_gradient", title="the centered finite-difference gradient (f(w+eps) - f(w-eps)) / 2eps",
    function="numerical_gradient", outputs=("grad",), cases=_fd_cases, oracle=_centered, rtol=1e-5,
    mistakes=(
        Mistake("forward_difference", "that is the one-sided difference (f(w+eps) - f(w)) / eps: its error shrinks "
                "like eps, the centered one's like eps^2", _forward_difference),
        Mistake("two", "the 2 of 2 eps is missing: the two points are 2 eps apart",
                lambda f, w, eps: 2 * _centered(f, w, eps)),
    ),
    hints=("Shift one entry at a time: copy w, add eps to entry i, evaluate f; subtract eps instead; divide by 2 eps.",
           "A zero array with eps at entry i (shift.flat[i] = eps) gives f(w + shift) and f(w - shift) without "
           "changing w."))

EXERCISES = (SIGMOID_DERIVATIVE, RELU_DERIVATIVE, SOFTMAX, CROSS_ENTROPY, SOFTMAX_GRADIENT, BACKPROP,
             NUMERICAL_GRADIENT)
