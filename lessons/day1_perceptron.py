"""Day 1 - The perceptron and its XOR limit.

Goal: train a single sigmoid neuron with gradient descent, watch it separate data a straight line
can split (blobs, then real breast-cancer measurements), and watch it fail on XOR, which no straight
line can split.

Run: python -m lessons.day1_perceptron        (or: course run day1_perceptron)

The model is p = sigmoid(w . x + b): one Dense unit. Training moves w and b a
small step against the gradient of the binary cross-entropy, w <- w - lr * dL/dw,
and you will see the first of those steps with their numbers.

Note: XOR has only 4 points, so that part always trains full-batch (all 4 points per step, whatever
--batch-size says) for 10 times --epochs.
"""
from __future__ import annotations

from course import cli
from course.config import Config

LESSON = "day1_perceptron"
DEFAULTS = Config(epochs=30, learning_rate=0.5, batch_size=32, optimizer="sgd", dataset="all")
DATASETS = ("all", "blobs", "breast_cancer", "xor")

if __name__ == "__main__":
    # Flags first, and the title: the imports below load TensorFlow, which takes seconds.
    started = cli.start(LESSON, __doc__, DEFAULTS, DATASETS)

import numpy as np
from sklearn.linear_model import Perceptron

from course import data, models, reference
from course.config import check_batch_size, full_batch
from course.numbers import boundary_equation, count, shown
from course.runs import Lesson, LessonResult

XOR_EPOCH_FACTOR = 10   # XOR has 4 points: one full-batch step per epoch, so give it 10x the epochs
PARTS = ("blobs", "breast_cancer", "xor")


def logits(model, x):
    """z = x @ w + b, the perceptron's pre-activation, computed in NumPy from its trained weights."""
    w, b = model.get_layer("output").get_weights()      # w (n_features, 1), b (1,)
    with np.errstate(invalid="ignore", over="ignore"):  # a diverged run's inf weights give nan, printed as such
        return (x @ w + b).reshape(-1)                  # (n, n_features) @ (n_features, 1) -> (n,)


def compare_losses(model, ds) -> dict:
    """The perceptron criterion max(0, -t*z), with t = 2y - 1 the label as -1/+1, beside the binary cross-entropy;
    both named by the data set: {"blobs_criterion": ..., "blobs_bce": ...}."""
    z = logits(model, ds.x_val)
    criterion = reference.perceptron_criterion(ds.y_val, z)
    bce = reference.binary_cross_entropy(ds.y_val, reference.sigmoid(z))
    print(f"  perceptron criterion mean max(0, -t*z) = {shown(criterion):.4f}   "
          f"binary cross-entropy = {bce:.4f}   (validation split; t = 2y - 1, the label as -1 or +1)")
    return {f"{ds.name}_criterion": criterion, f"{ds.name}_bce": bce}


def separate_blobs(lesson, ds) -> dict:
    """A perceptron on two blobs that a straight line can separate."""
    # --- data: two blobs one straight line can separate --------------------------------
    print(f"== 1. A perceptron on {ds}")
    # --- model: p = sigmoid(x1*w1 + x2*w2 + b), 3 parameters ---------------------------
    model = models.perceptron(ds.n_features, seed=lesson.config.seed)
    # --- train, step by step (and visualise: decision_boundary.png, training_curves.png) --
    run_ = lesson.train(model, ds, name="blobs",
                        goal="a perceptron separates two blobs that a straight line can split")
    acc = run_.metrics["val_accuracy"]
    w, b = model.get_layer("output").get_weights()      # w (2, 1), b (1,)
    print(f"  learned boundary (standardised x1, x2): {boundary_equation(w[:, 0], b[0])}"
          f"   validation accuracy {acc:.3f}")
    losses = compare_losses(model, ds)
    print("")
    return lesson.record({**losses, "blobs_val_accuracy": acc})


def real_data(lesson, ds) -> dict:
    """The same neuron on real measurements, beside scikit-learn's classic Perceptron."""
    # --- data: real measurements, 30 features ----------------------------------------
    print(f"== 2. The same neuron on real data: {ds}")
    model = models.perceptron(ds.n_features, seed=lesson.config.seed)
    run_ = lesson.train(model, ds, name="breast_cancer",
                        goal="the same neuron on real measurements: 30 features, malignant or benign")
    acc = run_.metrics["val_accuracy"]
    # scikit-learn's classic Perceptron (step activation, perceptron rule) on the same split.
    sk = Perceptron(random_state=lesson.config.seed).fit(ds.x_train, ds.y_train)
    sk_acc = float(sk.score(ds.x_val, ds.y_val))
    print(f"  validation accuracy: our sigmoid perceptron {acc:.3f}   scikit-learn Perceptron {sk_acc:.3f}")
    losses = compare_losses(model, ds)
    print("")
    return lesson.record({**losses, "breast_cancer_val_accuracy": acc, "breast_cancer_sklearn_accuracy": sk_acc})


