"""Day 8 - Optimizers: SGD, momentum, RMSprop and Adam.

Goal: train the same 2-parameter model from the same initial weights on the same data with SGD,
momentum, RMSprop and Adam, write out each one's first update with its numbers (for Adam: m, v, the
bias correction and the step) checked against what Keras applied, and draw their paths over the
loss surface.

Run: python -m lessons.day8_optimizers        (or: course run day8_optimizers)

The model is a perceptron on one feature, p = sigmoid(w * x + b): with only w and b to learn, the
whole loss surface fits on one picture and each optimizer's path of (w, b) can be drawn on it.
SGD steps along -lr * g; momentum keeps a running velocity; RMSprop divides each step by a running
root-mean-square of that parameter's gradients; Adam does both, with a bias correction for the
first steps.

Note: the data are the breast-cancer measurements reduced to one feature, the tumour's mean radius
(standardised). The default batch size, 455, is the whole training split: full-batch steps, so the
paths are smooth. Every run starts from w = 3, b = 4, far from the minimum, so the paths are long
enough to see; --optimizer is not used (all four run).
"""
from __future__ import annotations

from course import cli
from course.config import Config

LESSON = "day8_optimizers"
DEFAULTS = Config(epochs=60, learning_rate=0.3, batch_size=455, optimizer="sgd")
LR_HELP = ("the learning rate lr of all four optimizers: SGD's step is lr * g, momentum's velocity collects "
           "them, RMSprop and Adam divide by a root mean square first")

if __name__ == "__main__":
    # Flags first, and the title: the imports below load TensorFlow, which takes seconds.
    started = cli.start(LESSON, __doc__, DEFAULTS, (), lr_help=LR_HELP)

import numpy as np

from course import data, models, plots
from course.config import OPTIMIZERS, check_batch_size
from course.experiment import describe_model
from course.numbers import count, shown
from course.reference import optimizers
from course.runs import Lesson, LessonResult
from course.training import Recorder

START = (3.0, 4.0)        # (w, b): the same, deliberately poor, initial weights for every optimizer
FEATURE = 0               # breast_cancer's "mean radius"
CHECK_TOLERANCE = 1e-6    # NumPy's first update vs what Keras applied (float32)
GRID_W, GRID_B = np.linspace(-8.0, 5.0, 131), np.linspace(-3.0, 6.0, 91)


def build_model(seed):
    """p = sigmoid(w * x + b), started at START."""
    model = models.perceptron(1, seed=seed)
    model.get_layer("output").set_weights([np.array([[START[0]]], np.float32), np.array([START[1]], np.float32)])
    return model


def batches(config, ds) -> str:
    return "full batch" if config.batch_size >= len(ds.y_train) else f"mini-batches of {config.batch_size}"


# --- 1. the same start, one run per optimizer --------------------------------------------

def train_four(lesson, ds) -> dict:
    """One run per optimizer from the same start; each run's Recorder (its step 1 and its path)."""
    config = lesson.config
    print(f"== 1. Four optimizers, one model: {describe_model(build_model(config.seed))}")
    print(f"   on {ds.description} ({len(ds.y_train)} train / {len(ds.y_val)} validation examples, "
          f"{ds.class_names[0]} vs {ds.class_names[1]});")
    print(f"   start w = {START[0]:g}, b = {START[1]:g}; lr {config.learning_rate:g}, "
          f"{count(config.epochs, 'epoch')}, {batches(config, ds)}\n")
    recorders = {}
    for name in OPTIMIZERS:
        # New: the optimizer is the only thing that changes between the runs.
        print(f"-- {name}")
        recorders[name] = Recorder(full_steps=1)         # keeps step 1 (before, grads, after) and the path
        run_ = lesson.train(build_model(config.seed), ds, name=name, config=config.replace(optimizer=name),
                            observers=[recorders[name]],
                            goal=f"{name} from w = {START[0]:g}, b = {START[1]:g}: its path over the loss surface")
        lesson.record({f"{name}_loss": run_.metrics["loss"], f"{name}_val_accuracy": run_.metrics["val_accuracy"]})
        if not config.quiet:
            print("")
    return recorders


# --- 2. the first update, by hand -----------------------------------------------------------

