"""Day 5 - Softmax and categorical cross-entropy: more than two classes.

Goal: compute softmax step by step (exponentials, their sum, the division, probabilities that sum
to 1), see why implementations subtract the largest logit first, compute the categorical
cross-entropy by hand, then train softmax classifiers on iris and on handwritten digits and read
their confusion matrices.

Run: python -m lessons.day5_softmax        (or: course run day5_softmax)

New since Day 2: the output layer has one unit per class, and softmax turns their scores (logits)
into probabilities that sum to 1. The loss is -log of the probability given to the true class.

Note: --dataset picks the training part: all (iris, then digits), iris or digits. Both use the same
flags, except that iris, with 120 training examples (4 updates an epoch), trains for 3 x --epochs; the
classifiers have no hidden layer (softmax regression), so what you see is softmax itself. Beside each
accuracy the lesson prints scikit-learn's LogisticRegression on the same split: the same kind of model,
fitted to convergence, the yardstick for how hard that split is.
"""
from __future__ import annotations

from course import cli
from course.config import Config

LESSON = "day5_softmax"
DEFAULTS = Config(epochs=30, learning_rate=0.3, batch_size=32, optimizer="sgd", dataset="all")
DATASETS = ("all", "iris", "digits")

if __name__ == "__main__":
    # Flags first, and the title: the imports below load TensorFlow, which takes seconds.
    started = cli.start(LESSON, __doc__, DEFAULTS, DATASETS)

import numpy as np
from sklearn.linear_model import LogisticRegression

from course import data, models, plots, reference
from course.config import check_batch_size
from course.experiment import describe_model
from course.numbers import count, log_input, summands, table
from course.runs import Lesson, LessonResult
from course.training import keras, tf

LOGITS = np.array([5.1, 2.6, 1.7])      # the worked example: three classes' scores
EPOCH_FACTORS = {"iris": 3}              # 120 examples, 4 updates an epoch: 3 x --epochs for as many updates as it needs
SHIFT = 994.9                            # LOGITS + SHIFT = [1000.0, 997.5, 996.6]: the same softmax, huge exp
OUTPUT_LAYERS = (   # task, labels, output layer, loss
    ("binary classification", "0 or 1", "1 unit, sigmoid", "binary cross-entropy"),
    ("multi-class (k classes)", "one of 0..k-1", "k units, softmax", "categorical cross-entropy"),
    ("multi-label (k yes/no)", "k zeros/ones", "k units, sigmoid", "binary cross-entropy per unit"),
    ("regression (m numbers)", "m real numbers", "m units, linear", "mean squared error"),
)


# --- 1. softmax, one operation at a time ----------------------------------------------

def softmax_by_hand() -> dict:
    """Print softmax of LOGITS one operation at a time; return the probabilities."""
    print("== 1. Softmax step by step: p_k = e^(z_k) / sum_j e^(z_j)")
    e = np.exp(LOGITS)                                    # (3,)
    total = e.sum()
    p = e / total                                         # (3,), sums to 1
    terms, s = summands(e, total), f"{total:.4f}"         # each e^z with the digits that make their sum S
    print("  logits z           = [" + ", ".join(f"{v:.1f}" for v in LOGITS) + "]")
    print("  1. exponentials    e^z = [" + ", ".join(f"e^{z:.1f} = {t}" for z, t in zip(LOGITS, terms)) + "]")
    print("  2. their sum       S = " + " + ".join(terms) + f" = {s}")
    print("  3. divide by S     p = [" + ", ".join(f"{t} / {s} = {q:.4f}" for t, q in zip(terms, p)) + "]")
    print("  4. they sum to 1:  " + " + ".join(f"{q:.4f}" for q in p) + f" = {p.sum():.4f}")
    keras_p = np.asarray(keras.activations.softmax(tf.constant(LOGITS[None], tf.float64)))[0]
    print("  Keras's softmax gives [" + ", ".join(f"{q:.4f}" for q in keras_p) + "]"
          f" (largest difference {np.max(np.abs(keras_p - p)):.1e})")
    print(f"  The largest logit {LOGITS[0]:.1f} gets {p[0]:.4f}: exponentials stretch the gaps between scores.\n")
    return {"softmax_exp_sum": float(total), "softmax_p": p, "softmax_keras": keras_p}


# --- 2. why subtract the maximum ------------------------------------------------------

