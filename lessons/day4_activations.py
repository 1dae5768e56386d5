"""Day 4 - Activation functions: why non-linearity, and vanishing gradients.

Goal: meet eight activation functions (sigmoid, tanh, ReLU, leaky ReLU, softmax, ELU, GELU, swish)
with their formulas, ranges, derivatives and uses, checked against Keras; see that two Dense
layers with no activation collapse into one (one line: they fail on XOR-like data) while ReLU can
bend the boundary; and measure how the gradient vanishes layer by layer in a deep sigmoid network
but not with ReLU.

Run: python -m lessons.day4_activations        (or: course run day4_activations)

New since Day 3: the hidden layers' activation is the variable. Without one, a stack of layers is
a product of matrices, which is one matrix: depth buys nothing.

Note: --dataset picks the data of part 2 (linear vs ReLU network); the deep networks of part 3
are measured, untrained, on the moons (so --epochs and --optimizer do not change part 3).
"""
from __future__ import annotations

from course import cli
from course.config import Config

LESSON = "day4_activations"
DEFAULTS = Config(epochs=40, learning_rate=0.1, batch_size=32, optimizer="sgd", dataset="xor_noisy")
DATASETS = ("xor_noisy", "moons", "circles")

if __name__ == "__main__":
    # Flags first, and the title: the imports below load TensorFlow, which takes seconds.
    started = cli.start(LESSON, __doc__, DEFAULTS, DATASETS)

import numpy as np

from course import data, models, plots, reference
from course.config import check_batch_size
from course.experiment import describe_model
from course.gradcheck import layer_gradient_norms
from course.reference import activations
from course.runs import Lesson, LessonResult, RunResult
from course.training import tf

WORKED_Z = np.array([-5.0, -1.0, 0.0, 1.0, 5.0])
GRID = np.linspace(-6.0, 6.0, 241)           # where NumPy is compared with Keras and the tape
HIDDEN = (8,)                                # part 2: 2 -> 8 -> 1
DEEP = (16,) * 8                             # part 3: eight hidden layers of 16 units
GOALS = {"linear": "with no activation: one line, like one neuron", "relu": "with ReLU: a bent boundary"}


def _softmax_pairs(z):
    """A 1-D view of softmax: its first output for the scores (z, 0), which equals sigmoid(z)."""
    return np.stack([z, np.zeros_like(z)], axis=-1)         # (n,) -> (n, 2)


def compare_with_keras(name):
    """Largest |NumPy - Keras| of f, and |NumPy f' - GradientTape f'|, over GRID (float64)."""
    f, df, keras_f = activations.FUNCTIONS[name], activations.DERIVATIVES[name], models.keras_function(name)
    z = tf.constant(GRID, tf.float64)
    if name == "softmax":      # one score vector: compare the whole Jacobian with the tape's
        with tf.GradientTape() as tape:
            tape.watch(z)
            out = keras_f(z)
        jac = tape.jacobian(out, z).numpy()                               # (241, 241)
        return (float(np.max(np.abs(f(GRID) - out.numpy()))),
                float(np.max(np.abs(activations.softmax_jacobian(GRID) - jac))))
    with tf.GradientTape() as tape:
        tape.watch(z)
        out = keras_f(z)
    grad = tape.gradient(out, z).numpy()                                  # elementwise: d f(z_i) / d z_i
    return float(np.max(np.abs(f(GRID) - out.numpy()))), float(np.max(np.abs(df(GRID) - grad)))


# --- 1. eight activations, NumPy vs Keras -------------------------------------------------

