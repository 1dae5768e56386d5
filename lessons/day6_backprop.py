"""Day 6 - Backpropagation: the chain rule, layer by layer, checked three ways.

Goal: compute by hand, with the chain rule, every gradient of a two-layer network for one example
(the forward values z and a, the deltas, the gradients), check them against GradientTape and against
centered finite differences (relative error at most 1e-6 in float64), then use the same gradient
check on a bigger model and on a network trained with the course loop.

Run: python -m lessons.day6_backprop        (or: course run day6_backprop)

New since Day 5: what tape.gradient (step 3 of the training step) actually computes. Backpropagation
runs the network backwards: the error at the output, delta = dL/dz, is carried to each earlier layer
by delta_prev = (delta @ W.T) * f'(z_prev), and every weight's gradient is (its input) x (the delta).

Note: --dataset picks the binary data of the last two parts (the bigger model's gradient check and
the training run); the worked example is always the same fixed 2-3-1 network.
"""
from __future__ import annotations

from course import cli
from course.config import Config

LESSON = "day6_backprop"
DEFAULTS = Config(epochs=40, learning_rate=1.0, batch_size=32, optimizer="sgd", dataset="moons")
DATASETS = ("moons", "circles", "xor_noisy", "blobs", "breast_cancer")

if __name__ == "__main__":
    # Flags first, and the title: the imports below load TensorFlow, which takes seconds.
    started = cli.start(LESSON, __doc__, DEFAULTS, DATASETS)

import numpy as np

from course import data, gradcheck, models, reference
from course.config import check_batch_size
from course.experiment import describe_model
from course.numbers import weighted_sum
from course.runs import Lesson, LessonResult

TOLERANCE = 1e-6        # largest relative error accepted between two ways of computing a gradient (float64)
CHECK_EXAMPLES = 32     # examples in the batch of the bigger model's gradient check

# The worked example: 2 inputs -> 3 sigmoid hidden units -> 1 sigmoid output, binary cross-entropy.
X = np.array([1.0, 2.0])                    # one example, (2,)
Y = 1                                       # its label
W1 = np.array([[0.2, -0.4, 0.7],
               [0.5, 0.3, -0.6]])           # (2 inputs, 3 hidden units)
B1 = np.array([0.1, -0.1, 0.0])             # (3,)
W2 = np.array([[0.6], [-0.8], [0.4]])       # (3 hidden units, 1 output)
B2 = np.array([0.05])                       # (1,)
NAMES = ("hidden_1/kernel", "hidden_1/bias", "output/kernel", "output/bias")


def sigmoid(z):
    return reference.sigmoid(z)


# --- 1. forward and backward for one example ------------------------------------------

def chain_rule_by_hand() -> dict:
    """Forward and backward pass for the one example, every number printed; returns the values."""
    print("== 1. A 2-3-1 sigmoid network, one example: the forward values, the deltas, the gradients")
    forward = forward_pass(X)
    grads = backward_pass(X, forward)
    print("")
    return {**forward, **grads}


def forward_pass(x) -> dict:
    """z = x @ W + b and a = sigmoid(z), layer by layer, then the loss; every number printed."""
    z1 = x @ W1 + B1                          # (2,) @ (2, 3) + (3,) -> (3,)
    a1 = sigmoid(z1)                          # (3,)
    z2 = a1 @ W2 + B2                         # (3,) @ (3, 1) + (1,) -> (1,)
    p = sigmoid(z2)                           # (1,)
    loss = float(-(Y * np.log(p[0]) + (1 - Y) * np.log(1 - p[0])))
    print(f"  forward, for x = ({x[0]:g}, {x[1]:g}) with label y = {Y}:")
    for j in range(3):                        # each hidden unit: a weighted sum, then sigmoid
        terms = weighted_sum(x, W1[:, j], B1[j])                 # x[0]*(W1[0, j]) + x[1]*(W1[1, j]) + (b1[j])
        print(f"    z1[{j}] = {terms} = {z1[j]:7.4f}    a1[{j}] = sigmoid(z1[{j}]) = {a1[j]:.6f}")
    terms = weighted_sum(a1, W2[:, 0], B2[0], ".6f", total=z2[0])  # a1 with the digits for which z2 checks
    print(f"    z2 = {terms} = {z2[0]:.6f}")
    print(f"    p  = sigmoid(z2) = {p[0]:.6f}      L = -[y log p + (1 - y) log(1 - p)] = -log {p[0]:.6f} "
          f"= {loss:.6f}")
    return {"z1": z1, "a1": a1, "z2": z2, "p": p, "loss": loss}


