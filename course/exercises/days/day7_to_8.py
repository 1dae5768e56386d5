"""Exercises of Days 7-8: mini-batches, an epoch of mini-batch gradient descent, momentum, RMSprop and Adam as
Keras applies them (epsilon where Keras puts it, the bias correction folded into Adam's step size)."""
from __future__ import annotations

import numpy as np

from course.exercises.exercise import Exercise, Mistake
from course.reference import neuron
from course.reference.optimizers import update


def _batch_cases(rng):
    return [dict(n=10, batch_size=4), dict(n=12, batch_size=4), dict(n=7, batch_size=10), dict(n=5, batch_size=1)]


def _batches(n, batch_size):
    return [(start, min(start + batch_size, n)) for start in range(0, n, batch_size)]


BATCHES = Exercise(
    id="day7.batches", title="the (start, stop) rows of each mini-batch; the last may be smaller",
    function="batches", outputs=("batches",), cases=_batch_cases, oracle=_batches,
    mistakes=(
        Mistake("dropped_last", "the last, smaller batch is missing: its examples would never be trained on",
                lambda n, batch_size: [(s, s + batch_size) for s in range(0, n - batch_size + 1, batch_size)]),
        Mistake("past_the_end", "the last batch runs past the data: stop at n (min(start + batch_size, n))",
                lambda n, batch_size: [(s, s + batch_size) for s in range(0, n, batch_size)]),
    ),
    hints=("range(0, n, batch_size) gives every batch's first row.",
           "The stop of a batch is start + batch_size, but never more than n: min(start + batch_size, n)."))


def _epoch_cases(rng):
    x = rng.normal(size=10)
    return [dict(x=np.array([0.5, 1.0, 2.0, 3.0]), y=np.array([0, 0, 1, 1]), w=0.5, b=0.0, learning_rate=0.5,
                 batch_size=2),
            dict(x=x, y=(x + rng.normal(0, 0.5, 10) > 0).astype(int), w=-0.2, b=0.3, learning_rate=0.3, batch_size=4)]


def _epoch(x, y, w, b, learning_rate, batch_size, *, per_batch_mean=True, last=True, full=False):
    bounds = [(0, len(x))] if full else _batches(len(x), batch_size)
    if not last:
        bounds = [(s, e) for s, e in bounds if e - s == batch_size]
    for start, stop in bounds:
        g = neuron.loss_and_gradients(x[start:stop], y[start:stop], w, b)
        scale = 1.0 if per_batch_mean else (stop - start) / len(x)
        w, b = w - learning_rate * g["dw"] * scale, b - learning_rate * g["db"] * scale
    return w, b


MINIBATCH_EPOCH = Exercise(
    id="day7.minibatch_epoch", title="one epoch of mini-batch gradient descent on one sigmoid neuron",
    function="minibatch_epoch", outputs=("w", "b"), cases=_epoch_cases, oracle=_epoch,
    mistakes=(
        Mistake("full_batch", "you took one step on all the data: mini-batch descent takes one step per batch",
                lambda **k: _epoch(**k, full=True)),
        Mistake("dropped_last", "the last, smaller batch is missing: every example is used once an epoch",
                lambda **k: _epoch(**k, last=False)),
        Mistake("mean_over_all", "each batch's gradient is averaged over the whole data set: average over the "
                "batch's own examples", lambda **k: _epoch(**k, per_batch_mean=False)),
    ),
    hints=("For each (start, stop) of day7.batches: the cross-entropy gradient of that batch (Day 3), then a step.",
           "Each step uses the w and b left by the step before."))


def _optimizer_cases(state_names):
    """Tiny gradients from zero state (where epsilon's place matters), Day 8's numbers, random arrays with state."""
    def cases(rng):
        w = rng.normal(size=(3, 2))
        state = {name: np.abs(rng.normal(size=w.shape)) * 0.01 if name in ("s", "v") else rng.normal(size=w.shape) * 0.01
                 for name in state_names}
        zeros = {name: np.zeros(2) for name in state_names}
        return [dict(w=np.array([0.5, -0.25]), grad=np.array([1e-6, -2e-6]), **zeros, learning_rate=0.01),
                dict(w=np.array([3.0, 4.0]), grad=np.array([0.2, -0.4]), **zeros, learning_rate=0.3),
                dict(w=w, grad=rng.normal(size=w.shape), **state, learning_rate=0.01)]
    return cases


def _keras(name, state_names, **k):
    """The Keras rule with the textbook constants 0.9 and 0.999 (Keras rounds them to float32: 1e-8 apart)."""
    state = {s: k.pop(s) for s in state_names}
    t = k.pop("t", 1)
    w, new_state, _ = update(name, k["w"], k["grad"], state, t, k["learning_rate"], float32_constants=False)
    return (w, *[new_state[s] for s in state_names])


def _momentum_pytorch(w, grad, velocity, learning_rate):
    velocity = 0.9 * velocity + grad                 # PyTorch keeps lr out of the velocity
    return w - learning_rate * velocity, velocity


