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
from course.core.gradients import layer_gradient_norms
from course.core.models import keras_function
from course.core.runtime import tf
from course.experiment import describe_model, train_and_log
from course.reference import activations
from course.runs import LessonResult, RunResult
from course.runs.figures import open_run, save_figures

WORKED_Z = np.array([-5.0, -1.0, 0.0, 1.0, 5.0])
GRID = np.linspace(-6.0, 6.0, 241)           # where NumPy is compared with Keras and the tape
HIDDEN = (8,)                                # part 2: 2 -> 8 -> 1
DEEP = (16,) * 8                             # part 3: eight hidden layers of 16 units


def _softmax_pairs(z):
    """A 1-D view of softmax: its first output for the scores (z, 0), which equals sigmoid(z)."""
    return np.stack([z, np.zeros_like(z)], axis=-1)         # (n,) -> (n, 2)


def compare_with_keras(name):
    """Largest |NumPy - Keras| of f, and |NumPy f' - GradientTape f'|, over GRID (float64)."""
    f, df, keras_f = activations.FUNCTIONS[name], activations.DERIVATIVES[name], keras_function(name)
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


def activation_tour(say):
    say(f"  {'name':<10} | {'formula':<28} | {'output range':<18} | {'derivative':<25} | typical use")
    for name, facts in activations.TABLE.items():
        say(f"  {name:<10} | {facts.formula:<28} | {facts.output_range:<18} | {facts.derivative:<25} | {facts.use}")
    say("  (s(z): sigmoid(z); for softmax s_i is output i and delta_ij is 1 when i = j, else 0; Phi and phi: the")
    say("  standard normal distribution's CDF and density)")
    say("\n  worked values f(z) (softmax: of the whole vector z = (-5, -1, 0, 1, 5)), and the largest")
    say("  |NumPy - Keras| of f and |NumPy f' - GradientTape f'| over 241 points in [-6, 6]:")
    say(f"  {'name':<10} |" + "".join(f" z={z:<6g}" for z in WORKED_Z) + " | f vs Keras | f' vs tape")
    values, diffs = {}, {}
    for name, f in activations.FUNCTIONS.items():
        values[name] = f(WORKED_Z)
        diffs[name] = compare_with_keras(name)
        say(f"  {name:<10} |" + "".join(f" {v:8.4f}" for v in values[name]) +
            f" | {diffs[name][0]:10.1e} | {diffs[name][1]:10.1e}")
    s = values["sigmoid"]
    say(f"  sigmoid(-5) = {s[0]:.4f} and sigmoid(5) = {s[-1]:.4f}: nearly flat there, its derivative is "
        f"{activations.DERIVATIVES['sigmoid'](5.0):.4f}")
    worst = max(max(d) for d in diffs.values())
    say(f"  NumPy equals keras.activations (leaky ReLU slope 0.01, exact GELU): largest difference {worst:.1e}"
        f" ({'within' if worst <= 1e-6 else 'NOT within'} 1e-6)")
    return values, diffs


def curves():
    out = {}
    for name in activations.FUNCTIONS:
        if name == "softmax":
            pairs = _softmax_pairs(GRID)
            out["softmax (z, 0)[0]"] = (GRID, activations.softmax(pairs)[:, 0],
                                        activations.DERIVATIVES["softmax"](pairs)[:, 0])
        else:
            out[name] = (GRID, activations.FUNCTIONS[name](GRID), activations.DERIVATIVES[name](GRID))
    return out


def collapse(model, x, say):
    """Two linear Dense layers -> one: W = W1 @ W2, b = b1 @ W2 + b2; compare the outputs."""
    (W1, b1, _), (W2, b2, _) = reference.layers_from_keras(model)
    with np.errstate(all="ignore"):    # a diverged run's inf weights: nan, printed as such
        W = W1 @ W2                    # (2, 8) @ (8, 1) -> (2, 1)
        b = b1 @ W2 + b2               # (8,) @ (8, 1) + (1,) -> (1,)
        one_layer = reference.predict(x, [(W, b, "sigmoid")])
    keras_out = np.asarray(model(x.astype(np.float32)), dtype=np.float64)
    diff = float(np.max(np.abs(one_layer - keras_out)))
    say(f"  the trained network's kernels W1 {W1.shape} @ W2 {W2.shape} = W {W.shape}: "
        f"W = ({W[0, 0]:.4f}, {W[1, 0]:.4f}), b = b1 @ W2 + b2 = {b[0]:.4f}")
    say(f"  sigmoid(x @ W + b), ONE layer, vs the two-layer Keras model on {len(x)} validation points: "
        f"largest difference {diff:.1e}")
    return W, b, diff