def check_first_step(step) -> tuple[float, list]:
    """Recompute a StepRecord's update with ``course.reference.optimizers``: (largest |NumPy - Keras| relative to the
    weights' size where that is above 1 (float32 keeps 7 digits of a weight of 1e37, not 1e-6), NumPy afters)."""
    ours = [optimizers.first_update(step.optimizer, w, g, step.learning_rate)[0]
            for w, g in zip(step.before, step.grads)]
    diff = max(float(np.max(np.abs(o - np.asarray(a, np.float64)) / np.maximum(1.0, np.abs(o))))
               for o, a in zip(ours, step.after))
    return diff, ours


def first_updates(lesson, recorders) -> dict:
    """Each optimizer's first update of w written out, checked against what Keras applied; each first step in
    units of lr."""
    print("== 2. The first update of w (output/kernel[0,0]), written out, and checked against Keras")
    for name, recorder in recorders.items():
        if not recorder.steps:           # diverged at step 1: its update made the weights inf, kept by no record
            stop = lesson.runs[name].history.stop
            print(f"  {name}: nothing to write out: diverged at {stop.where}: {stop.cause}")
            continue
        step = recorder.steps[0]
        diff, ours = check_first_step(step)
        w, g = float(step.before[0].flat[0]), float(step.grads[0].flat[0])
        print(f"  {name}:")
        for line in optimizers.explain_first_update(name, "w", w, g, step.learning_rate):
            print("    " + line)
        verdict = "equal within 1e-6" if diff <= CHECK_TOLERANCE else "NOT equal within 1e-6"
        large = max(float(np.max(np.abs(o))) for o in ours) > 1
        print(f"      Keras applied w = {shown(step.after[0].flat[0]):.6f}, b = {shown(step.after[1].flat[0]):.6f}; "
              f"NumPy gives w = {shown(ours[0].flat[0]):.6f}, b = {shown(ours[1].flat[0]):.6f}: "
              f"largest {'relative difference (|NumPy - Keras| / |w|)' if large else 'difference'} {diff:.1e}, "
              f"{verdict}")
        lesson.record({f"{name}_first_step_max_abs_diff": diff,
                       f"{name}_first_step_after": [np.asarray(a) for a in step.after]})
    first = first_steps(recorders)
    lesson.record({"first_steps": first})
    print("  The first step of each parameter in units of lr, beside its gradient:" if first else
          "  (no first step to measure: every run diverged at step 1)")
    if first:
        print("  optimizer |  |g| of w  |step|/lr |  |g| of b  |step|/lr")
    for name, (g_w, s_w, g_b, s_b) in first.items():
        print(f"  {name:<9} | {g_w:9.4f} {s_w:9.3f} | {g_b:9.4f} {s_b:9.3f}")
    print("")
    return first


def first_steps(recorders) -> dict:
    """{optimizer: (|g| of w, |first step of w| / lr, |g| of b, |first step of b| / lr)} from each run's step 1."""
    out = {}
    for name, recorder in recorders.items():
        if not recorder.steps:
            continue
        step = recorder.steps[0]
        (g_w, g_b), lr = (abs(float(g.flat[0])) for g in step.grads), step.learning_rate
        s_w, s_b = (abs(float(a.flat[0]) - float(b.flat[0])) / lr for a, b in zip(step.after, step.before))
        out[name] = (g_w, s_w, g_b, s_b)
    return out


# --- 3. visualise: the paths over the loss surface --------------------------------------------