def activation_tour(lesson) -> dict:
    print("== 1. Eight activation functions")
    print(f"  {'name':<10} | {'formula':<28} | {'output range':<18} | {'derivative':<25} | typical use")
    for name, facts in activations.TABLE.items():
        print(f"  {name:<10} | {facts.formula:<28} | {facts.output_range:<18} | {facts.derivative:<25} | {facts.use}")
    print("  (s(z): sigmoid(z); for softmax s_i is output i and delta_ij is 1 when i = j, else 0; Phi and phi: the")
    print("  standard normal distribution's CDF and density)")
    print("\n  worked values f(z) (softmax: of the whole vector z = (-5, -1, 0, 1, 5)), and the largest")
    print("  |NumPy - Keras| of f and |NumPy f' - GradientTape f'| over 241 points in [-6, 6]:")
    print(f"  {'name':<10} |" + "".join(f" z={z:<6g}" for z in WORKED_Z) + " | f vs Keras | f' vs tape")
    values, diffs = {}, {}
    for name, f in activations.FUNCTIONS.items():
        values[name] = f(WORKED_Z)
        diffs[name] = compare_with_keras(name)
        print(f"  {name:<10} |" + "".join(f" {v:8.4f}" for v in values[name]) +
              f" | {diffs[name][0]:10.1e} | {diffs[name][1]:10.1e}")
    s = values["sigmoid"]
    print(f"  sigmoid(-5) = {s[0]:.4f} and sigmoid(5) = {s[-1]:.4f}: nearly flat there, its derivative is "
          f"{activations.DERIVATIVES['sigmoid'](5.0):.4f}")
    worst = max(max(d) for d in diffs.values())
    print(f"  NumPy equals keras.activations (leaky ReLU slope 0.01, exact GELU): largest difference {worst:.1e}"
          f" ({'within' if worst <= 1e-6 else 'NOT within'} 1e-6)")
    print("")
    return lesson.record({"worked_values": values, "keras_diffs": diffs})


# --- 2. why non-linearity: linear layers collapse -----------------------------------------

def why_nonlinearity(lesson, ds) -> dict:
    """The same 2 -> 8 -> 1 network with no hidden activation and with ReLU."""
    config = lesson.config
    print(f"== 2. Why non-linearity matters, on {ds}")
    numbers = {}
    for activation in ("linear", "relu"):
        # New: the same architecture, only the hidden activation differs.
        model = models.mlp(ds.n_features, hidden=HIDDEN, activation=activation, seed=config.seed)
        print(f"  -- {describe_model(model)}")
        run_ = lesson.train(model, ds, name=f"{activation}_{config.dataset}",
                            goal=f"8 hidden units {GOALS[activation]} on {config.dataset}")
        numbers[f"{activation}_val_accuracy"] = run_.metrics["val_accuracy"]
        if activation == "linear":
            numbers.update(collapse(model, ds.x_val))
    print(f"  validation accuracy: no activation {numbers['linear_val_accuracy']:.3f}   "
          f"ReLU {numbers['relu_val_accuracy']:.3f}")
    print("  Without an activation the 8 hidden units add nothing: the network is one sigmoid neuron, one line.\n")
    return lesson.record(numbers)


def collapse(model, x) -> dict:
    """Two linear Dense layers -> one: W = W1 @ W2, b = b1 @ W2 + b2; compare the outputs."""
    (W1, b1, _), (W2, b2, _) = reference.layers_from_keras(model)
    with np.errstate(all="ignore"):    # a diverged run's inf weights: nan, printed as such
        W = W1 @ W2                    # (2, 8) @ (8, 1) -> (2, 1)
        b = b1 @ W2 + b2               # (8,) @ (8, 1) + (1,) -> (1,)
        one_layer = reference.predict(x, [(W, b, "sigmoid")])
    keras_out = np.asarray(model(x.astype(np.float32)), dtype=np.float64)
    diff = float(np.max(np.abs(one_layer - keras_out)))
    print(f"  the trained network's kernels W1 {W1.shape} @ W2 {W2.shape} = W {W.shape}: "
          f"W = ({W[0, 0]:.4f}, {W[1, 0]:.4f}), b = b1 @ W2 + b2 = {b[0]:.4f}")
    print(f"  sigmoid(x @ W + b), ONE layer, vs the two-layer Keras model on {len(x)} validation points: "
          f"largest difference {diff:.1e}")
    return {"collapsed_kernel": W, "collapsed_bias": b, "collapse_max_abs_diff": diff}


# --- 3. vanishing gradients in a deep network ---------------------------------------------