def run(config: Config) -> LessonResult:
    say = print
    result = LessonResult(LESSON, config.logdir)
    # Load and check the data first: a bad setting stops the lesson before it writes anything.
    ds = data.load(config.dataset, seed=config.seed)
    moons = data.moons(seed=config.seed)
    for d in (ds, moons):
        check_batch_size(config, d)

    # --- 1. eight activations, NumPy vs Keras -------------------------------------------------
    say("== 1. Eight activation functions")
    values, diffs = activation_tour(say)
    result.numbers.update(worked_values=values, keras_diffs=diffs)
    say("")

    # --- 2. why non-linearity: linear layers collapse -----------------------------------------
    say(f"== 2. Why non-linearity matters, on {ds}")
    accuracies = {}
    for activation in ("linear", "relu"):
        # New: the same architecture, only the hidden activation differs.
        model = models.mlp(ds.n_features, hidden=HIDDEN, activation=activation, seed=config.seed)
        say(f"  -- {describe_model(model)}")
        run_ = train_and_log(model, ds, config, lesson=LESSON, name=f"{activation}_{config.dataset}",
                             goal=f"8 hidden units {'with no activation: one line, like one neuron' if activation == 'linear' else 'with ReLU: a bent boundary'} on {config.dataset}")
        accuracies[activation] = run_.metrics["val_accuracy"]
        result.runs[f"{activation}_{config.dataset}"] = run_
        if activation == "linear":
            W, b, diff = collapse(model, ds.x_val, say)
            result.numbers.update(collapsed_kernel=W, collapsed_bias=b, collapse_max_abs_diff=diff)
    say(f"  validation accuracy: no activation {accuracies['linear']:.3f}   ReLU {accuracies['relu']:.3f}")
    say("  Without an activation the 8 hidden units add nothing: the network is one sigmoid neuron, one line.\n")
    result.numbers.update(linear_val_accuracy=accuracies["linear"], relu_val_accuracy=accuracies["relu"])

    # --- 3. vanishing gradients in a deep network ---------------------------------------------
    say(f"== 3. Vanishing gradients: 8 hidden layers of 16 units, at initialisation, on {moons}")
    say("  |dL/dW| per layer (Euclidean norm of each kernel's gradient over the whole training split):")
    norms, ratio = {}, {}
    for activation in ("sigmoid", "relu"):
        model = models.mlp(moons.n_features, hidden=DEEP, activation=activation, seed=config.seed)
        norms[activation] = layer_gradient_norms(model, moons.x_train, moons.y_train)
        ratio[activation] = norms[activation]["hidden_1"] / norms[activation]["output"]
        run_dir, logger = open_run(config.logdir, LESSON, f"deep_{activation}")
        logger.log_layer_norms(norms[activation])         # gradient_norm/<layer>, gradient_norm_by_depth
        logger.close()
        result.runs[f"deep_{activation}"] = RunResult(f"deep_{activation}", run_dir, None, model)
    say("  layer    |   sigmoid |      relu")
    for layer in norms["sigmoid"]:
        say(f"  {layer:<8} | {norms['sigmoid'][layer]:9.2e} | {norms['relu'][layer]:9.2e}")
    say(f"  |grad hidden_1| / |grad output|: sigmoid {ratio['sigmoid']:.1e}   relu {ratio['relu']:.1e}")
    say("  Going down the sigmoid network the gradient shrinks about "
        f"{(1 / ratio['sigmoid']) ** (1 / len(DEEP)):.1f}x per layer: its first layers barely learn.\n")
    result.numbers.update(gradient_norms=norms, first_to_last_ratio=ratio)

    # --- visualise: every function with its derivative; the gradient norms --------------------
    figures = save_figures(config.logdir, LESSON, "figures", {
        "activations": plots.activation_curves(curves()),
        "gradient_norms": plots.layer_norms(norms,
                                            title="|dL/dW| per layer at initialisation, 8 hidden layers")},
        goal="every activation with its derivative; the gradient per layer of two deep networks")
    result.runs["figures"] = figures
    say(f"Figures: {figures.run_dir}/activations.png, gradient_norms.png\n")

    # --- takeaways ------------------------------------------------------------------------------
    say(result.takeaways_title())
    say("  - Each activation has a range, a derivative and a job: sigmoid/softmax for outputs,")
    say("    ReLU and its cousins (leaky ReLU, ELU, GELU, swish) for hidden layers.")
    say("  - Without an activation, layers collapse: W1 @ W2 is one matrix, so the network draws one line.")
    say("  - Sigmoid's derivative is at most 0.25: multiplied layer after layer, the first layers of a deep")
    say("    sigmoid network get almost no gradient. ReLU's derivative is 1 where a unit is on.")
    return result


def main(argv=None, prog=None) -> int:
    return cli.lesson_main(run, LESSON, __doc__, argv, defaults=DEFAULTS, datasets=DATASETS, prog=prog)


if __name__ == "__main__":
    raise SystemExit(started.run(run))