def backward_pass(x, forward) -> dict:
    """The chain rule, from the loss back to every parameter, output first."""
    a1, p = forward["a1"], forward["p"]
    delta2 = p - Y                            # dL/dz2 = p - y (sigmoid' cancels with the log's 1/p), (1,)
    dW2 = np.outer(a1, delta2)                # dL/dW2[j] = a1[j] * delta2, (3, 1)
    db2 = delta2                              # (1,)
    delta1 = (delta2 @ W2.T) * a1 * (1 - a1)  # dL/dz1 = (delta2 W2^T) * sigmoid'(z1), (1,) @ (1, 3) -> (3,)
    dW1 = np.outer(x, delta1)                 # dL/dW1[i, j] = x[i] * delta1[j], (2, 3)
    db1 = delta1                              # (3,)
    print("  backward (the chain rule, output first):")
    print(f"    delta2 = dL/dz2 = p - y = {p[0]:.6f} - {Y} = {delta2[0]:.6f}")
    for j in range(3):
        print(f"    dL/dW2[{j}] = a1[{j}] * delta2 = {a1[j]:.6f} * ({delta2[0]:.6f}) = {dW2[j, 0]:9.6f}")
    print(f"    dL/db2    = delta2 = {db2[0]:.6f}")
    for j in range(3):
        print(f"    delta1[{j}] = delta2 * W2[{j}] * a1[{j}](1 - a1[{j}]) = ({delta2[0]:.6f})*({W2[j, 0]:g})"
              f"*{a1[j] * (1 - a1[j]):.6f} = {delta1[j]:9.6f}")
    for i in range(2):
        print("    " + "   ".join(f"dL/dW1[{i},{j}] = x[{i}]*delta1[{j}] = {dW1[i, j]:9.6f}" for j in range(3)))
    print("    dL/db1 = delta1 = [" + ", ".join(f"{v:.6f}" for v in db1) + "]")
    return {"delta2": delta2, "delta1": delta1,
            "grads": {"hidden_1/kernel": dW1, "hidden_1/bias": db1, "output/kernel": dW2, "output/bias": db2}}


# --- 2. three ways to the same gradients -------------------------------------------------

def worked_model(seed):
    """The worked 2-3-1 network as a float64 Keras model holding exactly the fixed weights."""
    # float64 throughout: 0.2 in float32 is 0.200000003, enough to move the loss in its 9th digit
    model = gradcheck.as_float64(models.mlp(2, hidden=(3,), activation="sigmoid", seed=seed))
    model.get_layer("hidden_1").set_weights([W1, B1])
    model.get_layer("output").set_weights([W2, B2])
    return model