def overflow(p) -> dict:
    """Softmax of LOGITS + SHIFT, naive (overflows) and with the maximum subtracted (does not)."""
    print(f"== 2. Why implementations subtract the maximum: the same logits plus {SHIFT}")
    big = LOGITS + SHIFT                                  # (3,) around 1000
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(big)                                   # e^1000 is beyond float64's ~1.8e308: inf
        naive = e / e.sum()                               # inf / inf = nan
    shifted = big - big.max()                             # [0, -2.5, -3.4]: e^0 = 1 is the largest
    stable = np.exp(shifted) / np.exp(shifted).sum()
    print("  logits z = [" + ", ".join(f"{v:.1f}" for v in big) + "]")
    print("  naive:    e^z = [" + ", ".join(str(v) for v in e) + "]  ->  p = [" + ", ".join(str(v) for v in naive)
          + "]   (e^1000 overflows float64)")
    print("  stable:   z - max(z) = [" + ", ".join(f"{v:.1f}" for v in shifted) + "]  ->  p = ["
          + ", ".join(f"{v:.4f}" for v in stable) + "]")
    same = float(np.max(np.abs(stable - p)))
    print(f"  The same probabilities as before (largest difference {same:.1e}): softmax(z - c) = softmax(z),")
    print("  because e^(z - c) = e^z / e^c and e^c cancels in the division. Subtracting the maximum keeps")
    print("  every exponent <= 0, so no exp can overflow. course.reference.softmax and Keras both do it.\n")
    return {"overflow_naive": naive, "overflow_stable": stable}


# --- 3. categorical cross-entropy -----------------------------------------------------

def cross_entropy_by_hand(p) -> dict:
    """-log p[true class] for each possible true class, beside Keras's loss."""
    print("== 3. Categorical cross-entropy of these probabilities, for each possible true class")
    losses, keras_losses = [], []
    cce = keras.losses.CategoricalCrossentropy()
    print("  true class | one-hot y  | -sum y_k log p_k = -log p[true] | Keras CategoricalCrossentropy")
    for c in range(len(p)):
        onehot = np.eye(len(p))[c]
        mine = reference.categorical_cross_entropy([c], p[None])
        theirs = float(cce(onehot[None].astype(np.float32), p[None].astype(np.float32)))
        losses.append(mine)
        keras_losses.append(theirs)
        loss = f"-log {log_input(p[c], mine)} = {mine:.4f}"     # p[c] with the digits that make -log p read
        print(f"  {c:10d} | {str(onehot.astype(int)):10s} | {loss:<32s}| {theirs:.4f}")
    print(f"  A confident right answer costs little ({losses[0]:.4f}); a confident wrong one costs a lot "
          f"({losses[-1]:.4f}).")
    print("  With integer labels Keras calls it SparseCategoricalCrossentropy: the same number, no one-hot.\n")
    return {"cross_entropy": np.array(losses), "cross_entropy_keras": np.array(keras_losses)}


# --- 4./5. softmax classifiers on real data -------------------------------------------

def classify(lesson, ds, number: int) -> dict:
    """A softmax classifier (no hidden layer) on ``ds``, beside scikit-learn's LogisticRegression, and its
    confusion matrix."""
    part = ds.name
    # --- model. New: one softmax output unit per class, trained on sparse categorical cross-entropy --
    model = models.softmax_classifier(ds.n_features, ds.n_classes, seed=lesson.config.seed)
    part_config = lesson.config.replace(epochs=lesson.config.epochs * EPOCH_FACTORS.get(part, 1))
    print(f"== {number}. A softmax classifier {describe_model(model)}\n   on {ds}, "
          f"{count(part_config.epochs, 'epoch')}")
    # --- train ------------------------------------------------------------------------
    run_ = lesson.train(model, ds, name=part, config=part_config,
                        goal=f"softmax regression on {part}: one output unit per class, cross-entropy loss")
    acc = run_.metrics["val_accuracy"]
    print(f"  validation accuracy on {part}: {acc:.3f}" + ("  (no epoch ended: the run stopped during the first)"
                                                          if run_.history.stopped and np.isnan(acc) else ""))
    yardstick = LogisticRegression(max_iter=5000).fit(ds.x_train, ds.y_train).score(ds.x_val, ds.y_val)
    print(f"  scikit-learn's LogisticRegression on the same split, fitted to convergence: {yardstick:.3f} "
          f"({len(ds.y_val)} validation examples: one of them is {1 / len(ds.y_val):.3f})")
    # --- visualise: the confusion matrix -----------------------------------------------
    counts, _, cm_accuracy = confusion_part(lesson, run_, ds)
    print("")
    numbers = {f"{part}_sklearn_accuracy": yardstick, f"{part}_val_accuracy": acc, f"{part}_confusion": counts,
               f"{part}_confusion_accuracy": cm_accuracy}
    return lesson.record(numbers)


