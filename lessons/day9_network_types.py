"""Day 9 - Network types: CNN, RNN, LSTM, autoencoder, GAN and Transformer.

Goal: meet the main families of neural networks, each as a minimal Keras model trained on data that
ships with scikit-learn or is generated: a CNN reads handwritten digits, an RNN and an LSTM try to
recall a marked value across a short and a long gap, an autoencoder squeezes digits through 8 numbers and
rebuilds them, a GAN learns to imitate a 2-D distribution, and a Transformer block attends straight
to the marked value; then compare them in one table: what each is for, its parameters, what it
learned.

Run: python -m lessons.day9_network_types        (or: course run day9_network_types)
     python -m lessons.day9_network_types --family rnn       (one family alone)

New since Day 8: layers other than Dense (convolution, recurrence, attention) in front of the same
GradientTape loop, and two loops of our own for models that learn without labels: an autoencoder
(its target is its input) and a GAN (two networks, two optimizers, one step).

Note: --family picks what to train: all (default), cnn, rnn (the RNN and the LSTM, on a short and a
long gap), autoencoder, gan or transformer. Each family has its own recipe, a multiple of --epochs
and --learning-rate: CNN 1x and 1x (10 epochs at 0.01 by default), RNN and LSTM 0.6x and 0.2x,
autoencoder 2x and 1x, GAN 4x and 0.1x, Transformer 0.5x and 1x. --clip-norm (default 1) clips the
RNN's and the LSTM's gradients to that global norm, as practitioners do for recurrent nets (0: no
clipping), and their runs keep the weights of their best epoch. --trace-steps prints the first update
steps of the four classifiers (CNN, RNN, LSTM, Transformer).
"""
from __future__ import annotations

from course import cli
from course.config import Config

LESSON = "day9_network_types"
DEFAULTS = Config(epochs=10, learning_rate=0.01, batch_size=32, optimizer="adam", trace_steps=0, clip_norm=1.0)
FAMILIES = ("all", "cnn", "rnn", "autoencoder", "gan", "transformer")
OPTIONS = {"--family": dict(choices=FAMILIES, default="all", help="which family to train: all, cnn, rnn (RNN and "
                                                                  "LSTM), autoencoder, gan, transformer (default: all)")}

if __name__ == "__main__":
    # Flags first, and the title: the imports below load TensorFlow, which takes seconds.
    started = cli.start(LESSON, __doc__, DEFAULTS, (), options=OPTIONS)

import functools

import numpy as np
from matplotlib.figure import Figure
from sklearn.decomposition import PCA

from course import data, families, plots
from course.config import ConfigError, check_batch_size
from course.experiment import StepsLogger, picture_epochs
from course.families import autoencoding, gan, sequences, summary
from course.models import parameter_count
from course.numbers import count, table
from course.reference import compare_accuracies
from course.runs import Lesson, LessonResult, RunResult
from course.trace import EpochPrinter
from course.training import KeepBest, Observer, fit_steps

# Each family's recipe as multiples of --epochs and --learning-rate: (epochs x, learning rate x).
RECIPES = {
    "cnn": (1, 1),               # 10 epochs at 0.01
    "rnn": (0.6, 0.2),           # 6 epochs at 0.002: recurrent nets through 60 steps need small steps
    "autoencoder": (2, 1),       # 20 epochs at 0.01
    "gan": (4, 0.1),             # 40 epochs at 0.001: two networks chasing each other need small steps
    "transformer": (0.5, 1),     # 5 epochs at 0.01
}
LENGTHS = {"short": 10, "long": 60}   # steps per sequence; the mark is among the first WINDOW steps
WINDOW = 5
FORGET_BIAS = 4.0                # the LSTM's initial forget-gate bias (Keras's default: 1)
CODE_SIZE = 8                    # the autoencoder's bottleneck: 64 pixels -> 8 numbers
NOISE_SIZE = 4                   # the GAN generator's random input
SHOWN_DIGITS = 10                # digits drawn with their reconstructions

