"""Day 2 - The multi-layer perceptron: forward propagation, and XOR solved.

Goal: compute an MLP's forward pass by hand (weighted sums, sigmoid activations, output) in NumPy
and check Keras gets the same numbers, then train MLPs with the traced GradientTape loop on XOR and
on a second data set (the two moons unless --dataset says otherwise).

Run: python -m lessons.day2_mlp        (or: course run day2_mlp)

New since Day 1: a hidden layer. Each hidden unit draws its own line; the output
unit combines them, so together they can carve out regions no single line can.

Note: the XOR part always trains full-batch on its 4 points (whatever --batch-size says) for 4 times
--epochs; --dataset picks the data of the third part (multi-class data get a softmax output).
"""
from __future__ import annotations

from course import cli
from course.config import Config

LESSON = "day2_mlp"
DEFAULTS = Config(epochs=50, learning_rate=0.3, batch_size=32, optimizer="sgd", dataset="moons")
DATASETS = ("moons", "circles", "xor_noisy", "blobs", "breast_cancer", "iris", "digits", "mnist")

if __name__ == "__main__":
    # Flags first, and the title: the imports below load TensorFlow, which takes seconds.
    started = cli.start(LESSON, __doc__, DEFAULTS, DATASETS)

import numpy as np

from course import data, models, reference
from course.config import check_batch_size, full_batch
from course.experiment import describe_model, train_and_log
from course.runs import LessonResult
from course.numbers import agreeing, count
from course.training import Recorder

XOR_EPOCH_FACTOR = 4   # 4 points, one full-batch step per epoch: 4x the epochs

# Hand-picked weights that solve XOR: hidden_1 unit 1 ~ OR, unit 2 ~ NAND, output ~ AND of the two.
W1 = np.array([[5.0, -5.0],
               [5.0, -5.0]])        # (2 inputs, 2 hidden units)
B1 = np.array([-2.5, 7.5])          # (2,)
W2 = np.array([[5.0],
               [5.0]])              # (2 hidden units, 1 output)
B2 = np.array([-7.5])               # (1,)
CORNERS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)


def forward_by_hand(say):
    """Print the forward pass for one example, then NumPy vs Keras for all four corners."""
    layers = [(W1, B1, "sigmoid"), (W2, B2, "sigmoid")]
    steps = reference.forward(CORNERS, layers)
    x = CORNERS[2]                                           # the example (1, 0)
    z1, a1 = steps[0]["z"][2], steps[0]["a"][2]
    z2, a2 = steps[1]["z"][2], steps[1]["a"][2]
    say(f"  input x = ({x[0]:.0f}, {x[1]:.0f})")
    say("  hidden layer: z1 = x @ W1 + b1      (2,) @ (2, 2) + (2,) -> (2,)")
    for j in range(2):
        z_text, = agreeing([z1[j]], [lambda v, k: f"{v:.{4 + k}f}"], [(reference.sigmoid, f"{a1[j]:.6f}", lambda v: f"{v:.6f}")])
        say(f"    z1[{j}] = {x[0]:.0f}*({W1[0, j]:g}) + {x[1]:.0f}*({W1[1, j]:g}) + ({B1[j]:g}) = {z_text}"
            f"   a1[{j}] = sigmoid({z_text}) = {a1[j]:.6f}")
    say("  output layer: z2 = a1 @ W2 + b2     (2,) @ (2, 1) + (1,) -> (1,)")
    z_text, = agreeing([z2[0]], [lambda v, k: f"{v:.{4 + k}f}"], [(reference.sigmoid, f"{a2[0]:.6f}", lambda v: f"{v:.6f}")])
    say(f"    z2 = {a1[0]:.6f}*({W2[0, 0]:g}) + {a1[1]:.6f}*({W2[1, 0]:g}) + ({B2[0]:g}) = {z_text}"
        f"   output = sigmoid({z_text}) = {a2[0]:.6f}")

    # The same network as a Keras model, loaded with the same weights.
    model = models.mlp(2, hidden=(2,), activation="sigmoid")
    model.get_layer("hidden_1").set_weights([W1.astype(np.float32), B1.astype(np.float32)])
    model.get_layer("output").set_weights([W2.astype(np.float32), B2.astype(np.float32)])
    keras_out = np.asarray(model(CORNERS)).reshape(-1)      # (4, 2) -> (4, 1) -> (4,)
    numpy_out = steps[-1]["a"].reshape(-1)
    say("  all four corners, NumPy (float64) vs Keras (float32):")
    say("    x1 x2 | XOR |  NumPy    |  Keras    | |difference|")
    for (x1, x2), n_out, k_out in zip(CORNERS, numpy_out, keras_out):
        say(f"    {x1:2.0f} {x2:2.0f} | {int(x1) ^ int(x2):3d} | {n_out:.6f}  | {k_out:.6f}  "
            f"| {abs(n_out - k_out):.1e}")
    diff = float(np.max(np.abs(numpy_out - keras_out)))
    say(f"  largest difference {diff:.1e}: " + ("equal within 1e-6" if diff <= 1e-6 else "NOT equal within 1e-6"))
    return diff, numpy_out, keras_out


