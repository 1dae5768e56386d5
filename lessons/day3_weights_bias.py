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
from course.numbers import boundary_equation, fixed, show_update
from course.reference import activations, neuron
from course.runs import Lesson, LessonResult
from course.training import Recorder, keras, tf

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


# --- 1. what w and b do to one neuron ------------------------------------------------------

def what_w_and_b_do(lesson) -> dict:
    """Where sigmoid(w*x + b) and relu(w*x + b) switch on, with a few worked values."""
    print("== 1. One neuron f(w*x + b): the weight sets the slope, the bias shifts the switching point")
    print("     w      b  | switches on at x = -b/w | sigmoid(w*0+b) sigmoid(w*1+b) | relu(w*0+b) relu(w*1+b)")
    rows = [(w, 0.0) for w in WEIGHTS] + [(1.0, b) for b in BIASES if b != 0.0]
    for w, b in rows:
        s0, s1 = activations.FUNCTIONS["sigmoid"](np.array([b, w + b]))
        r0, r1 = activations.FUNCTIONS["relu"](np.array([b, w + b]))
        print(f"  {w:4g} {b:6g}  | {-b / w + 0.0:23.2f} | {s0:14.4f} {s1:14.4f} | {r0:11.4f} {r1:11.4f}")
    print("  With w = 1: b = 2 switches on at x = -2 (earlier), b = -2 at x = 2 (later);")
    print("  a larger w makes sigmoid steeper and relu rise faster; with b = 0 the switch stays at x = 0,")
    print("  with b != 0 it sits at x = -b/w, so w and b together place it.\n")
    return lesson.record({"switch_points": {(w, b): -b / w + 0.0 for w, b in rows}})


# --- 2. no bias vs bias ------------------------------------------------------------------

def bias_or_not(lesson, ds) -> dict:
    """The same perceptron without and with a bias, on blobs away from the origin."""
    centre = ds.x_train.mean(axis=0)
    print(f"== 2. The blobs moved away from the origin: {ds}")
    print(f"  the data's centre is at ({centre[0]:.2f}, {centre[1]:.2f}); the line between the blobs misses (0, 0)")
    numbers = {}
    for name, use_bias in (("no_bias", False), ("with_bias", True)):
        # New: use_bias=False, a neuron whose boundary w1*x1 + w2*x2 = 0 must pass through the origin.
        model = models.perceptron(ds.n_features, seed=lesson.config.seed, use_bias=use_bias)
        print(f"  -- perceptron {'without' if not use_bias else 'with'} bias "
              f"({models.parameter_count(model)} parameters)")
        run_ = lesson.train(model, ds, name=name, goal=RUN_GOALS[name])
        weights = model.get_layer("output").get_weights()
        w, b = weights[0].reshape(-1), (weights[1][0] if use_bias else 0.0)
        with np.errstate(all="ignore"):         # a diverged run's weights are inf: the distance is nan, said so
            distance = abs(float(b)) / max(float(np.linalg.norm(np.asarray(w, np.float64))), 1e-12)
        acc = run_.metrics["val_accuracy"]
        print(f"  boundary {boundary_equation(w, b)}, {distance:.2f} from the origin;  validation accuracy {acc:.3f}")
        numbers.update({f"{name}_val_accuracy": acc, f"{name}_distance": distance})
    print("  Without b the line is pinned to the origin: it cannot get between the blobs.\n")
    return lesson.record(numbers)


# --- 3. gradient descent by hand ---------------------------------------------------------

def descent_by_hand(lesson) -> dict:
    """Full-batch gradient descent on one neuron by hand, the MSE gradient beside a GradientTape's, and the
    GradientTape loop's own steps from the same start, compared."""
    print(f"== 3. Gradient descent by hand on one neuron p = sigmoid(w*x + b), {HAND_STEPS} full-batch steps")
    steps = steps_by_hand(lesson.config.learning_rate)
    model = models.perceptron(1, seed=lesson.config.seed)                     # the same neuron in Keras
    model.get_layer("output").set_weights([np.array([[HAND_W]], "float32"), np.array([HAND_B], "float32")])
    mse, tape_grads = mse_by_hand_and_by_tape(model)
    records, diff = the_loop_beside_the_hand(lesson, model, steps)
    print("")
    numbers = {"hand_steps": steps, "loop_steps": records, "mse": mse, "mse_tape_gradients": tape_grads,
               "hand_vs_loop_max_diff": diff}
    return lesson.record(numbers)