def three_ways(hand, seed) -> dict:
    """Per parameter: chain rule (NumPy) vs GradientTape vs centered finite differences, float64."""
    # New: tf.GradientTape's gradients beside the chain rule and the finite differences.
    print("== 2. The same gradients three ways, float64: chain rule (NumPy), GradientTape, "
          "(L(w+eps) - L(w-eps)) / 2eps")
    model, x, y = worked_model(seed), X[None], np.array([Y])
    tape_loss, tape = gradcheck.tape_gradients(model, x, y)
    numeric = gradcheck.finite_difference_gradients(model, x, y)
    print(f"  loss: by hand {hand['loss']:.12f}   GradientTape {tape_loss:.12f}")
    print(f"  {'parameter':<20} {'chain rule':>13} {'GradientTape':>13} {'finite diff.':>13}   "
          f"{'hand vs tape':>13} {'f.d. vs tape':>13}")
    errors = {"hand": {}, "finite_difference": {}}
    entries = []                                     # every entry's relative error, as the two columns print them
    for name in NAMES:
        h, t, n = hand["grads"][name], tape[name], numeric[name]
        for index in np.ndindex(h.shape):
            label = f"{name}[{','.join(str(i) for i in index)}]"
            pair = (gradcheck.relative_error(h[index], t[index]), gradcheck.relative_error(n[index], t[index]))
            entries.append(pair)
            print(f"  {label:<20} {h[index]:13.9f} {t[index]:13.9f} {n[index]:13.9f}   {pair[0]:13.1e} {pair[1]:13.1e}")
        errors["hand"][name] = gradcheck.relative_error(h, t)
        errors["finite_difference"][name] = gradcheck.relative_error(n, t)
    worst = max(max(e.values()) for e in errors.values())
    verdict = "all agree" if worst <= TOLERANCE else "DISAGREE"
    print(f"  largest relative error of a whole tensor, ||a - b|| / max(||a||, ||b||): {worst:.1e} (at most "
          f"{TOLERANCE:g}): {verdict}")
    largest_entry = max(p[1] for p in entries)
    print(f"  (entry by entry, as in the columns above: at most {max(max(p) for p in entries):.1e}; a tiny entry's "
          "ratio is larger)")
    # course.reference's general backprop (any number of layers) gives the same numbers as the lines above
    _, ref = reference.loss_and_gradients(x, y, [(W1, B1, "sigmoid"), (W2, B2, "sigmoid")])
    ref_error = max(gradcheck.relative_error(hand["grads"][name], g)
                    for name, g in zip(NAMES, [g for pair in ref for g in pair]))
    print(f"  (course.reference.loss_and_gradients, the same chain rule for any depth: relative error {ref_error:.1e})")
    print("")
    return {"tape_loss": tape_loss, "hand_vs_tape": errors["hand"], "finite_difference_vs_tape":
            errors["finite_difference"], "numpy_ref_vs_hand": ref_error, "finite_difference_gradients": numeric,
            "largest_entry_finite_difference": largest_entry}


# --- 3. what a gradient check catches ------------------------------------------------------

def forgotten_derivative(hand, checked) -> dict:
    """A classic bug, delta1 without sigmoid'(z1): the gradient check (``checked``: part 2's numbers) catches it."""
    print("== 3. What a gradient check catches")
    wrong_delta1 = hand["delta2"] @ W2.T                 # missing * a1 * (1 - a1)
    wrong = np.outer(X, wrong_delta1)                    # (2, 3)
    error = gradcheck.relative_error(wrong, checked["finite_difference_gradients"]["hidden_1/kernel"])
    right = checked["finite_difference_vs_tape"]["hidden_1/kernel"]
    print("  Forget the factor sigmoid'(z1) = a1(1 - a1) in delta1 and hidden_1/kernel's gradient is off")
    print(f"  from the finite differences by a relative error of {error:.2f} (over the whole tensor) instead of")
    print(f"  {right:.0e} for the right delta1 above: a gradient check finds such a bug at once.\n")
    return {"forgotten_derivative_error": error}


# --- 4. the reusable check on any model --------------------------------------------------

