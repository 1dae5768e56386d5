"""Day 3's exercises: one sigmoid neuron's gradients (mean squared error, cross-entropy), one SGD step, and the same
step on TensorFlow variables, in place (a TensorFlow exercise: the learner's code runs in the worker)."""
from __future__ import annotations

import numpy as np

from course.exercises import tfsteps
from course.exercises.exercise import TF_IMPORTS, TF_SECONDS, Example, Exercise, Mistake, equals
from course.reference import activations, neuron
from course.reference.optimizers import first_update

sigmoid = activations.sigmoid


def _neuron_cases(rng):
    return [dict(x=np.array([0.5, 1.0, 2.0, 3.0]), y=np.array([0, 0, 1, 1]), w=0.5, b=0.0),
            dict(x=rng.normal(size=7), y=rng.integers(0, 2, 7), w=-0.3, b=0.8)]


def _gradients(loss):
    def gradients(x, y, w, b):
        g = neuron.loss_and_gradients(x, y, w, b, loss=loss)
        return g["dw"], g["db"]
    return gradients


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


NEURON_ARGS = (("x", "(n,) inputs, one number per example"), ("y", "(n,) labels, 0 or 1"),
               ("w", "the weight, a number"), ("b", "the bias, a number"))

NEURON_MSE = Exercise(
    id="day3.neuron_gradients_mse", title="dL/dw and dL/db of one sigmoid neuron, mean squared error",
    function="neuron_gradients_mse", outputs=("dw", "db"), cases=_neuron_cases, oracle=_gradients("mse"),
    mistakes=(
        Mistake("mean", "the 1/n of the mean is forgotten: L = mean((p - y)^2), so each dL/dz_i has a 1/n",
                _mse_summed),
        Mistake("sigmoid_derivative", "the factor p(1 - p) = dp/dz is missing from the chain rule: "
                "dL/dz = 2 (p - y) p (1 - p) / n", _mse_without_dp_dz),
        Mistake("sign", "the sign is flipped: dL/dp = 2 (p - y) / n, not 2 (y - p) / n",
                lambda x, y, w, b: tuple(-v for v in _gradients("mse")(x, y, w, b))),
        Mistake("two", "the 2 of d(e^2)/de = 2e is missing",
                lambda x, y, w, b: tuple(v / 2 for v in _gradients("mse")(x, y, w, b))),
    ),
    hints=("The chain rule, one example at a time: L depends on w through p, and p through z = w x + b. "
           "Multiply the three local derivatives dL/dp, dp/dz and dz/dw.",
           "dp/dz of the sigmoid is p (1 - p); dz/dw = x_i and dz/db = 1. The mean brings a 1/n to every example.",
           "dL/dz_i = 2 (p_i - y_i) p_i (1 - p_i) / n; then dw = sum_i dL/dz_i x_i and db = sum_i dL/dz_i."),
    heading="one neuron's gradients, mean squared error",
    task="Give the gradient of the mean squared error L = mean((p - y)^2) with respect to the weight w and to the "
         "bias b of one sigmoid neuron p = sigmoid(w x + b) with one input: how much L changes per unit change "
         "of w, and of b, at this w and b. Derive it by the chain rule.",
    args=NEURON_ARGS, returns="(dw, db): two numbers",
    example=Example("neuron_gradients_mse(np.array([1.0, 2.0]), np.array([0, 1]), 0.5, 0.0)",
                    "(0.0405260..., 0.0934031...)"),
    trap="the sigmoid sits between z and the loss: its own derivative is a factor of the chain too.",
    solution="""p = 1.0 / (1.0 + np.exp(-(w * x + b)))         # (n,)
dz = 2.0 * (p - y) * p * (1.0 - p) / len(x)    # dL/dz_i = dL/dp_i * dp_i/dz_i
return float(np.sum(dz * x)), float(np.sum(dz))""")

