"""Day 1's exercises: the sigmoid, the perceptron's forward pass, the binary cross-entropy, and its gradients by
tf.GradientTape (a TensorFlow exercise: the learner's code runs in the worker, the oracle is NumPy)."""
from __future__ import annotations

import numpy as np

from course.exercises.exercise import TF_IMPORTS, TF_SECONDS, Example, Exercise, Mistake
from course.reference import activations, losses

sigmoid = activations.sigmoid


def _z_cases(rng):
    return [dict(z=np.array([0.0, 2.0, -1.0])), dict(z=rng.normal(0, 3, size=(4, 3))),
            dict(z=np.array([-1000.0, -30.0, 0.5, 30.0, 1000.0]))]


SIGMOID = Exercise(
    id="day1.sigmoid", title="the sigmoid of every entry, for any z (even +-1000)", function="sigmoid",
    outputs=("p",), cases=_z_cases, oracle=lambda z: sigmoid(z),
    mistakes=(
        Mistake("sign", "you computed 1 / (1 + e^z) = sigmoid(-z): the sign in the exponent is flipped, "
                "sigmoid(z) = 1 / (1 + e^-z)", lambda z: 1 / (1 + np.exp(z))),
        Mistake("tanh", "that is tanh(z), whose outputs lie in (-1, 1); sigmoid's lie in (0, 1)", lambda z: np.tanh(z)),
        Mistake("overflow", "e^z overflows for large z (e^1000 is inf, and inf / inf is NaN): for z >= 0 use "
                "1 / (1 + e^-z), for z < 0 use e^z / (1 + e^z)", lambda z: np.exp(z) / (1 + np.exp(z))),
    ),
    hints=("sigmoid squashes any number into (0, 1): sigmoid(0) = 0.5, sigmoid(large) -> 1, sigmoid(-large) -> 0.",
           "NumPy works elementwise: one expression with np.exp handles the whole array at once, whatever its shape.",
           "sigmoid(z) = 1 / (1 + np.exp(-z)). For z = -1000, np.exp(1000) overflows to inf (a warning), yet "
           "1 / (1 + inf) = 0 is still right; np.exp(z) / (1 + np.exp(z)) would give inf / inf = NaN at z = 1000."),
    heading="the sigmoid, the perceptron's activation",
    task="Squash every entry of z into a number between 0 and 1 with the logistic sigmoid, the perceptron's "
         "activation: 0.5 at z = 0, close to 1 for large z, close to 0 for very negative z. It must work for any "
         "z, even z = -1000 or z = 1000, with no NaN in the result.",
    args=(("z", "a NumPy array of any shape (or a number)"),),
    returns="p: an array of the same shape as z, every entry in [0, 1]",
    example=Example("sigmoid(np.array([-2.0, 0.0, 2.0]))", "array([0.11920292, 0.5       , 0.88079708])"),
    trap="a formula that is right on paper can still give inf / inf = NaN at z = 1000: try your function on "
         "np.array([-1000.0, 1000.0]).",
    solution="""z = np.asarray(z, dtype=float)
# e^-z is at most inf (for very negative z), and 1 / inf = 0: never inf / inf.
with np.errstate(over="ignore"):           # the overflow's warning, not its result, is silenced
    return 1.0 / (1.0 + np.exp(-z))""")


def _forward_cases(rng):
    return [dict(x=np.array([[1.0, 2.0], [0.0, -1.0]]), w=np.array([0.5, -0.25]), b=0.1),
            dict(x=rng.normal(size=(5, 3)), w=rng.normal(size=3), b=-0.4)]