def fail_on_xor(lesson, ds) -> dict:
    """The perceptron on XOR's four corners: no straight line separates them."""
    # --- data: the four XOR corners --------------------------------------------------
    xor_config = full_batch(lesson.config, ds, XOR_EPOCH_FACTOR)
    print(f"== 3. The perceptron on XOR: {ds.description}")
    print(f"  Full-batch gradient descent (4 points per step), {count(xor_config.epochs, 'epoch')} "
          f"({XOR_EPOCH_FACTOR} x --epochs) to give it every chance.")
    model = models.perceptron(ds.n_features, seed=lesson.config.seed)
    run_ = lesson.train(model, ds, name="xor", config=xor_config,
                        goal="the perceptron fails on XOR: no straight line separates its corners")
    acc = run_.metrics["val_accuracy"]      # the 4 corners, evaluated after the last update
    corner_table(model, ds)
    print(f"  accuracy on the 4 corners: {acc:.2f} (at most 0.75: a line gets at most 3 of 4 right)")
    train_acc = run_.metrics["accuracy"]
    if run_.history.epoch and abs(train_acc - acc) > 1e-9:
        print(f"  The training accuracy of the last epoch, {train_acc:.2f}, was measured during it, before its "
              "update;")
        print(f"  the {acc:.2f} above after it: on the same 4 points the two can differ.")
    losses = compare_losses(model, ds)
    if abs(losses["xor_bce"] - np.log(2)) < 0.05:
        print("  Cross-entropy stays near log 2 = 0.693: the neuron can do no better than a coin flip.")
        print("  The perceptron criterion is 0 only for points on the right side or on the boundary (z = 0):")
        print("  a neuron that gives up (w = 0, b = 0) scores a perfect 0 on it, which is why it is not used alone.")
    print("")
    return lesson.record({**losses, "xor_accuracy": acc})


def corner_table(model, ds) -> None:
    """Each corner's z, p, class and its share of both losses."""
    z = logits(model, ds.x_train)
    p = reference.sigmoid(z)
    t = 2 * ds.y_train - 1
    print(f"  (the neuron sees each input standardised, as in every lesson: (x - {ds.mean[0]:g}) / {ds.std[0]:g}, "
          "so the corners' 0 and 1 become -1 and +1)")
    print("   x1  x2 | label y | t = 2y-1 |      z      p  class | max(0,-t*z) |   BCE")
    corners = ds.x_train * ds.std + ds.mean
    for (x1, x2), y, zi, pi, ti in zip(corners, ds.y_train, z, p, t):
        bce_i = reference.binary_cross_entropy([y], [pi])     # this point's share of the loss
        guess = int(pi >= 0.5)                                # the class counted by the accuracy
        zi = round(float(zi), 3) + 0.0                       # + 0.0 turns -0.0 into 0.0
        print(f"  {x1:3.0f} {x2:3.0f} | {y:7d} | {ti:+8d} | {shown(zi):6.3f} {pi:6.3f} {guess:6d} | "
              f"{shown(np.maximum(0.0, -ti * zi) + 0.0):11.4f} | {bce_i:6.4f}")
    print("  (class: 1 where p >= 0.5, as the accuracy counts it; a p printed 0.500 may lie either side)")


def takeaways(lesson) -> None:
    n = lesson.numbers
    separable = [(label, n[f"{part}_val_accuracy"]) for part, label in (("blobs", "the blobs"),
                 ("breast_cancer", "breast cancer")) if f"{part}_val_accuracy" in n]        # the parts that ran
    found = ""
    if separable:
        scores = " and ".join(f"{label} {acc:.3f}" for label, acc in separable)
        reached = all(acc >= 0.85 for _, acc in separable)       # nan (a diverged run) is not >= 0.85
        found = ("Gradient descent finds a good line where the classes are (nearly) linearly separable: here "
                 f"{scores} on validation" + ("." if reached else ", short of it (another --learning-rate or more "
                                                                     "--epochs)."))
    lesson.takeaways([
        "A perceptron draws one straight line (a hyperplane in more dimensions): w . x + b = 0.",
        *[found] * bool(found),
        "XOR's classes sit on opposite corners: one linear boundary cannot separate XOR. The fix is a hidden layer "
        "(Day 2: python -m lessons.day2_mlp)."])


def run(config: Config) -> LessonResult:
    lesson = Lesson(LESSON, config)
    parts = PARTS if config.dataset in ("all", "") else (config.dataset,)
    # Every data set is loaded and checked first: a bad setting stops the lesson before it writes anything.
    datasets = {part: data.load(part, seed=config.seed) for part in parts}
    for part in parts:
        if part != "xor":              # XOR always trains on its 4 corners at once
            check_batch_size(config, datasets[part])

    sections = {"blobs": separate_blobs, "breast_cancer": real_data, "xor": fail_on_xor}   # 1., 2., 3.
    for part in parts:
        sections[part](lesson, datasets[part])
    takeaways(lesson)
    return lesson.result


def main(argv=None, prog=None) -> int:
    return cli.lesson_main(run, LESSON, __doc__, argv, defaults=DEFAULTS, datasets=DATASETS, prog=prog)


if __name__ == "__main__":
    raise SystemExit(started.run(run))
