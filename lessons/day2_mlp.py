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
from course.experiment import describe_model
from course.numbers import count, sigmoid_input, weighted_sum
from course.runs import Lesson, LessonResult
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


def forward_by_hand() -> dict:
    """Print the forward pass for one example, then NumPy vs Keras for all four corners."""
    print("== 1. Forward propagation through a 2-2-1 sigmoid MLP with fixed weights")
    steps = reference.forward(CORNERS, [(W1, B1, "sigmoid"), (W2, B2, "sigmoid")])
    x = CORNERS[2]                                           # the example (1, 0)
    z1, a1 = steps[0]["z"][2], steps[0]["a"][2]              # (2,) each
    z2, a2 = steps[1]["z"][2], steps[1]["a"][2]              # (1,) each
    print(f"  input x = ({x[0]:.0f}, {x[1]:.0f})")
    print("  hidden layer: z1 = x @ W1 + b1      (2,) @ (2, 2) + (2,) -> (2,)")
    for j in range(2):                                       # each hidden unit: a weighted sum, then sigmoid
        terms = weighted_sum(x, W1[:, j], B1[j], ".0f")      # x[0]*(W1[0, j]) + x[1]*(W1[1, j]) + (b1[j])
        z = sigmoid_input(z1[j], a1[j])                      # z1[j], with the digits sigmoid(z) = a1[j] needs
        print(f"    z1[{j}] = {terms} = {z}   a1[{j}] = sigmoid({z}) = {a1[j]:.6f}")
    print("  output layer: z2 = a1 @ W2 + b2     (2,) @ (2, 1) + (1,) -> (1,)")
    z = sigmoid_input(z2[0], a2[0])
    terms = weighted_sum(a1, W2[:, 0], B2[0], ".6f")
    print(f"    z2 = {terms} = {z}   output = sigmoid({z}) = {a2[0]:.6f}")
    numbers = compare_with_keras(steps[-1]["a"].reshape(-1))
    print("  Rounded at 0.5 these outputs are 0, 1, 1, 0: two hidden units are enough for XOR.\n")
    return numbers


def compare_with_keras(numpy_out) -> dict:
    """The same network as a Keras model, loaded with the same weights, on all four corners."""
    model = models.mlp(2, hidden=(2,), activation="sigmoid")
    model.get_layer("hidden_1").set_weights([W1.astype(np.float32), B1.astype(np.float32)])
    model.get_layer("output").set_weights([W2.astype(np.float32), B2.astype(np.float32)])
    keras_out = np.asarray(model(CORNERS)).reshape(-1)      # (4, 2) -> (4, 1) -> (4,)
    print("  all four corners, NumPy (float64) vs Keras (float32):")
    print("    x1 x2 | XOR |  NumPy    |  Keras    | |difference|")
    for (x1, x2), n_out, k_out in zip(CORNERS, numpy_out, keras_out):
        print(f"    {x1:2.0f} {x2:2.0f} | {int(x1) ^ int(x2):3d} | {n_out:.6f}  | {k_out:.6f}  "
              f"| {abs(n_out - k_out):.1e}")
    diff = float(np.max(np.abs(numpy_out - keras_out)))
    print(f"  largest difference {diff:.1e}: " + ("equal within 1e-6" if diff <= 1e-6 else "NOT equal within 1e-6"))
    return {"forward_max_abs_diff": diff, "forward_numpy": numpy_out, "forward_keras": keras_out}