def run(config: Config) -> LessonResult:
    say = print
    result = LessonResult(LESSON, config.logdir)
    # Load and check the chosen data first: a bad setting stops the lesson before it writes anything.
    chosen = data.load(config.dataset, seed=config.seed)
    check_batch_size(config, chosen)

    # --- 1. forward propagation, step by step --------------------------------------------
    say("== 1. Forward propagation through a 2-2-1 sigmoid MLP with fixed weights")
    diff, numpy_out, keras_out = forward_by_hand(say)
    result.numbers.update(forward_max_abs_diff=diff, forward_numpy=numpy_out, forward_keras=keras_out)
    say("  Rounded at 0.5 these outputs are 0, 1, 1, 0: two hidden units are enough for XOR.\n")

    # --- 2. train an MLP on XOR ----------------------------------------------------------
    # New: a hidden layer, trained by the same GradientTape loop as Day 1.
    ds = data.xor(seed=config.seed)
    xor_config = full_batch(config, ds, XOR_EPOCH_FACTOR)
    say(f"== 2. Learning XOR: an MLP 2 -> 8 tanh -> 1 sigmoid, full batch, {count(xor_config.epochs, 'epoch')}")
    model = models.mlp(ds.n_features, hidden=(8,), activation="tanh", seed=config.seed)
    first = Recorder(full_steps=1)          # step 1's gradients, for the note below
    xor_run = train_and_log(model, ds, xor_config, lesson=LESSON, name="xor", observers=[first],
                            goal="a hidden layer of 8 tanh units learns XOR, out of reach for a single neuron")
    if first.steps and not config.quiet and config.trace_steps and not np.any(first.steps[0].grads[-1]):
        say("  (output/bias's gradient at step 1 is exactly 0, not a bug: tanh is odd and the corners,\n"
            "   standardised to -1/+1, come in pairs x and -x with the same label, so p(-x) = 1 - p(x)\n"
            "   and the mean of p - y cancels.)")
    p = np.asarray(model(ds.x_train)).reshape(-1)
    say("  learned outputs for (0,0) (0,1) (1,0) (1,1): " + "  ".join(f"{v:.3f}" for v in p))
    say(f"  accuracy on XOR: {xor_run.metrics['val_accuracy']:.2f}   (XOR has only its 4 corners: they are both "
        "the training and the validation split)\n")
    result.runs["xor"] = xor_run
    result.numbers["xor_accuracy"] = xor_run.metrics["val_accuracy"]

    # --- 3. a bigger MLP on the moons (or the --dataset chosen) --------------------------
    ds = chosen
    if ds.n_classes == 2:      # binary labels: one sigmoid output unit
        model = models.mlp(ds.n_features, hidden=(16, 16), activation="relu", seed=config.seed)
    else:                      # more classes: one softmax output unit per class (more on Day 5)
        model = models.softmax_classifier(ds.n_features, ds.n_classes, hidden=(16, 16), seed=config.seed)
    say(f"== 3. An MLP {describe_model(model)}\n   on {ds}")
    run_ = train_and_log(model, ds, config, lesson=LESSON, name=config.dataset,
                         goal=f"an MLP with two hidden layers of 16 ReLU units learns {config.dataset}")
    say(f"  validation accuracy on {config.dataset}: {run_.metrics['val_accuracy']:.3f}\n")
    result.runs[config.dataset] = run_
    result.numbers["val_accuracy"] = run_.metrics["val_accuracy"]

    # --- takeaways -----------------------------------------------------------------------
    say(result.takeaways_title())
    say("  - Forward propagation is matrix products and activations, layer by layer: z = a @ W + b, a' = f(z).")
    say("  - Keras computes exactly what the NumPy lines compute (to float32 precision).")
    xor_acc, acc = result.numbers["xor_accuracy"], result.numbers["val_accuracy"]
    say(f"  - A hidden layer bends the decision boundary: here XOR {xor_acc:.2f} and {config.dataset} {acc:.3f} on "
        "validation,")
    if xor_acc == 1.0 and acc >= 0.9:
        say("    learned by the same GradientTape loop (XOR is out of reach for Day 1's perceptron).")
    else:
        short = [name for name, ok in (("XOR", xor_acc == 1.0), (config.dataset, acc >= 0.9)) if not ok]
        say(f"    but {' and '.join(short)} {'is' if len(short) == 1 else 'are'} not learned in this run (XOR needs all"
            " 4 corners right, the data set 0.9):")
        say("    try more --epochs or another --learning-rate.")
    return result


def main(argv=None, prog=None) -> int:
    return cli.lesson_main(run, LESSON, __doc__, argv, defaults=DEFAULTS, datasets=DATASETS, prog=prog)


if __name__ == "__main__":
    raise SystemExit(started.run(run))