def check_bigger_model(ds, seed) -> dict:
    """The reusable check, course.gradcheck.gradient_check, on an MLP with two tanh hidden layers."""
    print("== 4. course.gradcheck works on any Keras model")
    model = models.mlp(ds.n_features, hidden=(16, 16), activation="tanh", seed=seed)
    x, y = ds.x_train[:CHECK_EXAMPLES], ds.y_train[:CHECK_EXAMPLES]
    print(f"  model {describe_model(model)}, {models.parameter_count(model)} parameters, "
          f"{len(y)} examples of {ds.name}")
    print("  errors = gradcheck.gradient_check(model, x, y)    # tape vs finite differences, float64")
    errors = gradcheck.gradient_check(model, x, y)
    _, tape = gradcheck.tape_gradients(model, x, y)
    _, ref = reference.loss_and_gradients(x, y, reference.layers_from_keras(model))
    ref_errors = {name: gradcheck.relative_error(tape[name], g)
                  for name, g in zip(tape, [g for pair in ref for g in pair])}
    print(f"  {'variable':<18} {'tape vs finite diff.':>21} {'tape vs NumPy backprop':>23}")
    for name in errors:
        print(f"  {name:<18} {errors[name]:21.1e} {ref_errors[name]:23.1e}")
    worst = max(max(errors.values()), max(ref_errors.values()))
    print(f"  largest {worst:.1e}: " + ("all within 1e-6" if worst <= TOLERANCE else "NOT within 1e-6"))
    print("")
    return {"bigger_model_vs_finite_difference": errors, "bigger_model_vs_numpy": ref_errors}


# --- 5. train the 2-3-1 network with the loop whose step 3 we just checked ---------------

def train_checked_network(lesson, ds) -> dict:
    model = models.mlp(ds.n_features, hidden=(3,), activation="sigmoid", seed=lesson.config.seed)
    print(f"== 5. Training the network {describe_model(model)} on {ds}")
    print("  Line 3 of the training step, grads = tape.gradient(loss, variables), is the backpropagation above.")
    run_ = lesson.train(model, ds, name=lesson.config.dataset,
                        goal="the 2-3-1 network of the worked example, trained by the loop whose gradients were checked")
    after = gradcheck.gradient_check(model, ds.x_val[:CHECK_EXAMPLES], ds.y_val[:CHECK_EXAMPLES])
    print(f"  validation accuracy {run_.metrics['val_accuracy']:.3f}; gradient check of the trained network on "
          f"{CHECK_EXAMPLES} validation examples: largest relative error {max(after.values()):.1e}")
    print("")
    numbers = {"val_accuracy": run_.metrics["val_accuracy"], "trained_vs_finite_difference": after}
    return lesson.record(numbers)


def takeaways(lesson) -> None:
    fd_error = lesson.numbers["largest_entry_finite_difference"]
    lesson.takeaways([
        "Backpropagation is the chain rule applied output first: delta = dL/dz at the output (p - y for sigmoid "
        "or softmax with cross-entropy), then delta_prev = (delta @ W.T) * f'(z_prev).",
        "Every weight's gradient is its input times the delta of its unit; a bias's is the delta itself.",
        f"GradientTape computes exactly these numbers; centered finite differences agree (here every entry to "
        f"{fd_error:.1e} or better, relative, in float64).",
        "A gradient check (course.gradcheck.gradient_check) is the test for any hand-written gradient."])


def run(config: Config) -> LessonResult:
    lesson = Lesson(LESSON, config)
    # Load and check the chosen data first: a bad setting stops the lesson before it writes anything.
    ds = data.load(config.dataset, seed=config.seed)
    check_batch_size(config, ds)
    if ds.n_classes != 2:
        raise ValueError(f"dataset must have binary labels for this lesson, got {ds.n_classes} classes")

    hand = lesson.record(chain_rule_by_hand())                  # 1. forward and backward for one example
    checked = lesson.record(three_ways(hand, config.seed))      # 2. three ways to the same gradients
    lesson.record(forgotten_derivative(hand, checked))          # 3. what a gradient check catches
    lesson.record(check_bigger_model(ds, config.seed))          # 4. the reusable check on any model
    train_checked_network(lesson, ds)                           # 5. the loop whose step 3 we just checked
    takeaways(lesson)
    return lesson.result


def main(argv=None, prog=None) -> int:
    return cli.lesson_main(run, LESSON, __doc__, argv, defaults=DEFAULTS, datasets=DATASETS, prog=prog)


if __name__ == "__main__":
    raise SystemExit(started.run(run))
