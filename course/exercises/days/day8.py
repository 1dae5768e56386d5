"""Day 8's exercises: momentum, RMSprop and Adam as Keras applies them (epsilon where Keras puts it, the bias
correction folded into Adam's step size)."""
from __future__ import annotations

import numpy as np

from course.exercises.exercise import Example, Exercise, Mistake
from course.reference.optimizers import update


def _optimizer_cases(state_names, steps=None):
    """Tiny gradients from zero state (where epsilon's place matters), Day 8's numbers, random arrays with state;
    ``steps``: Adam's t of each case."""
    def cases(rng):
        w = rng.normal(size=(3, 2))
        state = {name: (np.abs(rng.normal(size=w.shape)) if name in ("s", "v") else rng.normal(size=w.shape)) * 0.01
                 for name in state_names}
        zeros = {name: np.zeros(2) for name in state_names}
        out = [dict(w=np.array([0.5, -0.25]), grad=np.array([1e-6, -2e-6]), **zeros, learning_rate=0.01),
               dict(w=np.array([3.0, 4.0]), grad=np.array([0.2, -0.4]), **zeros, learning_rate=0.3),
               dict(w=w, grad=rng.normal(size=w.shape), **state, learning_rate=0.01)]
        if steps:
            out = [{**{k: v for k, v in case.items() if k != "learning_rate"}, "t": t,
                    "learning_rate": case["learning_rate"]} for case, t in zip(out, steps)]
        return out
    return cases


def _keras(name, state_names, **k):
    """The Keras rule with the textbook constants 0.9 and 0.999 (Keras rounds them to float32: 1e-8 apart)."""
    state = {s: k.pop(s) for s in state_names}
    t = k.pop("t", 1)
    w, new_state, _ = update(name, k["w"], k["grad"], state, t, k["learning_rate"], float32_constants=False)
    return (w, *[new_state[s] for s in state_names])


def _momentum_variant(w, grad, velocity, learning_rate, *, pytorch=False, old=False):
    new = 0.9 * velocity + grad if pytorch else 0.9 * velocity - learning_rate * grad
    if pytorch:
        return w - learning_rate * new, new
    return w + (velocity if old else new), new


STATE_ARGS = {"w": ("w", "the weights, an array of any shape"), "grad": ("grad", "dL/dw, the shape of w"),
              "learning_rate": ("learning_rate", "lr, a number")}

MOMENTUM = Exercise(
    id="day8.momentum_step", title="one update of SGD with momentum 0.9, in Keras's form", function="momentum_step",
    outputs=("w", "velocity"), cases=_optimizer_cases(("velocity",)),
    oracle=lambda **k: _keras("momentum", ("velocity",), **k),
    mistakes=(
        Mistake("pytorch", "that is PyTorch's convention (v <- 0.9 v + g; w <- w - lr v): the same steps, but Keras "
                "keeps lr inside the velocity, v <- 0.9 v - lr g, w <- w + v",
                lambda **k: _momentum_variant(**k, pytorch=True)),
        Mistake("sign", "the sign is flipped: the velocity collects -lr g, so w <- w + v moves downhill",
                lambda w, grad, velocity, learning_rate: (w - (0.9 * velocity - learning_rate * grad),
                                                          0.9 * velocity - learning_rate * grad)),
        Mistake("no_momentum", "the old velocity is forgotten: v <- 0.9 v - lr g, not just -lr g",
                lambda w, grad, velocity, learning_rate: (w - learning_rate * grad, -learning_rate * grad)),
        Mistake("old_velocity", "w moved by last step's velocity: update the velocity first, then move w by the new "
                "one (w <- w + v with the v you just computed)", lambda **k: _momentum_variant(**k, old=True)),
    ),
    hints=("The velocity remembers the past steps: each update keeps 0.9 of it and adds this step's own move "
           "against the gradient. Then w moves by the whole velocity.",
           "Keras keeps the learning rate inside the velocity (PyTorch keeps it outside: the same steps, other "
           "numbers in v). Return both: the next step needs the velocity.",
           "velocity = 0.9 * velocity - learning_rate * grad; then w + velocity."),
    heading="SGD with momentum, as Keras does it",
    task="Take one update of SGD with momentum 0.9 in Keras's form, where the velocity holds the step itself: the "
         "new velocity is 0.9 of the old one plus this step's own move against the gradient (scaled by the "
         "learning rate), and the weights move by the new velocity.",
    args=(STATE_ARGS["w"], STATE_ARGS["grad"], ("velocity", "the velocity, the shape of w (zeros before the first "
                                                            "step)"), STATE_ARGS["learning_rate"]),
    returns="(w, velocity): the new weights and the new velocity",
    example=Example("momentum_step(np.array([0.5]), np.array([-0.2]), np.array([0.01]), 0.1)",
                    "(array([0.529]), array([0.029]))"),
    trap="the order matters: the velocity is updated first, and w moves by the new one.",
    solution="""velocity = 0.9 * velocity - learning_rate * grad
return w + velocity, velocity""",
    train="update")


