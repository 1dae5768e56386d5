"""Day 6's exercises: backpropagation through two layers, and the finite differences that check it."""
from __future__ import annotations

import numpy as np

from course.exercises.exercise import Example, Exercise, Mistake
from course.reference import activations, backprop

sigmoid = activations.sigmoid


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
    id="day6.backprop_two_layer", title="every gradient of a 2-layer sigmoid network, by backpropagation",
    function="backprop_two_layer", outputs=("dW1", "db1", "dW2", "db2"), cases=_network_cases, oracle=_backprop,
    mistakes=(
        Mistake("sigmoid_derivative", "delta1 lacks the factor sigmoid'(z1) = a1 (1 - a1): the chain rule passes "
                "through the hidden activation", lambda **k: _backprop_variant(**k, derivative=False)),
        Mistake("mean", "the 1/n of the mean is forgotten: delta2 = (p - y) / n",
                lambda **k: _backprop_variant(**k, mean=False)),
        Mistake("bias_sum", "the bias gradients keep one row per example: sum the deltas over the examples "
                "(axis 0), db1 has shape (h,)", lambda **k: _backprop_variant(**k, sum_bias=False)),
    ),
    hints=("Forward first, keeping what you computed: the hidden outputs a1 and the output p. Then go backwards, "
           "layer by layer: the output layer's delta (dL/dz2) is the cross-entropy's, as on Day 3.",
           "delta2 = (p - y) / n, with y reshaped to (n, 1). A layer's weight gradient is (its input).T @ (its delta), "
           "its bias gradient the delta summed over the examples.",
           "delta1 = (delta2 @ W2.T) * a1 * (1 - a1); dW1 = x.T @ delta1, db1 = delta1.sum(axis=0); "
           "dW2 = a1.T @ delta2, db2 = delta2.sum(axis=0)."),
    heading="backpropagation through two layers",
    task="Give every gradient of a two-layer network with a cross-entropy loss, by the chain rule: the network is "
         "p = sigmoid(sigmoid(x @ W1 + b1) @ W2 + b2) and the loss is the mean binary cross-entropy of p against "
         "y. Each gradient has the shape of its parameter.",
    args=(("x", "(n, d) inputs, one example per row"), ("y", "(n,) labels, 0 or 1"),
          ("W1", "(d, h) the hidden layer's weights"), ("b1", "(h,) its biases"),
          ("W2", "(h, 1) the output layer's weights"), ("b2", "(1,) its bias")),
    returns="(dW1, db1, dW2, db2): dL/dW1, dL/db1, dL/dW2, dL/db2, each the shape of its parameter",
    example=Example("db1, db2", "(array([-0.04414802,  0.08722175, -0.04109744]), array([-0.43719992]))",
                    setup=("W1, b1 = np.array([[0.2, -0.4, 0.7], [0.5, 0.3, -0.6]]), np.array([0.1, -0.1, 0.0])",
                           "W2, b2 = np.array([[0.6], [-0.8], [0.4]]), np.array([0.05])",
                           "dW1, db1, dW2, db2 = backprop_two_layer(np.array([[1.0, 2.0]]), np.array([1]), W1, b1, "
                           "W2, b2)"), note="# Day 6's network on x = (1, 2), y = 1"),
    trap="y has shape (n,) and p has shape (n, 1): NumPy subtracts them into an (n, n) array without an error.",
    solution="""n = len(y)
a1 = 1.0 / (1.0 + np.exp(-(x @ W1 + b1)))      # (n, h)
p = 1.0 / (1.0 + np.exp(-(a1 @ W2 + b2)))      # (n, 1)
delta2 = (p - y.reshape(-1, 1)) / n            # dL/dz2, (n, 1)
delta1 = (delta2 @ W2.T) * a1 * (1.0 - a1)     # dL/dz1, (n, 1) @ (1, h) -> (n, h)
return x.T @ delta1, delta1.sum(axis=0), a1.T @ delta2, delta2.sum(axis=0)""",
    train="gradient", look_at=(("dW1", "delta1 (dL/dz1)"), ("db1", "delta1 (dL/dz1)"), ("dW2", "delta2 (dL/dz2)"),
                               ("db2", "delta2 (dL/dz2)")))


def sum_of_exp_3w(w):
    """f(w) = sum_i e^(3 w_i): a steep curve, where a one-sided difference is visibly off."""
    return float(np.sum(np.exp(3 * w)))


def sum_of_w2_sin_w(w):
    """f(w) = sum_i w_i^2 sin(w_i)."""
    return float(np.sum(np.sin(w) * w ** 2))


def _fd_cases(rng):
    return [dict(f=sum_of_exp_3w, w=np.array([0.1, -0.2]), eps=1e-3),
            dict(f=sum_of_w2_sin_w, w=rng.normal(size=4), eps=1e-3)]


def _difference(f, w, eps, *, centered=True):
    w = np.array(w, dtype=float)
    grad = np.zeros_like(w)
    for i in range(w.size):
        shift = np.zeros_like(w)
        shift.flat[i] = eps
        grad.flat[i] = ((f(w + shift) - f(w - shift)) / (2 * eps) if centered else (f(w + shift) - f(w)) / eps)
    return grad


NUMERICAL_GRADIENT = Exercise(
    id="day6.numerical_gradient", title="the centered finite-difference estimate of a gradient",
    function="numerical_gradient", outputs=("grad",), cases=_fd_cases, oracle=_difference, rtol=1e-5,
    mistakes=(
        Mistake("forward_difference", "that is the one-sided difference (f(w+eps) - f(w)) / eps: its error shrinks "
                "like eps, the centered one's like eps^2", lambda f, w, eps: _difference(f, w, eps, centered=False)),
        Mistake("two", "the 2 of 2 eps is missing: the two points are 2 eps apart",
                lambda f, w, eps: 2 * _difference(f, w, eps)),
    ),
    hints=("Nudge one entry of w at a time, a little up and a little down, and see how much f changes.",
           "A zero array with eps at entry i (shift.flat[i] = eps) gives f(w + shift) and f(w - shift) without "
           "changing w; the two points are 2 eps apart.",
           "grad.flat[i] = (f(w + shift) - f(w - shift)) / (2 * eps), for every entry i."),
    heading="the finite-difference gradient",
    task="Estimate the gradient of f at w without any calculus: for every entry of w, how much f changes when that "
         "entry alone moves a little (by eps) both ways, the centered difference. It is the independent witness a "
         "gradient check compares backpropagation with.",
    args=(("f", "a function of an array like w, returning a number"), ("w", "an array, any shape"),
          ("eps", "the step, a small number such as 1e-5")),
    returns="grad: an array the shape of w",
    example=Example("numerical_gradient(lambda w: np.sum(w ** 2), np.array([1.0, -2.0]), 1e-5)",
                    "array([ 2., -4.])", "# the gradient of |w|^2 is 2 w"),
    trap="w + eps moves every entry at once, and w[i] += eps changes the caller's array: shift a copy, one entry "
         "at a time.",
    solution="""grad = np.zeros(np.shape(w))
for i in range(grad.size):
    shift = np.zeros(np.shape(w))
    shift.flat[i] = eps
    grad.flat[i] = (f(w + shift) - f(w - shift)) / (2 * eps)
return grad""")

EXERCISES = (BACKPROP, NUMERICAL_GRADIENT)
