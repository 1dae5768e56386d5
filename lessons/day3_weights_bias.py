"""Day 3 - Weights and bias: what each one does, and gradient descent by hand.

Goal: see that the weight sets how sharply a neuron switches on and the bias shifts where it
switches on, watch a neuron without bias fail on data whose boundary misses the origin while the
same neuron with bias succeeds, and compute gradient-descent steps on one neuron by hand (loss,
dL/dw, dL/db, w_new = w - lr * dL/dw) that equal the GradientTape loop's own steps.

Run: python -m lessons.day3_weights_bias        (or: course run day3_weights_bias)

A neuron computes f(w*x + b). It switches on where w*x + b = 0, at x = -b/w: with w > 0 a
positive bias moves that point left (the unit fires earlier), a negative bias moves it right
(later). Without b the switching point is pinned at x = 0, and in 2-D the boundary line
w1*x1 + w2*x2 = 0 must pass through the origin.

Note: the by-hand part always uses plain SGD, full batch, on its own 4 points, starting from
w = 0.5, b = 0 (whatever --optimizer, --batch-size and --epochs say); --learning-rate sets its lr.
"""
from __future__ import annotations

from course import cli
from course.config import Config

LESSON = "day3_weights_bias"
DEFAULTS = Config(epochs=30, learning_rate=0.5, batch_size=32, optimizer="sgd")
DATASETS = ()                                 # no --dataset choice: the data are part of the point

if __name__ == "__main__":
    # Flags first, and the title: the imports below load TensorFlow, which takes seconds.
    started = cli.start(LESSON, __doc__, DEFAULTS, DATASETS)

import dataclasses

import numpy as np
from matplotlib.figure import Figure

from course import data, models, plots
from course.config import check_batch_size
from course.core.runtime import keras, tf
from course.experiment import train_and_log
from course.reference import neuron
from course.reference.activations import FUNCTIONS
from course.runs import LessonResult
from course.runs.figures import save_figures
from course.training import Recorder
from course.numbers import agreeing, shown

SHIFT = 3.0                                   # how far the blobs are moved away from the origin
WEIGHTS = (0.5, 1.0, 3.0)                     # w values drawn with b = 0
BIASES = (2.0, 0.0, -2.0)                     # b values drawn with w = 1
HAND_X = np.array([0.5, 1.0, 2.0, 3.0])       # the by-hand data: 4 points on a line,
HAND_Y = np.array([0, 0, 1, 1])               # labelled 1 from x = 1.5 on: the boundary misses x = 0
HAND_W, HAND_B = 0.5, 0.0                     # where the by-hand descent starts
HAND_STEPS = 4
RUN_GOALS = {"no_bias": "a perceptron without bias: its boundary must pass through the origin, which misses the blobs",
             "with_bias": "the same perceptron with a bias: the boundary can move away from the origin"}


def shifted(ds, offset):
    """``ds`` with every point moved by ``offset`` (2,); the stored mean moves so that
    (raw - mean) / std still gives the shifted features."""
    offset = np.asarray(offset, dtype=np.float32)
    return dataclasses.replace(ds, x_train=ds.x_train + offset, x_val=ds.x_val + offset,
                               mean=ds.mean - offset * ds.std,
                               description=ds.description + ", moved away from the origin")


def away_from_origin(ds, distance=SHIFT):
    """Move both blobs along the line through their centres: both then lie on the same side of
    (and along the same ray from) the origin, so no line through the origin separates them."""
    centre = [ds.x_train[ds.y_train == c].mean(axis=0) for c in (0, 1)]
    direction = (centre[1] - centre[0]) / np.linalg.norm(centre[1] - centre[0])
    return shifted(ds, distance * direction)


def response_table(say):
    """Where sigmoid(w*x + b) and relu(w*x + b) switch on, with a few worked values."""
    say("     w      b  | switches on at x = -b/w | sigmoid(w*0+b) sigmoid(w*1+b) | relu(w*0+b) relu(w*1+b)")
    rows = [(w, 0.0) for w in WEIGHTS] + [(1.0, b) for b in BIASES if b != 0.0]
    for w, b in rows:
        s0, s1 = FUNCTIONS["sigmoid"](np.array([b, w + b]))
        r0, r1 = FUNCTIONS["relu"](np.array([b, w + b]))
        say(f"  {w:4g} {b:6g}  | {-b / w + 0.0:23.2f} | {s0:14.4f} {s1:14.4f} | {r0:11.4f} {r1:11.4f}")
    return rows