NEURON_BCE = Exercise(
    id="day3.neuron_gradients_bce", title="dL/dw and dL/db of one sigmoid neuron, cross-entropy",
    function="neuron_gradients_bce", outputs=("dw", "db"), cases=_neuron_cases, oracle=_gradients("bce"),
    mistakes=(
        Mistake("sign", "the sign is flipped: dL/dz = (p - y) / n, so a neuron that says too much gets a positive "
                "gradient", lambda x, y, w, b: tuple(-v for v in _gradients("bce")(x, y, w, b))),
        Mistake("mean", "the 1/n of the mean is forgotten: dL/dz_i = (p_i - y_i) / n", _bce_summed),
        Mistake("sigmoid_derivative", "there is an extra factor p(1 - p): with cross-entropy it cancels, "
                "dL/dz = (p - y) / n (that factor belongs to the MSE version)", _bce_with_dp_dz),
    ),
    hints=("The chain rule as for the MSE version: dL/dp, then dp/dz = p (1 - p), then dz/dw = x_i and dz/db = 1.",
           "Work out dL/dp of -(y log p + (1 - y) log(1 - p)) and multiply it by p (1 - p): most of it cancels.",
           "dL/dz_i = (p_i - y_i) / n; then dw = sum_i dL/dz_i x_i and db = sum_i dL/dz_i."),
    heading="one neuron's gradients, cross-entropy",
    task="Give the gradient of the mean binary cross-entropy with respect to the weight w and to the bias b of "
         "one sigmoid neuron p = sigmoid(w x + b) with one input. Derive it by the chain rule: with this loss it "
         "comes out simpler than the mean squared error's.",
    args=NEURON_ARGS, returns="(dw, db): two numbers",
    example=Example("neuron_gradients_bce(np.array([1.0, 2.0]), np.array([0, 1]), 0.5, 0.0)",
                    "(0.0422882..., 0.1767589...)"),
    trap="the loss is a mean over the n examples, so every example's share of the gradient is divided by n.",
    solution="""p = 1.0 / (1.0 + np.exp(-(w * x + b)))         # (n,)
dz = (p - y) / len(x)                          # dL/dz_i: the sigmoid's p (1 - p) cancelled
return float(np.sum(dz * x)), float(np.sum(dz))""",
    train="gradient")


def _sgd_cases(rng):
    return [dict(w=np.array([0.5, -0.25]), grad=np.array([0.2, -0.4]), learning_rate=0.1),
            dict(w=rng.normal(size=(3, 2)), grad=rng.normal(size=(3, 2)), learning_rate=0.05)]


SGD_STEP = Exercise(
    id="day3.sgd_step", title="one step of gradient descent", function="sgd_step",
    outputs=("w",), cases=_sgd_cases,
    oracle=lambda w, grad, learning_rate: first_update("sgd", w, grad, learning_rate)[0],
    mistakes=(
        Mistake("sign", "the sign is flipped: you stepped up the slope (w + lr * g); descent goes against the "
                "gradient, w - lr * g", lambda w, grad, learning_rate: w + learning_rate * grad),
        Mistake("learning_rate", "the learning rate is missing: the step is lr * g, not g",
                lambda w, grad, learning_rate: w - grad),
    ),
    hints=("The gradient points uphill, towards a larger loss; a step against it lowers the loss.",
           "The step's size is the learning rate times the gradient, entry by entry. Return a new array: "
           "w -= ... would change the caller's array.",
           "new w = w - learning_rate * grad."),
    heading="one step of gradient descent",
    task="Take one step of plain gradient descent (SGD): move every weight against its gradient, by a step "
         "the learning rate scales.",
    args=(("w", "an array of weights, any shape"), ("grad", "dL/dw, the same shape as w"),
          ("learning_rate", "lr, a number")),
    returns="w: the new weights, the same shape as w (leave the w you were given unchanged)",
    example=Example("sgd_step(np.array([0.5, -0.25]), np.array([0.2, -0.4]), 0.1)", "array([ 0.48, -0.21])"),
    trap="'w -= ...' changes the caller's array in place: build a new array instead.",
    solution="return w - learning_rate * grad",
    train="update")