PURPOSE = {   # family -> what it is for (the table's second column)
    "cnn": "images: small filters shared by all positions",
    "rnn": "sequences, step by step; short memory",
    "lstm": "sequences with long gaps: a gated cell",
    "autoencoder": "compressing data without labels",
    "gan": "generating new samples like the data",
    "transformer": "sequences: any step attends to any step",
}


def print_lines(lines) -> None:
    for line in lines:
        print(line)


def print_table(headers, rows, indent="  ") -> None:
    print_lines(table(headers, rows, indent))


def own_run(lesson, config, name, model_text, parameters):
    """A run directory and logger for a family that brings its own step, with the run's hyperparameters."""
    return lesson.open_run(name, goal=PURPOSE[name],
                           hparams=lesson.settings(name, config, model=model_text, parameters=parameters))


def recipe(config, family):
    """The config of one family: --epochs and --learning-rate times the family's factors (RECIPES); only the
    recurrent nets clip their gradients (--clip-norm)."""
    epoch_factor, lr_factor = RECIPES[family]
    config = config.replace(epochs=max(1, round(config.epochs * epoch_factor)),
                            learning_rate=config.learning_rate * lr_factor,
                            clip_norm=config.clip_norm if family == "rnn" else 0.0)
    clip = (f", gradients clipped to a global norm of {config.clip_norm:g}" if config.clip_norm else "")
    print(f"   Training: {count(config.epochs, 'epoch')}, learning rate {config.learning_rate:g}, batch size "
          f"{config.batch_size}, {config.optimizer}{clip}.")
    return config


# --- the families ----------------------------------------------------------------------------

# Each part trains its family through the lesson (its runs and numbers are kept there) and returns its rows of
# the table that compares the families.

def cnn_part(lesson, digits) -> list:
    model = families.cnn(seed=lesson.config.seed)
    print("== A convolutional network (CNN) reads 8x8 handwritten digits")
    print("   Each conv layer slides small 3x3 filters over the image: the same weights at every position,")
    print("   so a stroke is found wherever it is; pooling halves the image and keeps the strongest responses.")
    print_lines(summary.format_table(model))
    run_ = lesson.train(model, digits, name="cnn", config=recipe(lesson.config, "cnn"), goal=PURPOSE["cnn"])
    accuracy = run_.metrics["val_accuracy"]
    print(f"  validation accuracy on digits: {accuracy:.3f}   (10 classes: chance is 0.10)\n")
    lesson.record({"cnn_val_accuracy": accuracy})
    return [("CNN", PURPOSE["cnn"], f"{parameter_count(model):,}", f"digits: accuracy {accuracy:.3f}")]


def recurrent_part(lesson, gaps) -> list:
    print("== Recurrent networks (RNN, LSTM) recall a marked value")
    explain_the_task(gaps["long"])
    for kind in families.RECURRENT_KINDS:
        print(f"  {kind.upper()} (long sequences):")
        print_lines(summary.format_table(families.recurrent(kind, LENGTHS["long"], seed=lesson.config.seed),
                                         indent="    "))
    config = recipe(lesson.config, "rnn")
    print("   Each run keeps the weights of its best epoch (by validation accuracy), as a checkpoint would.")
    numbers = {}
    for gap, ds in gaps.items():
        for kind in families.RECURRENT_KINDS:
            numbers.update(train_recurrent(lesson, kind, gap, ds, config))
    print("  validation accuracy of each run's kept (best) epoch (chance is 0.50):")
    print_table(("gap", "RNN", "LSTM"), [(gap, f"{numbers[f'rnn_{gap}_val_accuracy']:.3f}",
                                          f"{numbers[f'lstm_{gap}_val_accuracy']:.3f}") for gap in gaps], indent="    ")
    print_lines(recurrent_verdict(numbers["rnn_long_val_accuracy"], numbers["lstm_long_val_accuracy"],
                                  len(gaps["long"].y_val)))
    print("")
    numbers["long_gap_validation_examples"] = len(gaps["long"].y_val)
    lesson.record(numbers)
    return [(kind.upper(), PURPOSE[kind], f"{numbers[f'{kind}_parameters']:,}",
             (f"recall: short gap {numbers[f'{kind}_short_val_accuracy']:.3f}, "
              f"long {numbers[f'{kind}_long_val_accuracy']:.3f}")) for kind in families.RECURRENT_KINDS]