def learn_xor(lesson) -> dict:
    """An MLP 2 -> 8 tanh -> 1 sigmoid trained on XOR's 4 corners, full batch."""
    config = lesson.config
    # --- data: the four XOR corners, all of them every step ------------------------------
    ds = data.xor(seed=config.seed)
    xor_config = full_batch(config, ds, XOR_EPOCH_FACTOR)
    print(f"== 2. Learning XOR: an MLP 2 -> 8 tanh -> 1 sigmoid, full batch, {count(xor_config.epochs, 'epoch')}")
    # --- model. New: a hidden layer, trained by the same GradientTape loop as Day 1 -----------
    model = models.mlp(ds.n_features, hidden=(8,), activation="tanh", seed=config.seed)
    # --- train, step by step -------------------------------------------------------------
    first = Recorder(full_steps=1)          # step 1's gradients, for the note below
    run_ = lesson.train(model, ds, name="xor", config=xor_config, observers=[first],
                        goal="a hidden layer of 8 tanh units learns XOR, out of reach for a single neuron")
    if first.steps and not config.quiet and config.trace_steps and not np.any(first.steps[0].grads[-1]):
        print("  (output/bias's gradient at step 1 is exactly 0, not a bug: tanh is odd and the corners,\n"
              "   standardised to -1/+1, come in pairs x and -x with the same label, so p(-x) = 1 - p(x)\n"
              "   and the mean of p - y cancels.)")
    p = np.asarray(model(ds.x_train)).reshape(-1)
    print("  learned outputs for (0,0) (0,1) (1,0) (1,1): " + "  ".join(f"{v:.3f}" for v in p))
    print(f"  accuracy on XOR: {run_.metrics['val_accuracy']:.2f}   (XOR has only its 4 corners: they are both "
          "the training and the validation split)\n")
    return lesson.record({"xor_accuracy": run_.metrics["val_accuracy"]})


def learn_dataset(lesson, ds) -> dict:
    """A bigger MLP, two hidden layers of 16 ReLU units, on the moons (or the --dataset chosen)."""
    config = lesson.config
    # --- model: one sigmoid output for binary labels, one softmax unit per class otherwise (Day 5) --
    if ds.n_classes == 2:
        model = models.mlp(ds.n_features, hidden=(16, 16), activation="relu", seed=config.seed)
    else:
        model = models.softmax_classifier(ds.n_features, ds.n_classes, hidden=(16, 16), seed=config.seed)
    print(f"== 3. An MLP {describe_model(model)}\n   on {ds}")
    # --- train (and visualise: decision_boundary.png, training_curves.png) ----------------
    run_ = lesson.train(model, ds, name=config.dataset,
                        goal=f"an MLP with two hidden layers of 16 ReLU units learns {config.dataset}")
    print(f"  validation accuracy on {config.dataset}: {run_.metrics['val_accuracy']:.3f}\n")
    return lesson.record({"val_accuracy": run_.metrics["val_accuracy"]})


def takeaways(lesson) -> None:
    xor_acc, acc, dataset = lesson.numbers["xor_accuracy"], lesson.numbers["val_accuracy"], lesson.config.dataset
    if xor_acc == 1.0 and acc >= 0.9:
        learned = "learned by the same GradientTape loop (XOR is out of reach for Day 1's perceptron)."
    else:
        short = [name for name, ok in (("XOR", xor_acc == 1.0), (dataset, acc >= 0.9)) if not ok]
        learned = (f"but {' and '.join(short)} {'is' if len(short) == 1 else 'are'} not learned in this run (XOR "
                   "needs all 4 corners right, the data set 0.9): try more --epochs or another --learning-rate.")
    lesson.takeaways([
        "Forward propagation is matrix products and activations, layer by layer: z = a @ W + b, a' = f(z).",
        "Keras computes exactly what the NumPy lines compute (to float32 precision).",
        f"A hidden layer bends the decision boundary: here XOR {xor_acc:.2f} and {dataset} {acc:.3f} on validation, "
        + learned])


def run(config: Config) -> LessonResult:
    lesson = Lesson(LESSON, config)
    # Load and check the chosen data first: a bad setting stops the lesson before it writes anything.
    chosen = data.load(config.dataset, seed=config.seed)
    check_batch_size(config, chosen)

    lesson.record(forward_by_hand())              # 1. forward propagation, step by step
    learn_xor(lesson)                             # 2. train an MLP on XOR
    learn_dataset(lesson, chosen)                 # 3. a bigger MLP on the moons (or the --dataset chosen)
    takeaways(lesson)
    return lesson.result


def main(argv=None, prog=None) -> int:
    return cli.lesson_main(run, LESSON, __doc__, argv, defaults=DEFAULTS, datasets=DATASETS, prog=prog)


if __name__ == "__main__":
    raise SystemExit(started.run(run))