def vanishing_gradients(lesson, moons) -> dict:
    """|dL/dW| per layer of two deep networks at initialisation, sigmoid and ReLU; each logged as a run."""
    print(f"== 3. Vanishing gradients: 8 hidden layers of 16 units, at initialisation, on {moons}")
    print("  |dL/dW| per layer (Euclidean norm of each kernel's gradient over the whole training split):")
    norms, ratio = {}, {}
    for activation in ("sigmoid", "relu"):
        model = models.mlp(moons.n_features, hidden=DEEP, activation=activation, seed=lesson.config.seed)
        norms[activation] = layer_gradient_norms(model, moons.x_train, moons.y_train)
        ratio[activation] = norms[activation]["hidden_1"] / norms[activation]["output"]
        run_dir, logger = lesson.open_run(f"deep_{activation}")
        logger.log_layer_norms(norms[activation])         # gradient_norm/<layer>, gradient_norm_by_depth
        logger.close()
        lesson.keep(RunResult(f"deep_{activation}", run_dir, None, model))
    print("  layer    |   sigmoid |      relu")
    for layer in norms["sigmoid"]:
        print(f"  {layer:<8} | {norms['sigmoid'][layer]:9.2e} | {norms['relu'][layer]:9.2e}")
    print(f"  |grad hidden_1| / |grad output|: sigmoid {ratio['sigmoid']:.1e}   relu {ratio['relu']:.1e}")
    print("  Going down the sigmoid network the gradient shrinks about "
          f"{(1 / ratio['sigmoid']) ** (1 / len(DEEP)):.1f}x per layer: its first layers barely learn.\n")
    return lesson.record({"gradient_norms": norms, "first_to_last_ratio": ratio})


# --- visualise: every function with its derivative; the gradient norms --------------------

def curves() -> dict:
    out = {}
    for name in activations.FUNCTIONS:
        if name == "softmax":
            pairs = _softmax_pairs(GRID)
            out["softmax (z, 0)[0]"] = (GRID, activations.softmax(pairs)[:, 0],
                                        activations.DERIVATIVES["softmax"](pairs)[:, 0])
        else:
            out[name] = (GRID, activations.FUNCTIONS[name](GRID), activations.DERIVATIVES[name](GRID))
    return out


def draw(lesson) -> None:
    figures = lesson.figures("figures", {
        "activations": plots.activation_curves(curves()),
        "gradient_norms": plots.layer_norms(lesson.numbers["gradient_norms"],
                                            title="|dL/dW| per layer at initialisation, 8 hidden layers")},
        goal="every activation with its derivative; the gradient per layer of two deep networks")
    print(f"Figures: {figures.run_dir}/activations.png, gradient_norms.png\n")


def takeaways(lesson) -> None:
    lesson.takeaways([
        "Each activation has a range, a derivative and a job: sigmoid/softmax for outputs, ReLU and its cousins "
        "(leaky ReLU, ELU, GELU, swish) for hidden layers.",
        "Without an activation, layers collapse: W1 @ W2 is one matrix, so the network draws one line.",
        "Sigmoid's derivative is at most 0.25: multiplied layer after layer, the first layers of a deep sigmoid "
        "network get almost no gradient. ReLU's derivative is 1 where a unit is on."])


def run(config: Config) -> LessonResult:
    lesson = Lesson(LESSON, config)
    # Load and check the data first: a bad setting stops the lesson before it writes anything.
    ds = data.load(config.dataset, seed=config.seed)
    moons = data.moons(seed=config.seed)
    for d in (ds, moons):
        check_batch_size(config, d)

    activation_tour(lesson)              # 1. eight activations, NumPy vs Keras
    why_nonlinearity(lesson, ds)         # 2. linear layers collapse; ReLU bends the boundary
    vanishing_gradients(lesson, moons)   # 3. the gradient per layer of a deep network
    draw(lesson)                         # visualise: every function with its derivative; the gradient norms
    takeaways(lesson)
    return lesson.result


def main(argv=None, prog=None) -> int:
    return cli.lesson_main(run, LESSON, __doc__, argv, defaults=DEFAULTS, datasets=DATASETS, prog=prog)


if __name__ == "__main__":
    raise SystemExit(started.run(run))