def explain_the_task(long_gap) -> None:
    """The marked-value task, one long sequence's first steps, and why an RNN and an LSTM differ on it."""
    long_ = LENGTHS["long"]
    example = sequences.as_steps(long_gap.x_train[:1], long_)[0]      # (60, 2): one sequence
    where = int(example[:, 1].argmax())
    print("   The task: at every step a value +1 or -1 and a marker 0 or 1; exactly one of the first")
    print(f"   {WINDOW} steps is marked. Answer 1 if the marked value is +1, after reading the whole sequence.")
    print("   The first 8 steps of a long sequence (value/marker):")
    print("     " + "  ".join(f"{v:+.0f}/{m:.0f}" for v, m in example[:8]) + "  ...")
    print(f"     the mark is at step {where}, its value {example[where, 0]:+.0f}: the answer is "
          f"{int(example[where, 0] > 0)}, to be given after step {long_ - 1}.")
    print(f"   Short gap: sequences of {LENGTHS['short']} steps. Long gap: {long_} steps, so the value must be "
          "carried")
    print(f"   across at least {long_ - WINDOW} steps of distractors.")
    print("   RNN: h_t = tanh(x_t W + h_(t-1) U + b). Every step rewrites the whole state, and the gradient")
    print(f"   that reaches the mark is a product of {long_ - WINDOW}+ step Jacobians: it shrinks towards 0 "
          "(vanishes).")
    print("   LSTM: a cell c_t = f * c_(t-1) + i * g beside h_t, with gates f (forget), i (input), o (output)")
    print(f"   in 0..1. With f near 1 the cell keeps a value unchanged; its forget bias starts at {FORGET_BIAS:g},")
    print(f"   f = sigmoid({FORGET_BIAS:g}) = {1 / (1 + np.exp(-FORGET_BIAS)):.2f}, so from the first step the "
          "gradient reaches far back.")


def train_recurrent(lesson, kind, gap, ds, config) -> dict:
    """One recurrent net on one gap; its kept (best) epoch's accuracy."""
    name = f"{kind}_{gap}"
    print(f"-- {kind.upper()}, {gap} gap ({ds.description.split('; ')[1]})")
    model = families.recurrent(kind, LENGTHS[gap], seed=config.seed, forget_bias=FORGET_BIAS)
    keep = KeepBest()          # New: the best epoch's weights are put back at the end
    run_ = lesson.train(model, ds, name=name, config=config, observers=[keep],
                        goal=f"{PURPOSE[kind]}: the marked value across the {gap} gap")
    print_lines(kept_lines(keep, len(ds.y_val)))
    best = keep.best.val_accuracy if keep.best else float("nan")      # nan: no epoch finished
    return {f"{name}_val_accuracy": best, f"{name}_best_epoch": keep.best.epoch if keep.best else 0,
            f"{name}_last_val_accuracy": run_.metrics["val_accuracy"], f"{kind}_parameters": parameter_count(model)}


BRIDGES, FAILS = 0.9, 0.7     # validation accuracy that counts as carrying the value across the gap, or not


