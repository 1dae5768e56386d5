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
from course.numbers import agreeing, count
from course.config import check_batch_size
from course.core.runtime import keras, tf
from course.experiment import describe_model, train_and_log
from course.runs import LessonResult
from course.runs.figures import add_figures


LOGITS = np.array([5.1, 2.6, 1.7])      # the worked example: three classes' scores
EPOCH_FACTORS = {"iris": 3}              # 120 examples, 4 updates an epoch: 3 x --epochs for as many updates as it needs
SHIFT = 994.9                            # LOGITS + SHIFT = [1000.0, 997.5, 996.6]: the same softmax, huge exp
OUTPUT_LAYERS = (   # task, labels, output layer, loss
    ("binary classification", "0 or 1", "1 unit, sigmoid", "binary cross-entropy"),
    ("multi-class (k classes)", "one of 0..k-1", "k units, softmax", "categorical cross-entropy"),
    ("multi-label (k yes/no)", "k zeros/ones", "k units, sigmoid", "binary cross-entropy per unit"),
    ("regression (m numbers)", "m real numbers", "m units, linear", "mean squared error"),
)


def softmax_by_hand(say):
    """Print softmax of LOGITS one operation at a time; return the probabilities."""
    e = np.exp(LOGITS)                                    # (3,)
    total = e.sum()
    p = e / total                                         # (3,), sums to 1
    # The exponentials with a digit more where four would shift the sum's last digit (a calculator agrees).
    s_text = f"{total:.4f}"
    e_texts = agreeing(e, [lambda v, k: f"{v:.{4 + k}f}"] * len(e),
                       [(lambda *es: sum(es), s_text, lambda v: f"{v:.4f}")])
    say("  logits z           = [" + ", ".join(f"{v:.1f}" for v in LOGITS) + "]")
    say("  1. exponentials    e^z = [" + ", ".join(f"e^{z:.1f} = {t}" for z, t in zip(LOGITS, e_texts)) + "]")
    say("  2. their sum       S = " + " + ".join(e_texts) + f" = {s_text}")
    say("  3. divide by S     p = [" + ", ".join(f"{t} / {s_text} = {q:.4f}" for t, q in zip(e_texts, p)) + "]")
    say("  4. they sum to 1:  " + " + ".join(f"{q:.4f}" for q in p) + f" = {p.sum():.4f}")
    keras_p = np.asarray(keras.activations.softmax(tf.constant(LOGITS[None], tf.float64)))[0]
    say("  Keras's softmax gives [" + ", ".join(f"{q:.4f}" for q in keras_p) + "]"
        f" (largest difference {np.max(np.abs(keras_p - p)):.1e})")
    say(f"  The largest logit {LOGITS[0]:.1f} gets {p[0]:.4f}: exponentials stretch the gaps between scores.")
    return p, total, keras_p


def overflow(p, say):
    """Softmax of LOGITS + SHIFT, naive (overflows) and with the maximum subtracted (does not)."""
    big = LOGITS + SHIFT                                  # (3,) around 1000
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(big)                                   # e^1000 is beyond float64's ~1.8e308: inf
        naive = e / e.sum()                               # inf / inf = nan
    shifted = big - big.max()                             # [0, -2.5, -3.4]: e^0 = 1 is the largest
    stable = np.exp(shifted) / np.exp(shifted).sum()
    say("  logits z = [" + ", ".join(f"{v:.1f}" for v in big) + "]")
    say("  naive:    e^z = [" + ", ".join(str(v) for v in e) + "]  ->  p = [" + ", ".join(str(v) for v in naive)
        + "]   (e^1000 overflows float64)")
    say("  stable:   z - max(z) = [" + ", ".join(f"{v:.1f}" for v in shifted) + "]  ->  p = ["
        + ", ".join(f"{v:.4f}" for v in stable) + "]")
    same = float(np.max(np.abs(stable - p)))
    say(f"  The same probabilities as before (largest difference {same:.1e}): softmax(z - c) = softmax(z),")
    say("  because e^(z - c) = e^z / e^c and e^c cancels in the division. Subtracting the maximum keeps")
    say("  every exponent <= 0, so no exp can overflow. course.reference.softmax and Keras both do it.")
    return naive, stable