def neuron_figure():
    fig = Figure(figsize=(11, 8), layout="constrained")
    axes = fig.subplots(2, 2)
    for row, name in enumerate(("sigmoid", "relu")):
        plots.neuron_response(FUNCTIONS[name], [(w, 0.0) for w in WEIGHTS], ax=axes[row, 0], name=name,
                              title=f"{name}(w*x): the weight sets the slope (b = 0)")
        plots.neuron_response(FUNCTIONS[name], [(1.0, b) for b in BIASES], ax=axes[row, 1], name=name,
                              title=f"{name}(x + b): the bias shifts the switch (w = 1)")
    return fig


def hand_descent(config, say):
    """Print full-batch gradient descent on one neuron by hand; return the by-hand steps, the
    loop's recorded steps, and the MSE gradient checked with a GradientTape."""
    lr = config.learning_rate
    n = len(HAND_X)
    with np.errstate(over="ignore", invalid="ignore"):    # a learning rate far too large overflows: shown as such
        steps = neuron.descend(HAND_X, HAND_Y, HAND_W, HAND_B, lr, HAND_STEPS, loss="bce")
    first = steps[0]
    say(f"  data: x = {HAND_X.tolist()}, y = {HAND_Y.tolist()};  start w = {HAND_W}, b = {HAND_B}, lr = {lr:g}")
    say("  step 1, every number:")
    say("       x   y |  z = w*x+b  p = sigmoid(z) |   p - y  dL/dz = (p-y)/n  dL/dz * x")
    for xi, yi, zi, pi, dzi in zip(HAND_X, HAND_Y, first.z, first.p, first.dz):
        say(f"    {xi:4.1f} {yi:3d} | {zi:10.4f} {pi:15.4f} | {pi - yi:7.4f} {dzi:16.4f} {dzi * xi:10.4f}")
    bce_terms = " + ".join(f"{-np.log(p if y else 1 - p):.4f}" for y, p in zip(HAND_Y, first.p))
    say(f"  BCE  L = mean(-[y log p + (1-y) log(1-p)]) = ({bce_terms}) / {n} = {first.loss:.4f}")
    say(f"  dL/dw = sum(dL/dz * x) = {first.dw:.4f}     dL/db = sum(dL/dz) = {first.db:.4f}")
    w0, dw = _agreeing(first.w, first.dw, lr, first.w_new)
    b0, db = _agreeing(first.b, first.db, lr, first.b_new)
    say(f"  w_new = w - lr * dL/dw = {w0} - {lr:g} x ({dw}) = {_num(first.w_new)}")
    say(f"  b_new = b - lr * dL/db = {b0} - {lr:g} x ({db}) = {_num(first.b_new)}")
    for s in steps[1:]:
        (w0, dw), (b0, db) = _agreeing(s.w, s.dw, lr, s.w_new), _agreeing(s.b, s.db, lr, s.b_new)
        say(f"  step {s.step}: loss {_num(s.loss)}  dL/dw {dw}  dL/db {db}  "
            f"w {w0} -> {_num(s.w_new)}  b {b0} -> {_num(s.b_new)}")

    # The same start, with mean squared error instead: dL/dz gains the factor p(1 - p).
    mse = neuron.loss_and_gradients(HAND_X, HAND_Y, HAND_W, HAND_B, loss="mse")
    model = models.perceptron(1, seed=config.seed)
    model.get_layer("output").set_weights([np.array([[HAND_W]], "float32"), np.array([HAND_B], "float32")])
    x = tf.constant(HAND_X.reshape(-1, 1), tf.float32)             # (4, 1)
    y = tf.constant(HAND_Y.reshape(-1, 1), tf.float32)
    with tf.GradientTape() as tape:
        tape_mse = keras.losses.MeanSquaredError()(y, model(x))
    tape_dw, tape_db = (float(tf.reshape(g, [-1])[0]) for g in tape.gradient(tape_mse, model.trainable_variables))
    say(f"  MSE  L = mean((p - y)^2) = {mse['loss']:.4f};  dL/dz = 2(p - y) p(1 - p) / n")
    say(f"       dL/dw = {mse['dw']:.4f} (GradientTape {tape_dw:.4f})   dL/db = {mse['db']:.4f} "
        f"(GradientTape {tape_db:.4f})")
    say("       MSE's gradient is smaller: p(1 - p) <= 0.25 damps it, most where the neuron is confidently wrong.")

    # The GradientTape loop on the same data, from the same start: plain SGD, all 4 points per step.
    ds = data.Dataset(name="four_points", x_train=HAND_X.reshape(-1, 1).astype(np.float32), y_train=HAND_Y,
                      x_val=HAND_X.reshape(-1, 1).astype(np.float32), y_val=HAND_Y, class_names=("0", "1"),
                      feature_names=("x",), mean=np.zeros(1, np.float32), std=np.ones(1, np.float32),
                      description="the 4 by-hand points")
    recorder = Recorder(full_steps=HAND_STEPS)            # keeps the loop's own StepRecords
    loop_config = config.replace(optimizer="sgd", batch_size=n, epochs=HAND_STEPS, shuffle=False,
                                 trace_steps=HAND_STEPS)
    if not config.quiet:
        say("  The GradientTape loop on the same 4 points, from the same start, prints its own trace")
        say("  (the 4 points are its training and its validation split):")
    loop = train_and_log(model, ds, loop_config, lesson=LESSON, name="by_hand", observers=[recorder],
                         goal="the GradientTape loop on the 4 by-hand points: its steps equal the ones worked out by hand")
    say("  step | w by hand   w by the loop | b by hand   b by the loop | largest difference*")
    diffs = []
    for s, rec in zip(steps, recorder.steps):
        w_loop, b_loop = float(rec.after[0].reshape(-1)[0]), float(rec.after[1].reshape(-1)[0])
        diffs.append(max(abs(s.w_new - w_loop) / max(1.0, abs(s.w_new)), abs(s.b_new - b_loop) / max(1.0, abs(s.b_new))))
        say(f"  {s.step:4d} | {_num(s.w_new, '.6f'):>9}   {_num(w_loop, '.6f'):>13} | {_num(s.b_new, '.6f'):>9}   "
            f"{_num(b_loop, '.6f'):>13} | {diffs[-1]:.1e}")
    say("  * |by hand - by the loop| / max(1, |by hand|): the plain difference for numbers up to 1, the relative one "
        "beyond\n    (the loop computes in float32, about 7 significant digits)")
    if len(diffs) < len(steps):      # the loop stopped early (a divergence in float32): compare what it kept
        say(f"  the loop stopped after {len(diffs)} of {len(steps)} steps (see above); by hand, in float64, "
            "the numbers went on")
    if not diffs:
        return steps, recorder.steps, mse, (tape_dw, tape_db), float("nan"), loop
    verdict = "equal within 1e-6" if max(diffs) <= 1e-6 else "NOT equal within 1e-6"
    say(f"  by hand and the loop: {verdict} (largest difference {max(diffs):.1e})")
    return steps, recorder.steps, mse, (tape_dw, tape_db), max(diffs), loop