def kept_lines(keep, n_val) -> list:
    """What the kept epoch was, when it was not the last: a run that learned and then got worse says so, with
    the epoch and the gradient norm."""
    best, last = keep.best, keep.last
    if best is None or not keep.restored:
        return []
    fell = compare_accuracies(best.val_accuracy, last.val_accuracy, n_val).real
    if not fell:
        return [f"   (kept epoch {best.epoch}: {best.val_accuracy:.3f}; the last epoch read {last.val_accuracy:.3f}, "
                "within the noise of it)"]
    spike = keep.largest_norm_after_best()
    return [f"   It reached {best.val_accuracy:.3f} at epoch {best.epoch}, then fell to {last.val_accuracy:.3f} by epoch "
            f"{last.epoch}: training collapsed",
            f"   (the gradient norm reached {spike.largest_grad_norm:.3g} in epoch {spike.epoch}). The weights of "
            f"epoch {best.epoch} are kept."]


def recurrent_verdict(rnn: float, lstm: float, n_val: int) -> list:
    """What this run's long-gap accuracies show (chance is 0.5), worded from the numbers themselves."""
    if not (np.isfinite(rnn) and np.isfinite(lstm)):
        return ["  (no long-gap accuracy to compare: a run stopped before the end of its first epoch)"]
    if lstm >= BRIDGES and rnn <= FAILS:
        return [f"  Same task, same units: only the LSTM bridges the long gap ({lstm:.3f} against the RNN's {rnn:.3f})."]
    if lstm >= BRIDGES and rnn >= BRIDGES:
        return [f"  Here both bridge the long gap (RNN {rnn:.3f}, LSTM {lstm:.3f}): given enough epochs a plain RNN",
                "  sometimes finds a way, e.g. by saturating a unit as a latch; vanishing gradients make it slow and",
                "  unreliable, not impossible (try fewer --epochs, or another --seed)."]
    if lstm < BRIDGES and rnn < BRIDGES:
        return [f"  Neither bridges the long gap in this run (RNN {rnn:.3f}, LSTM {lstm:.3f}; chance is 0.5): neither",
                "  learned it in these epochs, even at its best epoch: try more --epochs."]
    comparison = compare_accuracies(lstm, rnn, n_val).says("the LSTM", "the RNN")
    return [f"  Long gap: RNN {rnn:.3f}, LSTM {lstm:.3f}: {comparison}; a run to read with care (another --seed or",
            "  more --epochs may tell them apart)."]


def autoencoder_part(lesson, digits) -> list:
    # New: no labels. The target of the step is its input (course.families.autoencoding).
    pixels = functools.partial(to_pixels, digits)
    x_train, x_val = pixels(digits.x_train), pixels(digits.x_val)          # (n, 64) in [0, 1]
    model = families.autoencoder(n_features=64, code=CODE_SIZE, seed=lesson.config.seed)
    print(f"== An autoencoder squeezes each digit through {CODE_SIZE} numbers and rebuilds it")
    print("   Trained to output its own input, through a layer too narrow to copy it: it must learn what")
    print("   digits have in common. Loss: mean squared error per pixel (pixels scaled to 0..1).")
    print_lines(summary.format_table(model))
    config = recipe(lesson.config, "autoencoder")
    history = train_autoencoder(lesson, model, x_train, x_val, config)
    mse = history.final()["val_loss"]
    baseline = autoencoding.mean_image_error(x_train, x_val)
    pca = PCA(CODE_SIZE, random_state=config.seed).fit(x_train)
    pca_mse = float(np.mean((pca.inverse_transform(pca.transform(x_val)) - x_val) ** 2))
    print(f"  validation error (MSE per pixel): {mse:.4f}")
    print(f"    every digit answered with the mean image: {baseline:.4f}   (the baseline to beat)")
    print(f"    PCA with {CODE_SIZE} components (the best *linear* code of that size): {pca_mse:.4f}")
    print(f"  the autoencoder's error is {mse / baseline:.0%} of the baseline's.\n" if np.isfinite(mse) else
          "  (no error to compare: the run stopped early)\n")
    lesson.record({"autoencoder_val_mse": mse, "autoencoder_baseline_mse": baseline, "autoencoder_pca_mse": pca_mse,
                   "autoencoder_parameters": parameter_count(model)})
    return [("Autoencoder", PURPOSE["autoencoder"], f"{parameter_count(model):,}",
             f"{CODE_SIZE}-number code: MSE {mse:.4f} ({mse / baseline:.0%} of baseline)")]