def _rmsprop_variant(w, grad, s, learning_rate, *, inside=True):
    s = 0.9 * s + 0.1 * grad ** 2
    denominator = np.sqrt(s + 1e-7) if inside else np.sqrt(s) + 1e-7
    return w - learning_rate * grad / denominator, s


RMSPROP = Exercise(
    id="day8.rmsprop_step", title="one update of RMSprop, in Keras's form", function="rmsprop_step",
    outputs=("w", "s"), cases=_optimizer_cases(("s",)), oracle=lambda **k: _keras("rmsprop", ("s",), **k),
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
    hints=("s is a running average of the squared gradient, entry by entry: it keeps 0.9 of its past. The step "
           "divides the gradient by a root mean square, so every entry takes steps of similar size.",
           "Keras puts epsilon (1e-7) inside the square root. Return the new w and the new s.",
           "s = 0.9 * s + 0.1 * grad ** 2; then w - learning_rate * grad / np.sqrt(s + 1e-7)."),
    heading="RMSprop, as Keras does it",
    task="Take one update of RMSprop in Keras's form: keep a running average s of the squared gradient (0.9 of "
         "its past, 0.1 of the new square), and move each weight against its gradient divided by the square "
         "root of its s, with epsilon = 1e-7 inside the square root.",
    args=(STATE_ARGS["w"], STATE_ARGS["grad"], ("s", "the running average of grad^2, the shape of w (zeros before "
                                                     "the first step)"), STATE_ARGS["learning_rate"]),
    returns="(w, s): the new weights and the new running average",
    example=Example("rmsprop_step(np.array([0.5]), np.array([-0.2]), np.array([0.0]), 0.1)",
                    "(array([0.81622...]), array([0.004]))", "# the first step is lr / sqrt(0.1) = 3.16 lr"),
    trap="where epsilon goes changes the step when the gradients are tiny: inside the root, as Keras does.",
    solution="""s = 0.9 * s + 0.1 * grad ** 2
return w - learning_rate * grad / np.sqrt(s + 1e-7), s""",
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


ADAM = Exercise(
    id="day8.adam_step", title="one update of Adam, in Keras's form", function="adam_step",
    outputs=("w", "m", "v"), cases=_optimizer_cases(("m", "v"), steps=(1, 3, 10)),
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
    hints=("Two running averages, entry by entry: m of the gradient (keeping 0.9 of its past) and v of the squared "
           "gradient (keeping 0.999). Both start at 0, so early on they are too small: the bias correction divides "
           "them by 1 - 0.9^t and 1 - 0.999^t.",
           "The paper writes w - lr * m_hat / (sqrt(v_hat) + eps). Keras instead folds both corrections into the step "
           "size and adds epsilon (1e-7) to sqrt(v) itself: the same step up to where epsilon goes.",
           "m = 0.9 m + 0.1 g; v = 0.999 v + 0.001 g^2; alpha = lr * sqrt(1 - 0.999^t) / (1 - 0.9^t); "
           "w - alpha * m / (sqrt(v) + 1e-7)."),
    heading="Adam, as Keras does it",
    task="Take one update of Adam in Keras's form: running averages m of the gradient (rate 0.9) and v of its "
         "square (rate 0.999), both corrected for starting at zero, and a step against m scaled by the root of v. "
         "Keras folds the bias correction into the step size and adds epsilon = 1e-7 to sqrt(v) itself.",
    args=(STATE_ARGS["w"], STATE_ARGS["grad"], ("m", "the running average of grad, the shape of w (zeros at first)"),
          ("v", "the running average of grad^2, the shape of w (zeros at first)"),
          ("t", "this update's number: 1 for the first"), STATE_ARGS["learning_rate"]),
    returns="(w, m, v): the new weights and the new running averages",
    example=Example("adam_step(np.array([0.5]), np.array([-0.2]), np.array([0.0]), np.array([0.0]), 1, 0.1)",
                    "(array([0.59999...]), array([-0.02]), array([4.e-05]))", "# the first step is about lr"),
    trap="t counts the updates from 1; and the paper's formula puts epsilon elsewhere than Keras.",
    solution="""m = 0.9 * m + 0.1 * grad
v = 0.999 * v + 0.001 * grad ** 2
alpha = learning_rate * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
return w - alpha * m / (np.sqrt(v) + 1e-7), m, v""",
    train="update")

EXERCISES = (MOMENTUM, RMSPROP, ADAM)
