"""Day 2's exercises: one Dense layer, then a two-layer network's forward pass."""
from __future__ import annotations

import numpy as np

from course.exercises.exercise import Example, Exercise, Mistake
from course.reference import activations

sigmoid = activations.sigmoid


def _dense_cases(rng):
    return [dict(x=np.array([[1.0, 0.0], [0.5, -1.0]]), W=np.array([[0.2, -0.7], [0.4, 0.1]]), b=np.array([0.1, -0.2])),
            dict(x=rng.normal(size=(4, 3)), W=rng.normal(size=(3, 2)), b=rng.normal(size=2))]


DENSE_LAYER = Exercise(
    id="day2.dense_layer", title="the outputs of one Dense layer of sigmoid units", function="dense_layer",
    outputs=("a",), cases=_dense_cases, oracle=lambda x, W, b: sigmoid(x @ W + b),
    mistakes=(
        Mistake("transposed", "you multiplied by the transposed weight matrix W.T: W has one row per input and one "
                "column per unit, so z = x @ W", lambda x, W, b: sigmoid(x @ W.T + b)),
        Mistake("bias", "the bias is left out: a = sigmoid(x @ W + b)", lambda x, W, b: sigmoid(x @ W)),
        Mistake("no_sigmoid", "you returned z = x @ W + b: the activation is missing", lambda x, W, b: x @ W + b),
    ),
    hints=("It is Day 1's perceptron with d_out units at once: each unit has its own column of weights and its "
           "own bias.",
           "Shapes: (n, d_in) @ (d_in, d_out) -> (n, d_out), then adding a (d_out,) array adds one bias to every "
           "row.",
           "a = sigmoid(z) with z = x @ W + b: 1 / (1 + np.exp(-(x @ W + b)))."),
    heading="one Dense layer",
    task="Compute what a Dense layer of d_out sigmoid units gives for every example: each unit takes a weighted "
         "sum of the example's inputs (its own column of W) plus its own bias, and squashes it with the sigmoid.",
    args=(("x", "(n, d_in) inputs, one example per row"),
          ("W", "(d_in, d_out) weights: row i holds input i's weight to every unit"),
          ("b", "(d_out,) one bias per unit")),
    returns="a: (n, d_out) the units' outputs, one row per example",
    example=Example("dense_layer(np.array([[1.0, 0.0]]), np.array([[0.2, -0.7], [0.4, 0.1]]), np.array([0.1, -0.2]))",
                    "array([[0.57444252, 0.2890505 ]])", "# the weighted sums are 0.3 and -0.9"),
    trap="W is (d_in, d_out), as Keras stores a kernel: with a square W the transposed product runs without an "
         "error and gives wrong numbers.",
    solution="""z = x @ W + b                      # (n, d_in) @ (d_in, d_out) + (d_out,) -> (n, d_out)
return 1.0 / (1.0 + np.exp(-z))""")


def _mlp_cases(rng):
    return [dict(x=np.array([[1.0, 0.0]]), W1=np.array([[5.0, -5.0], [5.0, -5.0]]), b1=np.array([-2.5, 7.5]),
                 W2=np.array([[5.0], [5.0]]), b2=np.array([-7.5])),
            dict(x=rng.normal(size=(4, 3)), W1=rng.normal(size=(3, 3)), b1=rng.normal(size=3),
                 W2=rng.normal(size=(3, 1)), b2=rng.normal(size=1))]


def _mlp(x, W1, b1, W2, b2):
    return sigmoid(sigmoid(x @ W1 + b1) @ W2 + b2)


MLP_FORWARD = Exercise(
    id="day2.mlp_forward", title="a two-layer network's output: a sigmoid hidden layer, then a sigmoid output",
    function="mlp_forward", outputs=("p",), cases=_mlp_cases, oracle=_mlp,
    mistakes=(
        Mistake("no_hidden_activation", "the hidden layer's sigmoid is missing: without it the two layers are one "
                "linear map (Day 4)", lambda x, W1, b1, W2, b2: sigmoid((x @ W1 + b1) @ W2 + b2)),
        Mistake("transposed", "you multiplied by a transposed weight matrix (W1.T): z1 = x @ W1, rows = inputs",
                lambda x, W1, b1, W2, b2: sigmoid(sigmoid(x @ W1.T + b1) @ W2 + b2)),
        Mistake("bias", "a bias is left out: each layer is sigmoid(input @ W + b)",
                lambda x, W1, b1, W2, b2: sigmoid(sigmoid(x @ W1) @ W2 + b2)),
        Mistake("no_output_activation", "the output layer's sigmoid is missing: p must be a probability, "
                "sigmoid(a1 @ W2 + b2)", lambda x, W1, b1, W2, b2: sigmoid(x @ W1 + b1) @ W2 + b2),
    ),
    hints=("Two Dense layers one after the other (day2.dense_layer): the hidden layer's outputs are the output "
           "layer's inputs.",
           "Day 2's hand-picked XOR weights are the first case: the example (1, 0) should come out near 0.85.",
           "a1 = sigmoid(x @ W1 + b1), then p = sigmoid(a1 @ W2 + b2)."),
    heading="an MLP's forward pass",
    task="Compute the output of a two-layer network for every example: a hidden Dense layer of sigmoid units "
         "(W1, b1), whose outputs feed an output Dense layer of sigmoid units (W2, b2).",
    args=(("x", "(n, d) inputs, one example per row"), ("W1", "(d, h) the hidden layer's weights"),
          ("b1", "(h,) its biases"), ("W2", "(h, k) the output layer's weights"), ("b2", "(k,) its biases")),
    returns="p: (n, k) the network's outputs",
    example=Example("mlp_forward(np.array([[1.0, 0.0]]), np.array([[5.0, -5.0], [5.0, -5.0]]), "
                    "np.array([-2.5, 7.5]), np.array([[5.0], [5.0]]), np.array([-7.5]))", "array([[0.85086711]])",
                    "# Day 2's XOR weights, the example (1, 0)"),
    trap="without the hidden layer's activation the network still runs, but two linear layers are only one.",
    solution="""a1 = 1.0 / (1.0 + np.exp(-(x @ W1 + b1)))      # (n, d) @ (d, h) + (h,) -> (n, h)
return 1.0 / (1.0 + np.exp(-(a1 @ W2 + b2)))   # (n, h) @ (h, k) + (k,) -> (n, k)""")

EXERCISES = (DENSE_LAYER, MLP_FORWARD)