def cross_entropy_by_hand(p, say):
    """-log p[true class] for each possible true class, beside Keras's loss."""
    losses, keras_losses = [], []
    cce = keras.losses.CategoricalCrossentropy()
    say("  true class | one-hot y  | -sum y_k log p_k = -log p[true] | Keras CategoricalCrossentropy")
    for c in range(len(p)):
        onehot = np.eye(len(p))[c]
        mine = reference.categorical_cross_entropy([c], p[None])
        theirs = float(cce(onehot[None].astype(np.float32), p[None].astype(np.float32)))
        losses.append(mine)
        keras_losses.append(theirs)
        p_text, = agreeing([p[c]], [lambda v, k: f"{v:.{4 + k}f}"], [(lambda v: -np.log(v), f"{mine:.4f}",
                                                                      lambda v: f"{v:.4f}")])
        say(f"  {c:10d} | {str(onehot.astype(int)):10s} | {f'-log {p_text} = {mine:.4f}':<32s}| {theirs:.4f}")
    say(f"  A confident right answer costs little ({losses[0]:.4f}); a confident wrong one costs a lot "
        f"({losses[-1]:.4f}).")
    say("  With integer labels Keras calls it SparseCategoricalCrossentropy: the same number, no one-hot.")
    return np.array(losses), np.array(keras_losses)


def confusion_part(run_, ds, say):
    """Print the validation confusion matrix, save confusion_matrix.png and log it to TensorBoard."""
    probabilities = np.asarray(run_.model(ds.x_val))                  # (n_val, k)
    if not np.all(np.isfinite(probabilities)):                         # a diverged run: NaN is no class
        say("  no confusion matrix: the model's outputs are not numbers (the run diverged)")
        return np.zeros((ds.n_classes, ds.n_classes), int), None, float("nan")
    predicted = probabilities.argmax(axis=1)                           # (n_val,)
    counts = reference.confusion_matrix(ds.y_val, predicted, ds.n_classes)
    names = [n[:10] for n in ds.class_names]
    width = max(6, max(len(n) for n in names))
    where = " of the weights where training stopped" if run_.history.stopped else ""
    say(f"  confusion matrix{where} on the validation split (rows: true class, columns: predicted):")
    say("  " + " " * width + " | " + " ".join(f"{n:>{width}}" for n in names))
    for name, row in zip(names, counts):
        say(f"  {name:>{width}} | " + " ".join(f"{v:>{width}d}" for v in row))
    accuracy = np.trace(counts) / counts.sum()
    say(f"  correct (the diagonal): {np.trace(counts)} of {counts.sum()} = {accuracy:.3f}")
    off = counts - np.diag(np.diag(counts))
    if off.any():
        top = off.max()
        mistakes = [f"{names[i]} taken for {names[j]}" for i, j in zip(*np.nonzero(off == top))]
        times = "once" if top == 1 else f"{top} times"
        say(f"  most frequent mistake{'s' * (len(mistakes) > 1)} ({times} each): {'; '.join(mistakes)}"
            if len(mistakes) > 1 else f"  most frequent mistake: {mistakes[0]} ({times})")
    figure = plots.confusion_matrix(counts, class_names=names,
                                    title=f"{ds.name}: validation accuracy {accuracy:.3f}")
    add_figures(run_, {"confusion_matrix": figure})                    # PNG + TensorBoard image of the run
    return counts, predicted, accuracy