PERCEPTRON_FORWARD = Exercise(
    id="day1.perceptron_forward", title="the perceptron's probability of class 1 for every example",
    function="perceptron_forward", outputs=("p",), cases=_forward_cases,
    oracle=lambda x, w, b: sigmoid(x @ w + b),
    mistakes=(
        Mistake("bias", "the bias is left out: p = sigmoid(x @ w + b), and b shifts every z",
                lambda x, w, b: sigmoid(x @ w)),
        Mistake("no_sigmoid", "you returned z = x @ w + b: the sigmoid that turns it into a probability is missing",
                lambda x, w, b: x @ w + b),
        Mistake("sign", "you computed sigmoid(-(x @ w + b)): a sign is flipped", lambda x, w, b: sigmoid(-(x @ w + b))),
    ),
    hints=("Each example's weighted sum: every feature times its weight, added up, plus the bias. NumPy's @ does "
           "the multiply-and-add for all the rows at once.",
           "Then the weighted sum z of each example goes through the sigmoid (day1.sigmoid) to become a probability.",
           "z = x @ w + b, shape (n, d) @ (d,) + a number -> (n,); then p = 1 / (1 + np.exp(-z))."),
    heading="the perceptron's forward pass",
    task="Give the probability of class 1 that a perceptron with weights w and bias b assigns to every example "
         "(every row) of x: a weighted sum of the example's features plus the bias, squashed by the sigmoid.",
    args=(("x", "(n, d) inputs, one example per row"), ("w", "(d,) weights, one per feature"),
          ("b", "the bias, a number")),
    returns="p: (n,) probabilities, one per example",
    example=Example("perceptron_forward(np.array([[1.0, 2.0], [0.0, -1.0]]), np.array([0.5, -0.25]), 0.1)",
                    "array([0.52497919, 0.58661758])", "# the weighted sums are 0.1 and 0.35"),
    trap="the answer has one number per example, shape (n,): a w reshaped into a column gives (n, 1) instead.",
    solution="""z = x @ w + b                      # (n, d) @ (d,) + a number -> (n,)
return 1.0 / (1.0 + np.exp(-z))""")


def _bce_cases(rng):
    return [dict(y=np.array([1, 0]), p=np.array([0.9, 0.2])),
            dict(y=rng.integers(0, 2, 6), p=rng.uniform(0.05, 0.95, 6)),
            dict(y=np.array([1, 0, 1, 0]), p=np.array([1.0, 0.0, 0.0, 1.0]))]


def _bce_unclipped(y, p):
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))


def _bce_label_one_only(y, p):           # the (1 - y) log(1 - p) term left out
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return float(np.mean(-y * np.log(p)))


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
        Mistake("label_zero_term", "the examples of label 0 cost nothing in your loss: the (1 - y) log(1 - p) term "
                "is missing, so they would never be learned", _bce_label_one_only),
    ),
    hints=("For one example: the loss is -log p when y = 1 and -log(1 - p) when y = 0. Find one expression that "
           "picks the right one, using that y is 0 or 1.",
           "Keras clips p to [1e-7, 1 - 1e-7] before the log (np.clip), so a confident mistake costs about 16, "
           "not infinity.",
           "L = mean over the examples of -(y log p + (1 - y) log(1 - p)), with p = np.clip(p, 1e-7, 1 - 1e-7) "
           "first."),
    heading="the binary cross-entropy, the perceptron's loss",
    task="Measure how wrong the probabilities p are for the labels y: each example pays minus the log of the "
         "probability it gave to its true label, and the loss is the mean over the examples. Clip p to "
         "[1e-7, 1 - 1e-7] first, as Keras does.",
    args=(("y", "(n,) labels, 0 or 1"), ("p", "(n,) predicted probabilities of class 1")),
    returns="loss: a number",
    example=Example("binary_cross_entropy(np.array([1, 0]), np.array([0.9, 0.2]))", "0.164252...",
                    "# the first example paid -log 0.9, the second -log 0.8"),
    trap="a probability of exactly 0 or 1 makes log give -inf (and 0 * -inf = NaN): clip before the log.",
    solution="""p = np.clip(p, 1e-7, 1 - 1e-7)
return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))""")



def _tape_cases(rng):
    return [dict(x=np.array([[1.0, 2.0], [0.0, -1.0], [0.5, 0.5]]), y=np.array([[1.0], [0.0], [1.0]]),
                 w=np.array([[0.5], [-0.25]]), b=np.array([0.1])),
            dict(x=rng.normal(size=(6, 3)), y=rng.integers(0, 2, (6, 1)).astype(float), w=rng.normal(0, 0.5, (3, 1)),
                 b=np.array([-0.2]))]


def _tape_oracle(x, y, w, b):
    dz = (sigmoid(x @ w + b) - y) / len(x)            # dL/dz of the mean cross-entropy, (n, 1)
    return x.T @ dz, dz.sum(axis=0)


def _mse_gradients(x, y, w, b):
    p = sigmoid(x @ w + b)
    dz = 2 * (p - y) * p * (1 - p) / len(x)
    return x.T @ dz, dz.sum(axis=0)


def _loss_outside_the_tape(x, y, w, b):
    from course.core.runtime import tf
    w, b = tf.Variable(w), tf.Variable(b)
    with tf.GradientTape() as tape:
        p = tf.sigmoid(x @ w + b)
    loss = tf.reduce_mean(-(y * tf.math.log(p) + (1 - y) * tf.math.log(1 - p)))
    return tuple(tape.gradient(loss, [w, b]))