def paths_over_the_surface(lesson, ds, recorders) -> dict:
    """The loss surface of (w, b) with each optimizer's path, added to every run; how far each one travelled."""
    config = lesson.config
    print("== 3. The paths of (w, b) over the loss surface (optimizer_paths.png in every run)")
    W, B = np.meshgrid(GRID_W, GRID_B)                                      # (91, 131) each
    losses = optimizers.logistic_loss_surface(ds.x_train, ds.y_train, W, B)  # (91, 131)
    k = np.unravel_index(np.argmin(losses), losses.shape)
    best = (float(W[k]), float(B[k]), float(losses[k]))
    paths = {name: rec.path() if rec.steps else np.array([START], float)   # (steps + 1, 2) each; a run that
             for name, rec in recorders.items()}                              # diverged at step 1: its start
    figure = plots.optimizer_paths(W, B, losses, paths, labels=("w (mean radius)", "b"),
                                   title=f"lr {config.learning_rate:g}, {count(config.epochs, 'epoch')}, "
                                         f"{batches(config, ds)}")
    for run_ in lesson.runs.values():
        lesson.add_figures(run_, {"optimizer_paths": figure})               # PNG + TensorBoard image of each run
    print(f"  lowest loss on the grid: {best[2]:.4f} at w = {best[0]:.2f}, b = {best[1]:.2f}")
    print("  optimizer | updates |  final w |  final b | distance travelled | final loss | val acc")
    for name, p in paths.items():
        travelled = float(np.sum(np.linalg.norm(np.diff(np.asarray(p, np.float64), axis=0), axis=1)))
        run_ = lesson.runs[name]
        print(f"  {name:<9} | {run_.history.steps:7d} | {shown(p[-1, 0]):8.3f} | {shown(p[-1, 1]):8.3f} | "
              f"{shown(travelled):18.3f} "
              f"| {run_.metrics['loss']:10.4f} | {run_.metrics['val_accuracy']:7.3f}")
        lesson.record({f"{name}_final_w": float(p[-1, 0]), f"{name}_final_b": float(p[-1, 1]),
                       f"{name}_travelled": travelled})
    diverged = [name for name, run_ in lesson.runs.items() if run_.history.diverged]
    if diverged:
        print(f"  Diverged: {', '.join(diverged)} (each stopped at the step named above; its path ends at its last "
              "finite point)")
    print("")
    return lesson.record({"grid_min": best})


def takeaways(first) -> list:
    """What the first steps show, said only as far as this run's numbers show it (an optimizer whose first step
    diverged has none to show)."""
    texts = []
    if "sgd" in first:
        g_w, s_w, g_b, s_b = first["sgd"]
        texts.append(f"SGD's step is lr x g: here its first steps are {s_w:.3f} lr (w) and {s_b:.3f} lr (b), the "
                     "sizes of the gradients; small where the surface is flat: there SGD moves slowly unless lr is "
                     "large.")
    texts.append("Momentum adds up past steps: it speeds along a consistent slope and can overshoot and swing back.")
    for name in ("rmsprop", "adam"):
        if name not in first:
            continue
        g_w, _, g_b, _ = first[name]
        _, r_w, _, r_b = first[name]
        same = abs(r_w - r_b) <= 0.05 * max(r_w, r_b)
        differ = abs(g_w - g_b) > 0.2 * max(g_w, g_b)
        label = {"rmsprop": "RMSprop", "adam": "Adam"}[name]
        texts.append(f"{label}'s first steps: {r_w:.3f} lr (w) and {r_b:.3f} lr (b)" +
                     (", the same although the gradients differ:" if same and differ else ":") +
                     " dividing by the root mean square of each parameter's gradient takes out its size.")
    texts.append("RMSprop's first step is lr x g / sqrt(0.1 g^2 + 1e-7): about 3.16 lr while |g| is far above 1e-3.")
    texts.append("Adam's bias correction (1 - beta^t) undoes m and v starting at 0: its first step is about lr while "
                 "|g| is far above 3e-6 (the epsilon 1e-7 / sqrt(1 - 0.999)).")
    return texts


def run(config: Config) -> LessonResult:
    lesson = Lesson(LESSON, config)
    # Load and check everything first: a bad setting stops the lesson before it writes anything.
    ds = data.select_features(data.load("breast_cancer", seed=config.seed), [FEATURE])
    check_batch_size(config, ds)

    recorders = train_four(lesson, ds)                 # 1. the same start, one run per optimizer
    first_updates(lesson, recorders)                   # 2. the first update, by hand, checked against Keras
    paths_over_the_surface(lesson, ds, recorders)      # 3. visualise: the paths over the loss surface
    lesson.takeaways(takeaways(lesson.numbers["first_steps"]))
    return lesson.result


def main(argv=None, prog=None) -> int:
    return cli.lesson_main(run, LESSON, __doc__, argv, defaults=DEFAULTS, prog=prog,
                           lr_help=LR_HELP)


if __name__ == "__main__":
    raise SystemExit(started.run(run))