MOMENTUM = Exercise(
    id="day8.momentum_step", title="SGD with momentum 0.9, as Keras: v <- 0.9 v - lr g; w <- w + v",
    function="momentum_step", outputs=("w", "velocity"), cases=_optimizer_cases(("velocity",)),
    oracle=lambda **k: _keras("momentum", ("velocity",), **k),
    mistakes=(
        Mistake("pytorch", "that is PyTorch's convention (v <- 0.9 v + g; w <- w - lr v): the same steps, but Keras "
                "keeps lr inside the velocity, v <- 0.9 v - lr g, w <- w + v", _momentum_pytorch),
        Mistake("sign", "the sign is flipped: the velocity collects -lr g, so w <- w + v moves downhill",
                lambda w, grad, velocity, learning_rate: (w - (0.9 * velocity - learning_rate * grad),
                                                          0.9 * velocity - learning_rate * grad)),
        Mistake("no_momentum", "the old velocity is forgotten: v <- 0.9 v - lr g, not just -lr g",
                lambda w, grad, velocity, learning_rate: (w - learning_rate * grad, -learning_rate * grad)),
    ),
    hints=("Two lines: the velocity first, from the old velocity and the gradient; then w moves by the velocity.",
           "Return both the new w and the new velocity: the next step needs it."),
    train="update")


def _rmsprop_variant(w, grad, s, learning_rate, *, inside=True):
    s = 0.9 * s + 0.1 * grad ** 2
    denominator = np.sqrt(s + 1e-7) if inside else np.sqrt(s) + 1e-7
    return w - learning_rate * grad / denominator, s


RMSPROP = Exercise(
    id="day8.rmsprop_step", title="RMSprop, as Keras: s <- 0.9 s + 0.1 g^2; w <- w - lr g / sqrt(s + 1e-7)",
    function="rmsprop_step", outputs=("w", "s"), cases=_optimizer_cases(("s",)),
    oracle=lambda **k: _keras("rmsprop", ("s",), **k),
    mistakes=(
        Mistake("epsilon_outside", "epsilon is in the wrong place: Keras's RMSprop puts it inside the square root, "
                "sqrt(s + 1e-7), not sqrt(s) + 1e-7 (it matters when the gradients are tiny)",
                lambda **k: _rmsprop_variant(**k, inside=False)),
        Mistake("no_sqrt", "the square root is missing: divide by the root mean square, sqrt(s + 1e-7)",
                lambda w, grad, s, learning_rate: (w - learning_rate * grad / (0.9 * s + 0.1 * grad ** 2 + 1e-7),
                                                   0.9 * s + 0.1 * grad ** 2)),
        Mistake("rho_swapped", "0.9 and 0.1 are swapped: s keeps 0.9 of its past and takes 0.1 of g^2",
                lambda w, grad, s, learning_rate: (w - learning_rate * grad / np.sqrt(0.1 * s + 0.9 * grad ** 2 + 1e-7),
                                                   0.1 * s + 0.9 * grad ** 2)),
    ),
    hints=("s is a running average of g^2 per entry; the step divides g by its square root.",
           "Keras writes the root as np.sqrt(s + 1e-7): epsilon inside. Return the new w and the new s."),
    train="update")


def _adam_variant(w, grad, m, v, t, learning_rate, *, corrected=True, keras_epsilon=True, t_from_zero=False):
    m = 0.9 * m + 0.1 * grad
    v = 0.999 * v + 0.001 * grad ** 2
    t = t - 1 if t_from_zero else t
    c1, c2 = (1 - 0.9 ** t, 1 - 0.999 ** t) if corrected else (1.0, 1.0)
    if keras_epsilon:
        step = learning_rate * np.sqrt(c2) / c1 * m / (np.sqrt(v) + 1e-7)
    else:
        step = learning_rate * (m / c1) / (np.sqrt(v / c2) + 1e-7)
    return w - step, m, v


def _adam_cases(rng):
    cases = _optimizer_cases(("m", "v"))(rng)
    for case, t in zip(cases, (1, 3, 10)):
        case["t"] = t
    return cases


ADAM = Exercise(
    id="day8.adam_step", title="Adam, as Keras: bias correction folded into the step size, epsilon added to sqrt(v)",
    function="adam_step", outputs=("w", "m", "v"), cases=_adam_cases,
    oracle=lambda **k: _keras("adam", ("m", "v"), **k),
    mistakes=(
        Mistake("no_bias_correction", "the bias correction is missing: m and v start at 0, so divide by "
                "(1 - 0.9^t) and (1 - 0.999^t) (Keras folds both into lr)",
                lambda **k: _adam_variant(**k, corrected=False)),
        Mistake("epsilon_placement", "epsilon is in the wrong place: you added it to sqrt(v_hat), as the paper "
                "writes it; Keras adds it to sqrt(v) and puts the bias correction into the step size, "
                "lr sqrt(1 - 0.999^t) / (1 - 0.9^t) * m / (sqrt(v) + 1e-7)",
                lambda **k: _adam_variant(**k, keras_epsilon=False)),
        Mistake("t_from_zero", "t counts the updates from 1: with t - 1 the first correction divides by zero",
                lambda **k: _adam_variant(**k, t_from_zero=True)),
    ),
    hints=("m <- 0.9 m + 0.1 g and v <- 0.999 v + 0.001 g^2, entry by entry.",
           "alpha = lr * sqrt(1 - 0.999^t) / (1 - 0.9^t); then w <- w - alpha * m / (sqrt(v) + 1e-7)."),
    train="update")

EXERCISES = (BATCHES, MINIBATCH_EPOCH, MOMENTUM, RMSPROP, ADAM)