def _bias_not_watched(x, y, w, b):
    from course.core.runtime import tf
    w, b = tf.Variable(w), tf.constant(b)
    with tf.GradientTape() as tape:
        p = tf.sigmoid(x @ w + b)
        loss = tf.reduce_mean(-(y * tf.math.log(p) + (1 - y) * tf.math.log(1 - p)))
    return tuple(tape.gradient(loss, [w, b]))


TAPE_GRADIENTS = Exercise(
    id="day1.tape_gradients", title="dL/dw and dL/db of the perceptron, by tf.GradientTape",
    function="tape_gradients", outputs=("dw", "db"), cases=_tape_cases, oracle=_tape_oracle,
    tensorflow=True, seconds=TF_SECONDS, imports=TF_IMPORTS, rtol=1e-5, atol=1e-9,
    mistakes=(
        Mistake("no_gradient", "both gradients are None: the tape recorded no path from w and b to the loss. Make "
                "w and b tf.Variable, and compute p and the loss inside `with tf.GradientTape() as tape:`",
                _loss_outside_the_tape, when=lambda case, actual, expected: actual[0] is None and actual[1] is None),
        Mistake("not_watched", "db is None: a tape follows tf.Variable objects (or what you tape.watch), and b was "
                "not one: b = tf.Variable(b)", _bias_not_watched,
                when=lambda case, actual, expected: actual[0] is not None and actual[1] is None),
        Mistake("mean", "your gradients are n times too large: the loss is the mean over the examples "
                "(tf.reduce_mean), not their sum",
                lambda x, y, w, b: tuple(len(x) * g for g in _tape_oracle(x, y, w, b))),
        Mistake("mse", "those are the gradients of the mean squared error: the perceptron's loss is the binary "
                "cross-entropy, -mean(y log p + (1 - y) log(1 - p))", _mse_gradients),
        Mistake("swapped", "you returned db first and dw second: return them in the order (dw, db), as "
                "tape.gradient(loss, [w, b]) gives them", lambda x, y, w, b: _tape_oracle(x, y, w, b)[::-1]),
    ),
    hints=("A tf.GradientTape records what TensorFlow computes inside its `with` block; afterwards "
           "tape.gradient(loss, [w, b]) differentiates the recorded computation.",
           "Make w and b tf.Variable (the tape follows variables); inside the block compute p = tf.sigmoid(x @ w + b) "
           "and the mean binary cross-entropy of p against y.",
           "with tf.GradientTape() as tape: p = tf.sigmoid(x @ w + b); loss = tf.reduce_mean(-(y * tf.math.log(p) + "
           "(1 - y) * tf.math.log(1 - p))); then dw, db = tape.gradient(loss, [w, b])."),
    heading="gradients by tf.GradientTape",
    task="Let TensorFlow do Day 1's calculus: record the perceptron's forward pass p = sigmoid(x @ w + b) and its "
         "mean binary cross-entropy against y on a tf.GradientTape, and return the gradient of the loss with respect "
         "to w and to b.",
    args=(("x", "(n, d) inputs, float64"), ("y", "(n, 1) labels, 0. or 1."), ("w", "(d, 1) the weights"),
          ("b", "(1,) the bias")),
    returns="(dw, db): dL/dw of shape (d, 1) and dL/db of shape (1,), tensors or arrays",
    example=Example("[g.numpy() for g in tape_gradients(x, y, np.array([[0.5], [-0.25]]), np.array([0.1]))]",
                    "[array([[-0.23751041], [-0.7683296 ]]), array([0.05579838])]",
                    setup=("x, y = np.array([[1.0, 2.0], [0.0, -1.0]]), np.array([[1.0], [0.0]])",)),
    trap="the tape records only inside its `with` block, and only what starts from variables: a loss computed after "
         "the block, or from a plain array, has no gradient (tape.gradient returns None).",
    solution="""w, b = tf.Variable(w), tf.Variable(b)            # the tape follows variables
with tf.GradientTape() as tape:
    p = tf.sigmoid(x @ w + b)                       # (n, d) @ (d, 1) + (1,) -> (n, 1)
    loss = tf.reduce_mean(-(y * tf.math.log(p) + (1 - y) * tf.math.log(1 - p)))
dw, db = tape.gradient(loss, [w, b])                # dL/dw (d, 1), dL/db (1,)
return dw, db""")

EXERCISES = (SIGMOID, PERCEPTRON_FORWARD, BINARY_CROSS_ENTROPY, TAPE_GRADIENTS)
