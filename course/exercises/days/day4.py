"""Day 4's exercises: the derivatives of the sigmoid and of ReLU, what backpropagation multiplies by."""
from __future__ import annotations

import numpy as np

from course.exercises.exercise import Example, Exercise, Mistake
from course.reference import activations

sigmoid = activations.sigmoid


def _z_cases(rng):
    return [dict(z=np.array([-2.0, 0.0, 0.5, 3.0])), dict(z=rng.normal(0, 2, size=(3, 4)))]


SIGMOID_DERIVATIVE = Exercise(
    id="day4.sigmoid_derivative", title="the sigmoid's derivative at every entry", function="sigmoid_derivative",
    outputs=("ds",), cases=_z_cases, oracle=activations.REGISTRY["sigmoid"].df,
    mistakes=(
        Mistake("function", "you returned sigmoid(z) itself: the derivative is sigmoid(z) * (1 - sigmoid(z))",
                lambda z: sigmoid(z)),
        Mistake("a_formula", "you used z (1 - z): that formula takes a = sigmoid(z), not z; compute s = sigmoid(z) "
                "first, then s (1 - s)", lambda z: z * (1 - z)),
        Mistake("mixed", "you computed s (1 - z): both factors take s = sigmoid(z), the derivative is s (1 - s)",
                lambda z: sigmoid(z) * (1 - z)),
    ),
    hints=("Differentiate 1 / (1 + e^-z) with the chain rule, then write the result in terms of the sigmoid "
           "itself: it simplifies a lot.",
           "The derivative is largest at z = 0, where it is 0.25, and tends to 0 on both sides: one reason "
           "gradients vanish in deep sigmoid networks.",
           "s = 1 / (1 + np.exp(-z)), then the derivative is s * (1 - s)."),
    heading="the sigmoid's derivative",
    task="Give the derivative of the sigmoid at every entry of z: the factor backpropagation multiplies by at "
         "every sigmoid unit. Write it in terms of the sigmoid itself.",
    args=(("z", "an array of any shape: the units' weighted sums, before the sigmoid"),),
    returns="ds: an array of the same shape as z",
    example=Example("sigmoid_derivative(np.array([0.0, 2.0]))", "array([0.25      , 0.10499359])"),
    trap="the argument is z, the sum before the activation, not the activation's output: a formula written for "
         "the output must first turn z into it.",
    solution="""s = 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))
return s * (1.0 - s)""")


def _relu_cases(rng):
    return [dict(z=np.array([-1.5, 0.0, 2.0])), dict(z=rng.normal(size=(2, 5)))]


RELU_DERIVATIVE = Exercise(
    id="day4.relu_derivative", title="ReLU's derivative at every entry", function="relu_derivative",
    outputs=("dr",), cases=_relu_cases, oracle=activations.REGISTRY["relu"].df,
    mistakes=(
        Mistake("function", "you returned relu(z) = max(0, z) itself: its derivative is 1 for z > 0 and 0 for z <= 0",
                lambda z: np.maximum(z, 0.0)),
        Mistake("at_zero", "at z = 0 the derivative is taken as 0 (Keras and TensorFlow do so): use z > 0, not z >= 0",
                lambda z: (np.asarray(z) >= 0).astype(float)),
        Mistake("flipped", "your 1s and 0s are swapped: the slope is 1 where the unit is on (z > 0) and 0 where it "
                "is off", lambda z: (np.asarray(z) <= 0).astype(float)),
    ),
    hints=("ReLU is z where z > 0 and 0 elsewhere: what is its slope on each side?",
           "At z = 0 the slope is not defined; Keras and TensorFlow take it as 0.",
           "dr = (z > 0).astype(float): (z > 0) is an array of True/False, .astype(float) turns it into 1.0/0.0."),
    heading="ReLU's derivative",
    task="Give the derivative of ReLU, max(0, z), at every entry of z: it passes the gradient where a unit is on "
         "and blocks it where it is off.",
    args=(("z", "an array of any shape"),),
    returns="dr: an array of the same shape as z, of 0.0 and 1.0",
    example=Example("relu_derivative(np.array([-1.0, 3.0]))", "array([0., 1.])"),
    trap="z = 0 exactly: decide it the way Keras and TensorFlow do (hint 2).",
    solution="return (np.asarray(z) > 0).astype(float)")

EXERCISES = (SIGMOID_DERIVATIVE, RELU_DERIVATIVE)