def _variable_cases(rng):
    return [dict(kernel=np.array([[0.5], [-0.25]]), bias=np.array([0.1]), grad_kernel=np.array([[0.2], [-0.4]]),
                 grad_bias=np.array([0.3]), learning_rate=0.1),
            dict(kernel=rng.normal(size=(3, 2)), bias=rng.normal(size=2), grad_kernel=rng.normal(size=(3, 2)),
                 grad_bias=rng.normal(size=2), learning_rate=0.05)]


def _update(rule):
    """A learner's update applying ``rule(variable, grad, learning_rate)`` to every variable."""
    def apply_update(variables, grads, learning_rate):
        for v, g in zip(variables, grads):
            rule(v, g, learning_rate)
    return apply_update


def _rebound(variables, grads, learning_rate):
    for v, g in zip(variables, grads):
        v = v - learning_rate * g                          # noqa: F841 - the mistake: a new tensor, thrown away


VARIABLE_UPDATE = Exercise(
    id="day3.variable_update", title="one SGD step on TensorFlow variables, in place, as apply_gradients does it",
    function="apply_update", outputs=("kernel", "bias"), cases=_variable_cases, drive=tfsteps.update_variables,
    oracle=lambda kernel, bias, grad_kernel, grad_bias, learning_rate: (kernel - learning_rate * grad_kernel,
                                                                        bias - learning_rate * grad_bias),
    tensorflow=True, seconds=TF_SECONDS, imports=TF_IMPORTS, rtol=1e-9, keeps_inputs=False,
    mistakes=(
        Mistake("rebound", "the variables did not change: v = v - learning_rate * g makes a new tensor and leaves "
                "the variable as it was; change the variable itself, v.assign_sub(learning_rate * g)", _rebound,
                when=lambda case, actual, expected: np.array_equal(actual[0], case["kernel"]) and np.array_equal(
                    actual[1], case["bias"])),
        Mistake("sign", "the variables moved up the slope: assign_sub subtracts the step, w <- w - lr * g",
                _update(lambda v, g, lr: v.assign_add(lr * g)),
                when=equals(lambda kernel, bias, grad_kernel, grad_bias, learning_rate: (
                    kernel + learning_rate * grad_kernel, bias + learning_rate * grad_bias))),
        Mistake("learning_rate", "the learning rate is missing: the step is learning_rate * g",
                _update(lambda v, g, lr: v.assign_sub(g)),
                when=equals(lambda kernel, bias, grad_kernel, grad_bias, learning_rate: (
                    kernel - grad_kernel, bias - grad_bias))),
    ),
    hints=("A tf.Variable keeps its value between steps, like a model's weight: an update changes the variable "
           "itself, it does not make a new one.",
           "v.assign_sub(d) subtracts d from the variable v in place; v - d only computes a new tensor.",
           "for v, g in zip(variables, grads): v.assign_sub(learning_rate * g), which is v <- v - learning_rate * g."),
    heading="an SGD step on TensorFlow variables",
    task="Apply one step of plain gradient descent to TensorFlow variables, the way a Keras optimizer does it: "
         "every variable moves against its own gradient by learning_rate times it, changed in place (the model "
         "that holds the variables sees the new values). Return nothing.",
    args=(("variables", "a list of tf.Variable, e.g. a layer's kernel (d, units) and bias (units,)"),
          ("grads", "a list of tensors: grads[i] is dL/d variables[i], of the same shape"),
          ("learning_rate", "lr, a number")),
    returns="None: the variables themselves hold the new values",
    example=Example("apply_update([w], [tf.constant([0.2, -0.4], tf.float64)], 0.1) or w.numpy()",
                    "array([ 0.48, -0.21])", "# the variable itself changed",
                    setup=("w = tf.Variable(np.array([0.5, -0.25]))",)),
    trap="w = w - learning_rate * g gives a new tensor the name w and leaves the variable, and the model holding it, "
         "unchanged.",
    solution="""for variable, grad in zip(variables, grads):
    variable.assign_sub(learning_rate * grad)          # w <- w - lr * dL/dw, in place""")

EXERCISES = (NEURON_MSE, NEURON_BCE, SGD_STEP, VARIABLE_UPDATE)