def train_autoencoder(lesson, model, x_train, x_val, config):
    """The autoencoder's own step in the course's loop, logged as the run "autoencoder"; its History."""
    epochs = config.epochs
    run_dir, logger = own_run(lesson, config, "autoencoder", summary.describe(model), parameter_count(model))
    shown = x_val[:SHOWN_DIGITS]

    class Reconstructions(Observer):      # the reconstructions after the first and the last epoch
        def on_epoch_end(self, record):
            if record.complete and record.epoch in (1, epochs):
                title = f"Validation digits (top) and reconstructions, epoch {record.epoch}"
                figure = plots.reconstructions(shown, np.asarray(model(shown)), title=title)
                logger.log_figure("reconstructions", figure, step=record.first_step + len(record.step_sizes) - 1,
                                  save_to=run_dir / "reconstructions.png" if record.epoch == epochs else None)

    observers = [StepsLogger(logger, autoencoding.TAGS), Reconstructions()]
    observers += [] if config.quiet else [EpochPrinter(line=autoencoding.epoch_line)]
    try:
        # New: no labels. The step's target is its input; the course's loop runs it (engine.fit_steps).
        history = fit_steps(autoencoding.steps(model, x_train, x_val, config), config, observers)
    finally:
        logger.close()
    if history.stop:
        print(f"Stopped early: {history.stop}")
    lesson.keep(RunResult("autoencoder", run_dir, history, model, {"val_mse": history.final()["val_loss"]}))
    return history


def to_pixels(digits, x):
    """Standardised digit features back to pixel intensities in [0, 1] (sklearn's digits go 0..16)."""
    return np.clip((x * digits.std + digits.mean) / 16.0, 0.0, 1.0).astype(np.float32)


def gan_part(lesson, real) -> list:
    # New: two networks, each with its own loss and optimizer, updated in one step (course.families.gan).
    generator = families.generator(noise_dim=NOISE_SIZE, seed=lesson.config.seed)
    discriminator = families.discriminator(seed=lesson.config.seed + 100)
    mean, std = np.array(gan.TARGET_MEAN), np.array(gan.TARGET_STD)
    print("== A GAN learns to imitate a 2-D distribution")
    print(f"   Real points: a tilted Gaussian, mean ({mean[0]:g}, {mean[1]:g}), standard deviations "
          f"({std[0]:g}, {std[1]:g}), correlation {gan.TARGET_CORRELATION:g}.")
    print("   The generator G turns random noise into points; the discriminator D says how likely a point")
    print("   is real. D is trained to tell them apart, G to make D say 'real': a game with two losses")
    print("   and two optimizers in one step. Neither ever sees the formula of the distribution.")
    for model in (generator, discriminator):
        print(f"  {model.name}:")
        print_lines(summary.format_table(model, indent="    "))
    config = recipe(lesson.config, "gan")
    history = train_gan(lesson, generator, discriminator, real, config)
    final = history.final()             # NaN where it stopped before the end of epoch 1
    m, s = np.array([final["mean_x1"], final["mean_x2"]]), np.array([final["std_x1"], final["std_x2"]])
    r = final["correlation"]
    when = f"at step {history.steps}, where it stopped" if history.stopped else f"after {count(config.epochs, 'epoch')}"
    print(f"  {gan.SAMPLE_COUNT} generated points {when} vs the real distribution:")
    print_table(("", "mean x1", "mean x2", "std x1", "std x2", "correlation", "inside 2 sd*"), [
        ("generated", *(f"{v:.2f}" for v in (*m, *s, r, final["inside"]))),
        ("real", *(f"{v:.2f}" for v in (*mean, *std, gan.TARGET_CORRELATION, gan.INSIDE_A_GAUSSIAN)))], indent="    ")
    print("    * the share of the points inside the real distribution's ellipse of 2 standard deviations")
    print_lines(discriminator_verdict(final, mean, std, gan.TARGET_CORRELATION))
    lesson.record({"gan_sample_mean": m, "gan_sample_std": s, "gan_sample_correlation": r,
                   "gan_sample_inside": final["inside"], "gan_d_real": final["d_real"],
                   "gan_d_generated": final["d_generated"],
                   "gan_parameters": parameter_count(generator) + parameter_count(discriminator)})
    return [("GAN", PURPOSE["gan"], f"{parameter_count(generator):,} + {parameter_count(discriminator):,}",
             (f"mean ({m[0]:.2f}, {m[1]:.2f}) std ({s[0]:.2f}, {s[1]:.2f}); real ({mean[0]:g}, {mean[1]:g}) "
              f"({std[0]:g}, {std[1]:g})"))]