def run(config: Config) -> LessonResult:
    say = print
    result = LessonResult(LESSON, config.logdir)
    parts = ("iris", "digits") if config.dataset in ("all", "") else (config.dataset,)
    # Every data set is loaded and checked first: a bad setting stops the lesson before it writes anything.
    datasets = {part: data.load(part, seed=config.seed) for part in parts}
    for ds in datasets.values():
        check_batch_size(config, ds)

    # --- 1. softmax, one operation at a time ----------------------------------------------
    say("== 1. Softmax step by step: p_k = e^(z_k) / sum_j e^(z_j)")
    p, total, keras_p = softmax_by_hand(say)
    result.numbers.update(softmax_exp_sum=float(total), softmax_p=p, softmax_keras=keras_p)
    say("")

    # --- 2. why subtract the maximum ------------------------------------------------------
    say(f"== 2. Why implementations subtract the maximum: the same logits plus {SHIFT}")
    naive, stable = overflow(p, say)
    result.numbers.update(overflow_naive=naive, overflow_stable=stable)
    say("")

    # --- 3. categorical cross-entropy -----------------------------------------------------
    say("== 3. Categorical cross-entropy of these probabilities, for each possible true class")
    losses, keras_losses = cross_entropy_by_hand(p, say)
    result.numbers.update(cross_entropy=losses, cross_entropy_keras=keras_losses)
    say("")

    # --- 4./5. softmax classifiers on real data -------------------------------------------
    # New: one softmax output unit per class, trained on sparse categorical cross-entropy.
    for number, part in enumerate(parts, start=4):
        ds = datasets[part]
        model = models.softmax_classifier(ds.n_features, ds.n_classes, seed=config.seed)
        part_config = config.replace(epochs=config.epochs * EPOCH_FACTORS.get(part, 1))
        say(f"== {number}. A softmax classifier {describe_model(model)}\n   on {ds}, "
            f"{count(part_config.epochs, 'epoch')}")
        run_ = train_and_log(model, ds, part_config, lesson=LESSON, name=part,
                             goal=f"softmax regression on {part}: one output unit per class, cross-entropy loss")
        acc = run_.metrics["val_accuracy"]
        say(f"  validation accuracy on {part}: {acc:.3f}" + ("  (no epoch ended: the run stopped during the first)"
                                                            if run_.history.stopped and np.isnan(acc) else ""))
        yardstick = LogisticRegression(max_iter=5000).fit(ds.x_train, ds.y_train).score(ds.x_val, ds.y_val)
        say(f"  scikit-learn's LogisticRegression on the same split, fitted to convergence: {yardstick:.3f} "
            f"({len(ds.y_val)} validation examples: one of them is {1 / len(ds.y_val):.3f})")
        result.numbers[f"{part}_sklearn_accuracy"] = yardstick
        counts, _, cm_accuracy = confusion_part(run_, ds, say)
        result.runs[part] = run_
        result.numbers[f"{part}_val_accuracy"] = acc
        result.numbers[f"{part}_confusion"] = counts
        result.numbers[f"{part}_confusion_accuracy"] = cm_accuracy
        say("")

    # --- 6. (5 with one data set) which output layer for which task ---------------------------------------------
    say(f"== {4 + len(parts)}. The output layer follows the task")
    headers = ("task", "labels", "output layer", "loss")
    widths = [max(len(h), *(len(row[i]) for row in OUTPUT_LAYERS)) for i, h in enumerate(headers)]
    say(("  " + " | ".join(f"{h:<{w}}" for h, w in zip(headers, widths))).rstrip())
    say("  " + "-+-".join("-" * w for w in widths))
    for row in OUTPUT_LAYERS:
        say(("  " + " | ".join(f"{c:<{w}}" for c, w in zip(row, widths))).rstrip())
    say("")

    # --- takeaways ------------------------------------------------------------------------
    say(result.takeaways_title())
    say("  - Softmax exponentiates the logits and divides by their sum: positive probabilities that sum to 1.")
    say("  - Subtract the largest logit first: the same probabilities, and no exp can overflow.")
    say("  - Categorical cross-entropy is -log of the probability of the true class.")
    say("  - The confusion matrix shows which classes get mixed up, not only how many mistakes there are.")
    say("  - Output layer by task: 1 sigmoid unit (binary), one softmax unit per class (multi-class),")
    say("    linear units (regression).")
    return result


def main(argv=None, prog=None) -> int:
    return cli.lesson_main(run, LESSON, __doc__, argv, defaults=DEFAULTS, datasets=DATASETS, prog=prog)


if __name__ == "__main__":
    raise SystemExit(started.run(run))