def _agreeing(before, grad, lr, after):
    """``before`` and ``grad`` as printed, with a digit more where 4 decimals would make ``before - lr * grad``
    miss the printed ``after`` on a calculator."""
    return agreeing([before, grad], [lambda v, k: _num(v, f".{4 + k}f")] * 2,
                    [(lambda b, g: b - lr * g, _num(after), _num)])


def _num(value: float, spec: str = ".4f") -> str:
    """``value`` in ``spec``, or in 4 significant digits where fixed decimals would run to dozens of digits (a
    learning rate far too large)."""
    return f"{value:{spec}}" if not abs(value) >= 1e6 else f"{value:.4g}"


def run(config: Config) -> LessonResult:
    say = print
    result = LessonResult(LESSON, config.logdir)
    # Load and check the data first: a bad setting stops the lesson before it writes anything.
    ds = away_from_origin(data.blobs(seed=config.seed))
    check_batch_size(config, ds)

    # --- 1. what w and b do to one neuron ------------------------------------------------------
    say("== 1. One neuron f(w*x + b): the weight sets the slope, the bias shifts the switching point")
    rows = response_table(say)
    say("  With w = 1: b = 2 switches on at x = -2 (earlier), b = -2 at x = 2 (later);")
    say("  a larger w makes sigmoid steeper and relu rise faster; with b = 0 the switch stays at x = 0,")
    say("  with b != 0 it sits at x = -b/w, so w and b together place it.\n")
    result.numbers["switch_points"] = {(w, b): -b / w + 0.0 for w, b in rows}

    # --- 2. no bias vs bias ------------------------------------------------------------------
    # New: use_bias=False, a neuron whose boundary w1*x1 + w2*x2 = 0 must pass through the origin.
    centre = ds.x_train.mean(axis=0)
    say(f"== 2. The blobs moved away from the origin: {ds}")
    say(f"  the data's centre is at ({centre[0]:.2f}, {centre[1]:.2f}); the line between the blobs misses (0, 0)")
    trained = {}
    for name, use_bias in (("no_bias", False), ("with_bias", True)):
        model = models.perceptron(ds.n_features, seed=config.seed, use_bias=use_bias)
        say(f"  -- perceptron {'without' if not use_bias else 'with'} bias "
            f"({models.parameter_count(model)} parameters)")
        run_ = train_and_log(model, ds, config, lesson=LESSON, name=name, goal=RUN_GOALS[name])
        weights = model.get_layer("output").get_weights()
        w, b = weights[0].reshape(-1), (weights[1][0] if use_bias else 0.0)
        with np.errstate(all="ignore"):         # a diverged run's weights are inf: the distance is nan, said so
            distance = abs(float(b)) / max(float(np.linalg.norm(np.asarray(w, np.float64))), 1e-12)
        acc = run_.metrics["val_accuracy"]
        say(f"  boundary {shown(w[0]):.3f}*x1 {shown(w[1]):+.3f}*x2 {shown(b):+.3f} = 0, {distance:.2f} from the origin;"
            f"  validation accuracy {acc:.3f}")
        result.runs[name], trained[name] = run_, model
        result.numbers[f"{name}_val_accuracy"] = acc
        result.numbers[f"{name}_distance"] = distance
    say("  Without b the line is pinned to the origin: it cannot get between the blobs.\n")

    # --- 3. gradient descent by hand ---------------------------------------------------------
    say(f"== 3. Gradient descent by hand on one neuron p = sigmoid(w*x + b), {HAND_STEPS} full-batch steps")
    steps, records, mse, tape_grads, diff, loop = hand_descent(config, say)
    result.runs["by_hand"] = loop
    result.numbers.update(hand_steps=steps, loop_steps=records, mse=mse, mse_tape_gradients=tape_grads,
                          hand_vs_loop_max_diff=diff)
    say("")

    # --- visualise: the neuron's response and both boundaries ----------------------------------
    boundaries = Figure(figsize=(11, 4.5), layout="constrained")
    for ax, name in zip(boundaries.subplots(1, 2), ("no_bias", "with_bias")):
        plots.decision_boundary(trained[name], ds.x_val, ds.y_val, ax=ax,
                                title=f"{name}: accuracy {result.numbers[name + '_val_accuracy']:.3f}")
        ax.plot([0], [0], "k+", markersize=14)      # the origin, where the no-bias line must pass
    figures = save_figures(config.logdir, LESSON, "figures", {"neuron_response": neuron_figure(),
                                                              "boundaries": boundaries},
                           goal="what w and b do to one neuron, and the two perceptrons' boundaries")
    result.runs["figures"] = figures
    say(f"Figures: {figures.run_dir}/neuron_response.png, boundaries.png\n")

    # --- takeaways -----------------------------------------------------------------------------
    say(result.takeaways_title())
    say("  - The weight sets how steeply a neuron responds; the bias sets where it switches on (x = -b/w).")
    no_bias, with_bias = result.numbers["no_bias_val_accuracy"], result.numbers["with_bias_val_accuracy"]
    say("  - Without a bias every boundary passes through the origin, whatever the data: here the validation")
    if np.isfinite(no_bias) and np.isfinite(with_bias):
        say(f"    accuracy is {no_bias:.3f} without b and {with_bias:.3f} with it, on blobs away from the origin.")
    else:
        say("    accuracies cannot be compared: the training stopped early (see section 2).")
    say("  - One update is the chain rule and a subtraction: dL/dz = p - y (averaged), dL/dw = dL/dz * x,")
    if diff <= 1e-6:
        say("    dL/db = dL/dz, then w_new = w - lr * dL/dw, b_new = b - lr * dL/db: exactly what the loop did here.")
    else:
        say("    dL/db = dL/dz, then w_new = w - lr * dL/dw, b_new = b - lr * dL/db: what the loop does (here it")
        say("    stopped early or differed: see section 3).")
    return result


def main(argv=None, prog=None) -> int:
    return cli.lesson_main(run, LESSON, __doc__, argv, defaults=DEFAULTS, datasets=DATASETS, prog=prog)


if __name__ == "__main__":
    raise SystemExit(started.run(run))