def steps_by_hand(lr) -> list:
    """Print the first step with every number, then the rest in a line each; return the steps."""
    n = len(HAND_X)
    with np.errstate(over="ignore", invalid="ignore"):    # a learning rate far too large overflows: shown as such
        steps = neuron.descend(HAND_X, HAND_Y, HAND_W, HAND_B, lr, HAND_STEPS, loss="bce")
    first = steps[0]
    print(f"  data: x = {HAND_X.tolist()}, y = {HAND_Y.tolist()};  start w = {HAND_W}, b = {HAND_B}, lr = {lr:g}")
    print("  step 1, every number:")
    print("       x   y |  z = w*x+b  p = sigmoid(z) |   p - y  dL/dz = (p-y)/n  dL/dz * x")
    for xi, yi, zi, pi, dzi in zip(HAND_X, HAND_Y, first.z, first.p, first.dz):
        print(f"    {xi:4.1f} {yi:3d} | {zi:10.4f} {pi:15.4f} | {pi - yi:7.4f} {dzi:16.4f} {dzi * xi:10.4f}")
    bce_terms = " + ".join(f"{-np.log(p if y else 1 - p):.4f}" for y, p in zip(HAND_Y, first.p))
    print(f"  BCE  L = mean(-[y log p + (1-y) log(1-p)]) = ({bce_terms}) / {n} = {first.loss:.4f}")
    print(f"  dL/dw = sum(dL/dz * x) = {first.dw:.4f}     dL/db = sum(dL/dz) = {first.db:.4f}")
    print(f"  w_new = w - lr * dL/dw = {show_update(first.w, lr, first.dw, first.w_new)}")
    print(f"  b_new = b - lr * dL/db = {show_update(first.b, lr, first.db, first.b_new)}")
    for s in steps[1:]:
        w, b = show_update(s.w, lr, s.dw, s.w_new), show_update(s.b, lr, s.db, s.b_new)
        print(f"  step {s.step}: loss {fixed(s.loss)}  dL/dw {w.grad}  dL/db {b.grad}  "
              f"w {w.before} -> {w.after}  b {b.before} -> {b.after}")
    return steps


def mse_by_hand_and_by_tape(model) -> tuple:
    """The same start with mean squared error instead: dL/dz gains the factor p(1 - p)."""
    mse = neuron.loss_and_gradients(HAND_X, HAND_Y, HAND_W, HAND_B, loss="mse")
    x = tf.constant(HAND_X.reshape(-1, 1), tf.float32)             # (4, 1)
    y = tf.constant(HAND_Y.reshape(-1, 1), tf.float32)
    with tf.GradientTape() as tape:
        tape_mse = keras.losses.MeanSquaredError()(y, model(x))
    tape_dw, tape_db = (float(tf.reshape(g, [-1])[0]) for g in tape.gradient(tape_mse, model.trainable_variables))
    print(f"  MSE  L = mean((p - y)^2) = {mse['loss']:.4f};  dL/dz = 2(p - y) p(1 - p) / n")
    print(f"       dL/dw = {mse['dw']:.4f} (GradientTape {tape_dw:.4f})   dL/db = {mse['db']:.4f} "
          f"(GradientTape {tape_db:.4f})")
    print("       MSE's gradient is smaller: p(1 - p) <= 0.25 damps it, most where the neuron is confidently wrong.")
    return mse, (tape_dw, tape_db)


def the_loop_beside_the_hand(lesson, model, steps) -> tuple:
    """The GradientTape loop on the same 4 points, from the same start: plain SGD, all 4 points per step; its
    recorded steps and the largest difference from the steps by hand."""
    n = len(HAND_X)
    ds = data.Dataset(name="four_points", x_train=HAND_X.reshape(-1, 1).astype(np.float32), y_train=HAND_Y,
                      x_val=HAND_X.reshape(-1, 1).astype(np.float32), y_val=HAND_Y, class_names=("0", "1"),
                      feature_names=("x",), mean=np.zeros(1, np.float32), std=np.ones(1, np.float32),
                      description="the 4 by-hand points")
    recorder = Recorder(full_steps=HAND_STEPS)            # keeps the loop's own StepRecords
    loop_config = lesson.config.replace(optimizer="sgd", batch_size=n, epochs=HAND_STEPS, shuffle=False,
                                        trace_steps=HAND_STEPS)
    if not lesson.config.quiet:
        print("  The GradientTape loop on the same 4 points, from the same start, prints its own trace")
        print("  (the 4 points are its training and its validation split):")
    lesson.train(model, ds, name="by_hand", config=loop_config, observers=[recorder],
                 goal="the GradientTape loop on the 4 by-hand points: its steps equal the ones worked out by hand")
    print("  step | w by hand   w by the loop | b by hand   b by the loop | largest difference*")
    diffs = []
    for s, rec in zip(steps, recorder.steps):
        w_loop, b_loop = float(rec.after[0].reshape(-1)[0]), float(rec.after[1].reshape(-1)[0])
        diffs.append(max(abs(s.w_new - w_loop) / max(1.0, abs(s.w_new)), abs(s.b_new - b_loop) / max(1.0, abs(s.b_new))))
        print(f"  {s.step:4d} | {fixed(s.w_new, '.6f'):>9}   {fixed(w_loop, '.6f'):>13} | {fixed(s.b_new, '.6f'):>9}   "
              f"{fixed(b_loop, '.6f'):>13} | {diffs[-1]:.1e}")
    print("  * |by hand - by the loop| / max(1, |by hand|): the plain difference for numbers up to 1, the relative one "
          "beyond\n    (the loop computes in float32, about 7 significant digits)")
    if len(diffs) < len(steps):      # the loop stopped early (a divergence in float32): compare what it kept
        print(f"  the loop stopped after {len(diffs)} of {len(steps)} steps (see above); by hand, in float64, "
              "the numbers went on")
    if not diffs:
        return recorder.steps, float("nan")
    verdict = "equal within 1e-6" if max(diffs) <= 1e-6 else "NOT equal within 1e-6"
    print(f"  by hand and the loop: {verdict} (largest difference {max(diffs):.1e})")
    return recorder.steps, max(diffs)


