"""Day 5's exercises: a stable softmax, the categorical cross-entropy, and its gradient at the logits."""
from __future__ import annotations

import numpy as np

from course.exercises.exercise import Example, Exercise, Mistake
from course.reference import activations, losses

softmax = activations.softmax


def _logit_cases(rng):
    return [dict(z=np.array([[5.1, 2.6, 1.7]])), dict(z=rng.normal(0, 2, size=(4, 3))),
            dict(z=np.array([[1000.0, 997.5, 996.6], [-1000.0, 0.0, 1000.0]]))]


SOFTMAX = Exercise(
    id="day5.softmax", title="a softmax over the last axis that never overflows", function="softmax",
    outputs=("p",), cases=_logit_cases, oracle=softmax,
    mistakes=(
        Mistake("overflow", "softmax overflows on large logits: e^1000 is inf and inf / inf is NaN; subtract each "
                "row's largest logit first (softmax(z - c) = softmax(z))",
                lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)),
        Mistake("axis", "you normalised down the columns (axis 0): each example, a row, must sum to 1 (axis=-1)",
                lambda z: softmax(z, axis=0)),
        Mistake("no_exp", "the exponentials are missing: p_k = e^z_k / sum_j e^z_j, not z_k / sum_j z_j",
                lambda z: z / z.sum(axis=-1, keepdims=True)),
        Mistake("whole_array", "you divided by the sum over the whole array: each row (one example) must sum to 1 "
                "on its own, so sum along axis=-1 with keepdims=True",
                lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum()),
    ),
    hints=("Each row of z is one example's logits: exponentiate, then divide each row by its own sum so that every "
           "row of p sums to 1.",
           "e^(z - c) / sum e^(z - c) is the same for any c: pick c so that no exponent is positive.",
           "e = np.exp(z - z.max(axis=-1, keepdims=True)); p = e / e.sum(axis=-1, keepdims=True)."),
    heading="a numerically stable softmax",
    task="Turn every row of logits z into probabilities that sum to 1 with the softmax: larger logits get larger "
         "probabilities, in proportion to e to the logit. Logits near 1000 must give probabilities, not NaN.",
    args=(("z", "(n, k) logits, one row per example"),),
    returns="p: (n, k) probabilities, each row summing to 1",
    example=Example("softmax(np.array([[5.1, 2.6, 1.7]]))", "array([[0.89649253, 0.07358859, 0.02991889]])"),
    trap="np.exp(1000) is inf, and inf / inf is NaN; and keepdims matters when a sum is divided back into rows.",
    solution="""e = np.exp(z - z.max(axis=-1, keepdims=True))  # (n, k), every exponent <= 0
return e / e.sum(axis=-1, keepdims=True)""")


def _ce_cases(rng):
    p = softmax(rng.normal(size=(5, 3)))
    return [dict(y=np.array([0]), p=np.array([[0.9, 0.07, 0.03]])), dict(y=rng.integers(0, 3, 5), p=p),
            dict(y=np.array([1, 0]), p=np.array([[1.0, 0.0], [0.0, 1.0]]))]


def _ce_unclipped(y, p):
    return float(np.mean(-np.log(p[np.arange(len(y)), y])))


CROSS_ENTROPY = Exercise(
    id="day5.cross_entropy", title="the mean categorical cross-entropy", function="cross_entropy",
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
    hints=("Only the true class counts: each example pays -log of the probability the model gave its true class.",
           "p[np.arange(n), y] picks, in each row, the probability of that example's true class. Clip first, "
           "np.clip(p, 1e-7, 1 - 1e-7), so that a probability of 0 costs about 16, not infinity.",
           "L = np.mean(-np.log(p[np.arange(len(y)), y])), with p clipped first."),
    heading="the categorical cross-entropy",
    task="Measure how wrong the probabilities p are for the integer labels y: each example pays minus the log of "
         "the probability it gave to its true class, and the loss is the mean over the examples. Clip p to "
         "[1e-7, 1 - 1e-7] first, as Keras does.",
    args=(("y", "(n,) integer labels 0 .. k-1"), ("p", "(n, k) probabilities, one row per example")),
    returns="loss: a number",
    example=Example("cross_entropy(np.array([0, 2]), np.array([[0.9, 0.07, 0.03], [0.2, 0.3, 0.5]]))",
                    "0.399253...", "# the two examples paid -log 0.9 and -log 0.5"),
    trap="the largest probability in a row is the predicted class, not always the true one.",
    solution="""p = np.clip(p, 1e-7, 1 - 1e-7)
return float(np.mean(-np.log(p[np.arange(len(y)), y])))""")


def _onehot(y, k):
    return np.eye(k)[np.asarray(y)]


def _ce_gradient(z, y):
    return (softmax(z) - _onehot(y, z.shape[1])) / len(y)


def _gradient_cases(rng):
    return [dict(z=np.array([[2.0, 1.0, 0.1]]), y=np.array([0])),
            dict(z=rng.normal(size=(4, 3)), y=rng.integers(0, 3, 4))]


SOFTMAX_GRADIENT = Exercise(
    id="day5.softmax_cross_entropy_gradient", title="dL/dz of the mean cross-entropy of softmax(z), at the logits",
    function="softmax_cross_entropy_gradient", outputs=("dz",), cases=_gradient_cases, oracle=_ce_gradient,
    mistakes=(
        Mistake("mean", "the 1/n of the mean is forgotten: dL/dz = (p - onehot(y)) / n",
                lambda z, y: softmax(z) - _onehot(y, z.shape[1])),
        Mistake("sign", "the sign is flipped: dL/dz = (p - onehot(y)) / n; the true class's logit must go up, so "
                "its gradient is negative", lambda z, y: -_ce_gradient(z, y)),
        Mistake("no_softmax", "you used the logits z where the probabilities p = softmax(z) belong",
                lambda z, y: (z - _onehot(y, z.shape[1])) / len(y)),
    ),
    hints=("Work it out for one example first: how does -log p_y change when one logit z_j moves? Softmax's "
           "Jacobian and the log cancel almost entirely.",
           "np.eye(k)[y] is the one-hot matrix: row i has a 1 in column y_i. The mean brings a 1/n.",
           "dL/dz = (softmax(z) - np.eye(k)[y]) / n."),
    heading="the gradient of softmax + cross-entropy",
    task="Give dL/dz, the gradient of the mean cross-entropy of softmax(z) with respect to the logits z: one "
         "number per logit, saying how the loss changes when that logit moves. Derive it for one example first.",
    args=(("z", "(n, k) logits, one row per example"), ("y", "(n,) integer labels 0 .. k-1")),
    returns="dz: (n, k), the shape of z",
    example=Example("softmax_cross_entropy_gradient(np.array([[2.0, 1.0, 0.1]]), np.array([0]))",
                    "array([[-0.34099886,  0.24243297,  0.09856589]])"),
    trap="y holds class numbers, shape (n,): it cannot be subtracted from an (n, k) array as it is.",
    solution="""e = np.exp(z - z.max(axis=-1, keepdims=True))
p = e / e.sum(axis=-1, keepdims=True)          # (n, k)
onehot = np.eye(z.shape[1])[y]                 # (n, k): a 1 at each example's true class
return (p - onehot) / len(y)""",
    train="gradient")

EXERCISES = (SOFTMAX, CROSS_ENTROPY, SOFTMAX_GRADIENT)