def train_gan(lesson, generator, discriminator, real, config):
    """The GAN's own step in the course's loop, logged as the run "gan" with its generated points as it learns;
    its History."""
    epochs = config.epochs
    parameters = parameter_count(generator) + parameter_count(discriminator)
    run_dir, logger = own_run(lesson, config, "gan",
                              f"G: {summary.describe(generator)}; D: {summary.describe(discriminator)}", parameters)
    snapshot_epochs = sorted({1, max(1, epochs // 4), max(1, epochs // 2), epochs})
    snapshots = Figure(figsize=(4.2 * len(snapshot_epochs), 3.6), layout="constrained")
    panels = dict(zip(snapshot_epochs, snapshots.subplots(1, len(snapshot_epochs), squeeze=False)[0]))
    pictured = picture_epochs(epochs)          # the epochs a run's pictures are taken at (10 of them)
    measured = gan.fixed_noise(generator, config.seed)

    class Pictures(Observer):                  # the generated points as the GAN learns
        def on_epoch_end(self, record):
            if not record.complete or (record.epoch not in pictured and record.epoch not in panels):
                return
            points = gan.generated(generator, measured)
            if record.epoch in pictured:
                title = f"epoch {record.epoch}: real (blue), generated (orange), green = D says real"
                logger.log_figure("generated_points", plots.generated_points(
                    real[:gan.SAMPLE_COUNT], points, discriminator=discriminator, title=title, colorbar=False),
                    step=record.first_step + len(record.step_sizes) - 1)
            if record.epoch in panels:
                plots.generated_points(real[:gan.SAMPLE_COUNT], points, discriminator=discriminator,
                                       ax=panels[record.epoch], title=f"epoch {record.epoch}", colorbar=False)

    observers = [StepsLogger(logger, gan.TAGS), Pictures()]
    observers += [] if config.quiet else [EpochPrinter(line=gan.epoch_line)]
    try:
        # New: two networks, two optimizers, one step; the course's loop runs it (engine.fit_steps).
        history = fit_steps(gan.steps(generator, discriminator, real, config), config, observers)
        logger.log_figure("generated_points_by_epoch", snapshots, step=history.steps,
                          save_to=run_dir / "generated_points_by_epoch.png")
    finally:
        logger.close()
    if history.stop:
        print(f"Stopped early: {history.stop}")
    final = history.final()
    lesson.keep(RunResult("gan", run_dir, history, generator, {
        "sample_mean": np.array([final["mean_x1"], final["mean_x2"]]),
        "sample_std": np.array([final["std_x1"], final["std_x2"]])}))
    return history


def discriminator_verdict(final, mean, std, correlation) -> list:
    """What D(real) and D(generated) say, beside how far the generated points are from the real ones: D near 0.5
    means D is fooled, which is not the same as G matching the data."""
    if not np.isfinite(final["d_real"]):
        return ["  (no D(real) or D(generated): the run stopped before the end of an epoch)", ""]
    d = f"  D(real) {final['d_real']:.2f}, D(generated) {final['d_generated']:.2f}"
    m, s = (final["mean_x1"], final["mean_x2"]), (final["std_x1"], final["std_x2"])
    r = final["correlation"]
    off = [f"mean x{k + 1} {m[k]:.2f} vs {mean[k]:g}" for k in range(2) if abs(m[k] - mean[k]) > 0.5 * std[k]]
    off += [f"std x{k + 1} {s[k]:.2f} vs {std[k]:g}" for k in range(2) if not 0.7 < s[k] / std[k] < 1.3]
    off += [f"correlation {r:.2f} vs {correlation:g}"] * bool(abs(r - correlation) > 0.15)
    fooled = abs(final["d_real"] - 0.5) < 0.1 and abs(final["d_generated"] - 0.5) < 0.1
    if fooled and off:
        return [f"{d}: D can no longer tell them apart, yet the points still differ ({'; '.join(off)}):",
                "  a fooled discriminator is not yet a matched distribution.", ""]
    if fooled:
        return [f"{d}: D can no longer tell them apart, and the points match the real mean, spread and correlation.",
                ""]
    return [f"{d}: D still tells them apart (0.5 each when it cannot)" + (f"; off: {'; '.join(off)}." if off else "."),
            ""]


def transformer_part(lesson, long_gap) -> list:
    model = families.transformer(LENGTHS["long"], seed=lesson.config.seed)
    print("== A Transformer encoder block attends straight to the marked step")
    print("   No recurrence: self-attention lets every step look at every other step in one layer, with")
    print("   weights softmax(q.k / sqrt(d)) it learns (q and k: the query and key vectors of two steps, d numbers")
    print("   each); positions are added as learned vectors. The same long-gap task as the RNN and the LSTM:")
    print(f"   to attention, {LENGTHS['long'] - WINDOW} steps are no farther than one.")
    print_lines(summary.format_table(model))
    attention = model.get_layer("attention")
    print(f"   ({attention.num_heads}x{attention.key_dim}: {attention.num_heads} heads, each with its own q, k and v "
          f"of d = {attention.key_dim} numbers)")
    run_ = lesson.train(model, long_gap, name="transformer", config=recipe(lesson.config, "transformer"),
                        goal=PURPOSE["transformer"])
    accuracy = run_.metrics["val_accuracy"]
    print(f"  validation accuracy, long gap: {accuracy:.3f}   (chance is 0.50)\n")
    lesson.record({"transformer_val_accuracy": accuracy, "transformer_parameters": parameter_count(model)})
    return [("Transformer", PURPOSE["transformer"], f"{parameter_count(model):,}", f"recall: long gap {accuracy:.3f}")]


def side_by_side(rows) -> None:
    print("== The families side by side")
    print_table(("family", "what it is for", "parameters", "what it learned here"), rows)
    print("")


def family_data(config) -> dict:
    """Every family's data, made and checked against ``config``: {"digits": 1797 digits of 64 pixels, "gaps":
    {"short": ..., "long": ...} the marked-value sequences (2000 each), "real": the (2000, 2) points the GAN
    imitates}. A batch size too large for one of them raises ConfigError."""
    digits = data.digits(seed=config.seed)                                    # 1797 digits, 64 pixels
    gaps = {gap: sequences.marked_sign(seed=config.seed, length=length, lag=length - WINDOW, window=WINDOW)
            for gap, length in LENGTHS.items()}                               # 2000 sequences each
    real = gan.target_samples(2000, seed=config.seed)                         # (2000, 2) points
    for ds in (digits, *gaps.values()):
        check_batch_size(config, ds)
    if config.batch_size > len(real):
        raise ConfigError(f"batch_size {config.batch_size} is larger than the {len(real)} points the GAN learns "
                          f"from; use at most {len(real)}")
    return {"digits": digits, "gaps": gaps, "real": real}


def run(config: Config, family: str = "all") -> LessonResult:
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(FAMILIES)}; got {family!r}")
    chosen = FAMILIES[1:] if family == "all" else (family,)
    lesson = Lesson(LESSON, config)
    # Every data set is made and checked first: a bad setting stops the lesson before it writes anything.
    found = family_data(config)

    parts = {"cnn": lambda: cnn_part(lesson, found["digits"]),
             "rnn": lambda: recurrent_part(lesson, found["gaps"]),
             "autoencoder": lambda: autoencoder_part(lesson, found["digits"]),
             "gan": lambda: gan_part(lesson, found["real"]),
             "transformer": lambda: transformer_part(lesson, found["gaps"]["long"])}
    rows = [row for name in chosen for row in parts[name]()]     # each family, then its rows of the table
    side_by_side(rows)
    lesson.takeaways(takeaways(chosen, lesson.numbers))
    return lesson.result


def takeaways(families_run, n) -> list:
    """One takeaway per family that ran, each worded from this run's numbers (a family whose run stopped early,
    its numbers nan, is said to have stopped instead); each a text ``Lesson.takeaways`` prints as a bullet."""
    texts = ["The training step is the same GradientTape step for every family; what changes is the layers between "
             "input and loss, and what the loss compares (labels, the input itself, another network)."]

    def ran(*values):
        return all(np.all(np.isfinite(v)) for v in values)

    if "cnn" in families_run:
        texts.append(f"A CNN shares a few small filters across the whole image: {n['cnn_val_accuracy']:.3f} on digits "
                     "with few parameters." if ran(n["cnn_val_accuracy"]) else
                     "The CNN's run stopped early here (see above): no accuracy to report.")
    if "rnn" in families_run:
        rnn, lstm = n["rnn_long_val_accuracy"], n["lstm_long_val_accuracy"]
        if ran(rnn, lstm):
            comparison = compare_accuracies(lstm, rnn, n["long_gap_validation_examples"]).says("the LSTM", "the RNN")
            texts.append(f"The long gap: plain RNN {rnn:.3f}, LSTM {lstm:.3f}. An RNN's gradient through many steps "
                         "tends to vanish; an LSTM's gated cell can carry a value across the gap unchanged. "
                         f"This run: {comparison}.")
        else:
            texts.append("The recurrent runs stopped early here (see above): no long-gap accuracy to compare.")
    if "transformer" in families_run:
        accuracy = n["transformer_val_accuracy"]
        texts.append(f"A Transformer attends to any step directly, whatever the distance: {accuracy:.3f} on the long "
                     "gap." if ran(accuracy) else "The Transformer's run stopped early here (see above).")
    if "autoencoder" in families_run:
        share = n["autoencoder_val_mse"] / n["autoencoder_baseline_mse"]
        texts.append(f"An autoencoder learns a compact code from unlabelled data: its error is {share:.0%} of the "
                     "mean image's." if ran(n["autoencoder_val_mse"]) else
                     "The autoencoder's run stopped early here (see above): no reconstruction error to report.")
    if "gan" in families_run:
        m = n["gan_sample_mean"]
        texts.append(f"A GAN learns to sample new data from two networks trained against each other: its points' "
                     f"mean ({m[0]:.2f}, {m[1]:.2f}) against the real one's (2, 1)." if ran(m) else
                     "The GAN's run stopped early here (see above): its generator has no points to compare.")
    return texts


def main(argv=None, prog=None) -> int:
    return cli.lesson_main(run, LESSON, __doc__, argv, defaults=DEFAULTS, prog=prog, options=OPTIONS)


if __name__ == "__main__":
    raise SystemExit(started.run(run))