# --- visualise: the neuron's response and both boundaries ----------------------------------

def draw(lesson, ds) -> None:
    neuron_response = Figure(figsize=(11, 8), layout="constrained")
    axes = neuron_response.subplots(2, 2)
    for row, name in enumerate(("sigmoid", "relu")):
        f = activations.FUNCTIONS[name]
        plots.neuron_response(f, [(w, 0.0) for w in WEIGHTS], ax=axes[row, 0], name=name,
                              title=f"{name}(w*x): the weight sets the slope (b = 0)")
        plots.neuron_response(f, [(1.0, b) for b in BIASES], ax=axes[row, 1], name=name,
                              title=f"{name}(x + b): the bias shifts the switch (w = 1)")
    boundaries = Figure(figsize=(11, 4.5), layout="constrained")
    for ax, name in zip(boundaries.subplots(1, 2), ("no_bias", "with_bias")):
        plots.decision_boundary(lesson.runs[name].model, ds.x_val, ds.y_val, ax=ax,
                                title=f"{name}: accuracy {lesson.numbers[name + '_val_accuracy']:.3f}")
        ax.plot([0], [0], "k+", markersize=14)      # the origin, where the no-bias line must pass
    figures = lesson.figures("figures", {"neuron_response": neuron_response, "boundaries": boundaries},
                             goal="what w and b do to one neuron, and the two perceptrons' boundaries")
    print(f"Figures: {figures.run_dir}/neuron_response.png, boundaries.png\n")


def takeaways(lesson) -> None:
    no_bias, with_bias = lesson.numbers["no_bias_val_accuracy"], lesson.numbers["with_bias_val_accuracy"]
    compared = (f"accuracy is {no_bias:.3f} without b and {with_bias:.3f} with it, on blobs away from the origin."
                if np.isfinite(no_bias) and np.isfinite(with_bias) else
                "accuracies cannot be compared: the training stopped early (see section 2).")
    update = "dL/db = dL/dz, then w_new = w - lr * dL/dw, b_new = b - lr * dL/db: "
    lesson.takeaways([
        "The weight sets how steeply a neuron responds; the bias sets where it switches on (x = -b/w).",
        "Without a bias every boundary passes through the origin, whatever the data: here the validation " + compared,
        "One update is the chain rule and a subtraction: dL/dz = p - y (averaged), dL/dw = dL/dz * x, " + update
        + ("exactly what the loop did here." if lesson.numbers["hand_vs_loop_max_diff"] <= 1e-6 else
           "what the loop does (here it stopped early or differed: see section 3).")])


def run(config: Config) -> LessonResult:
    lesson = Lesson(LESSON, config)
    # Load and check the data first: a bad setting stops the lesson before it writes anything.
    ds = away_from_origin(data.blobs(seed=config.seed))
    check_batch_size(config, ds)

    what_w_and_b_do(lesson)           # 1. what w and b do to one neuron
    bias_or_not(lesson, ds)           # 2. a perceptron without and with a bias
    descent_by_hand(lesson)           # 3. gradient descent by hand, and the loop's own steps
    draw(lesson, ds)                  # visualise: the neuron's response and both boundaries
    takeaways(lesson)
    return lesson.result


def main(argv=None, prog=None) -> int:
    return cli.lesson_main(run, LESSON, __doc__, argv, defaults=DEFAULTS, datasets=DATASETS, prog=prog)


if __name__ == "__main__":
    raise SystemExit(started.run(run))