def confusion_part(lesson, run_, ds):
    """Print the validation confusion matrix, save confusion_matrix.png and log it to TensorBoard."""
    probabilities = np.asarray(run_.model(ds.x_val))                  # (n_val, k)
    if not np.all(np.isfinite(probabilities)):                         # a diverged run: NaN is no class
        print("  no confusion matrix: the model's outputs are not numbers (the run diverged)")
        return np.zeros((ds.n_classes, ds.n_classes), int), None, float("nan")
    predicted = probabilities.argmax(axis=1)                           # (n_val,)
    counts = reference.confusion_matrix(ds.y_val, predicted, ds.n_classes)
    names = [n[:10] for n in ds.class_names]
    width = max(6, max(len(n) for n in names))
    where = " of the weights where training stopped" if run_.history.stopped else ""
    print(f"  confusion matrix{where} on the validation split (rows: true class, columns: predicted):")
    print("  " + " " * width + " | " + " ".join(f"{n:>{width}}" for n in names))
    for name, row in zip(names, counts):
        print(f"  {name:>{width}} | " + " ".join(f"{v:>{width}d}" for v in row))
    accuracy = np.trace(counts) / counts.sum()
    print(f"  correct (the diagonal): {np.trace(counts)} of {counts.sum()} = {accuracy:.3f}")
    off = counts - np.diag(np.diag(counts))
    if off.any():
        top = off.max()
        mistakes = [f"{names[i]} taken for {names[j]}" for i, j in zip(*np.nonzero(off == top))]
        times = "once" if top == 1 else f"{top} times"
        print(f"  most frequent mistake{'s' * (len(mistakes) > 1)} ({times} each): {'; '.join(mistakes)}"
              if len(mistakes) > 1 else f"  most frequent mistake: {mistakes[0]} ({times})")
    figure = plots.confusion_matrix(counts, class_names=names,
                                    title=f"{ds.name}: validation accuracy {accuracy:.3f}")
    lesson.add_figures(run_, {"confusion_matrix": figure})            # PNG + TensorBoard image of the run
    return counts, predicted, accuracy


# --- 6. (5 with one data set) which output layer for which task -------------------------

def output_layers(number: int) -> None:
    print(f"== {number}. The output layer follows the task")
    for line in table(("task", "labels", "output layer", "loss"), OUTPUT_LAYERS):
        print(line)
    print("")


def takeaways(lesson) -> None:
    lesson.takeaways([
        "Softmax exponentiates the logits and divides by their sum: positive probabilities that sum to 1.",
        "Subtract the largest logit first: the same probabilities, and no exp can overflow.",
        "Categorical cross-entropy is -log of the probability of the true class.",
        "The confusion matrix shows which classes get mixed up, not only how many mistakes there are.",
        "Output layer by task: 1 sigmoid unit (binary), one softmax unit per class (multi-class), linear units "
        "(regression)."])


def run(config: Config) -> LessonResult:
    lesson = Lesson(LESSON, config)
    parts = ("iris", "digits") if config.dataset in ("all", "") else (config.dataset,)
    # Every data set is loaded and checked first: a bad setting stops the lesson before it writes anything.
    datasets = {part: data.load(part, seed=config.seed) for part in parts}
    for ds in datasets.values():
        check_batch_size(config, ds)

    softmax = lesson.record(softmax_by_hand())            # 1. softmax, one operation at a time
    lesson.record(overflow(softmax["softmax_p"]))         # 2. why subtract the maximum
    lesson.record(cross_entropy_by_hand(softmax["softmax_p"]))   # 3. categorical cross-entropy
    for number, part in enumerate(parts, start=4):        # 4. (and 5.) softmax classifiers on real data
        classify(lesson, datasets[part], number)
    output_layers(4 + len(parts))                         # 6. (5.) which output layer for which task
    takeaways(lesson)
    return lesson.result


def main(argv=None, prog=None) -> int:
    return cli.lesson_main(run, LESSON, __doc__, argv, defaults=DEFAULTS, datasets=DATASETS, prog=prog)


if __name__ == "__main__":
    raise SystemExit(started.run(run))
