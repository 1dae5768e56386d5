"""Day 7 - Gradient descent: batch, stochastic, mini-batch, and the learning rate.

Goal: train the same MLP from the same initial weights on the same data with batch, stochastic and
mini-batch gradient descent for the same number of examples seen, and compare their update counts,
loss noise and time; then train it with a learning rate too small, about right, too large and
diverging, and see the diverging run stopped and reported.

Run: python -m lessons.day7_gradient_descent        (or: course run day7_gradient_descent)

The update is always w <- w - lr * dL/dw; what changes is how many examples the gradient dL/dw is
averaged over. Batch gradient descent uses all of them (one smooth step per epoch), stochastic
gradient descent one example (many noisy steps), mini-batch gradient descent --batch-size examples.

Note: the three variants use batch sizes n_train, 1 and --batch-size with --optimizer (plain SGD by default) at
--learning-rate; the learning-rate part trains mini-batches at --learning-rate times 0.02, 1 (part 1's
mini-batch run), 100 and 1000. Only the first run of each part prints its first --trace-steps update steps.
"""
from __future__ import annotations

from course import cli
from course.config import FLOAT32_MAX, FLOAT32_TINY, Config, ConfigError

LESSON = "day7_gradient_descent"
DEFAULTS = Config(epochs=10, learning_rate=0.5, batch_size=32, optimizer="sgd", dataset="moons")
DATASETS = ("moons", "circles", "xor_noisy", "blobs")
LR_FACTORS = (("too_small", 0.02), ("about_right", 1.0), ("too_large", 100.0), ("diverging", 1000.0))


def check_ladder(config: Config) -> None:
    """Each rung of the learning-rate ladder must be a positive finite float32 number (checked with the flags)."""
    for _, factor in LR_FACTORS:
        rate = config.learning_rate * factor
        if not FLOAT32_TINY <= rate <= FLOAT32_MAX:
            raise ConfigError(f"learning_rate {config.learning_rate:g} x {factor:g} = {rate:g} is not a positive "
                              "finite float32 number; use a --learning-rate nearer 0.5")


if __name__ == "__main__":
    # Flags first, and the title: the imports below load TensorFlow, which takes seconds.
    started = cli.start(LESSON, __doc__, DEFAULTS, DATASETS, check=check_ladder)

import numpy as np

from course import data, models, reference
from course.config import check_batch_size
from course.experiment import describe_model
from course.numbers import count
from course.runs import Lesson, LessonResult
from course.training import EpochTimer, Recorder

HIDDEN = (8,)            # the MLP 2 -> 8 relu -> 1 sigmoid: relu lets a too-large step blow up for real
# TensorBoard's Custom Scalars: every run's epoch loss as log10 (a chart shows every run's series, and a learning rate
# too large reaches 1e9); part 1's variants (batch sizes differ) against the examples seen; the learning rates (one
# batch size) with log10 of the batch loss, so the diverging run's blow-up stays on their chart without flattening
# the others. The mini-batch run is both: the "about right" rung of part 2.
VARIANTS_LOG = {"examples_axis": True, "log10_epoch_loss": True}
RATES_LOG = {"log10_batch_loss": True, "log10_epoch_loss": True}
VARIANT_GOALS = {   # what each run shows (TensorBoard's run/goal)
    "batch": "batch gradient descent: one smooth step per epoch, the gradient averaged over every example",
    "stochastic": "stochastic gradient descent: a step per example, each gradient from a single point",
    "minibatch": "mini-batch gradient descent: a step per mini-batch, the usual compromise",
}
LR_GOALS = {
    "too_small": "a learning rate 50 times too small: the same steps, each too short to get far",
    "too_large": "a learning rate 100 times larger than about right: steps that overshoot",
    "diverging": "a learning rate 1000 times larger: steps that blow up until the numbers overflow",
}


def hparams(variant: str, label: str) -> dict:
    """The hyperparameters that tell this lesson's runs apart, the same keys for every run (HParams draws a
    line for a run only when it has a value in every column)."""
    return {"variant": variant, "learning_rate_label": label}


def build_model(ds, seed):
    """The same MLP with the same initial weights every time it is called with the same seed."""
    return models.mlp(ds.n_features, hidden=HIDDEN, activation="relu", seed=seed)


def _number(value, width=10) -> str:
    """A table cell: 4 decimals, or scientific notation for a loss that blew up."""
    return f"{value:{width}.4f}" if abs(value) < 1e5 else f"{value:{width}.3e}"


def examples_seen(recorder, n_train, batch_size) -> int:
    """Examples the gradient steps averaged over: each epoch's batches are batch_size, the last one the rest."""
    total = 0
    for record in recorder.epochs:
        steps = len(record.step_loss)
        sizes = np.minimum(batch_size, n_train - batch_size * np.arange(steps))   # (steps,)
        total += int(sizes.sum())
    return total


def loss_noise(recorder, epoch) -> float:
    """Standard deviation of the batch losses of the update steps of one epoch (0 for a single step; NaN when the
    run stopped before that epoch)."""
    losses = recorder.step_losses(epoch)
    return float(np.std(losses)) if len(losses) else float("nan")


# --- 1. three ways to average the gradient -------------------------------------------

def compare_variants(lesson, ds) -> dict:
    """Batch, stochastic and mini-batch gradient descent: same data, model, initial weights, examples."""
    config, n = lesson.config, len(ds.y_train)
    print(f"== 1. Batch vs stochastic vs mini-batch gradient descent\n   {describe_model(build_model(ds, config.seed))}"
          f" on {ds}")
    rows = {}
    for name, batch_size in (("batch", n), ("stochastic", 1), ("minibatch", config.batch_size)):
        rows[name] = train_variant(lesson, ds, name, batch_size, traced=not rows)
        lesson.record({f"{name}_{key}": value for key, value in rows[name].items()})
    print(f"  Same data ({n} training examples), same MLP and initial weights, {count(config.epochs, 'epoch')}, "
          f"lr {config.learning_rate:g}:")
    print("  variant     | batch | steps/epoch | updates | examples seen | final loss | val acc "
          "| loss noise* | ms/epoch** | ms/update**")
    for name, r in rows.items():
        print(f"  {name:<11} | {r['batch_size']:5d} | {r['steps_per_epoch']:11d} | {r['steps']:7d} "
              f"| {r['examples_seen']:13d} | {_number(r['loss'])} | {r['val_accuracy']:7.3f} "
              f"| {r['loss_noise']:11.4f} | {_ms(r['ms_per_epoch'], 10)} | {_ms(r['ms_per_update'], 11)}")
    print("  * loss noise: standard deviation of the batch losses over the last epoch's update steps.")
    print("  ** the median epoch and the mean update from epoch 2 on, after compiling, logging included "
          "(this machine's times)")
    print("  Batch GD takes one smooth step per epoch; stochastic GD takes one step per example, each")
    print("  gradient from a single point, so its loss jumps around; mini-batches sit in between.")
    for line in variant_takeaway(rows, config.epochs, config.log_every_step):
        print(line)
    print("")
    return rows


def train_variant(lesson, ds, name, batch_size, traced) -> dict:
    """One variant's run (only the first ``traced`` prints its first update steps) and its row of the table."""
    config, n = lesson.config, len(ds.y_train)
    steps_per_epoch = -(-n // batch_size)
    print(f"-- {name} gradient descent: batch size {batch_size}, {steps_per_epoch} update "
          f"step{'s' * (steps_per_epoch > 1)} per epoch")
    recorder, timer = Recorder(), EpochTimer()        # the timer last: it times the logging too
    run_config = config.replace(batch_size=batch_size, trace_steps=config.trace_steps if traced else 0)
    log_options = {**VARIANTS_LOG, **(RATES_LOG if name == "minibatch" else {})}   # minibatch: both
    run_ = lesson.train(build_model(ds, config.seed), ds, name=name, config=run_config, goal=VARIANT_GOALS[name],
                        observers=[recorder, timer], hparams=hparams(name, "about_right"), log_options=log_options)
    if not config.quiet:
        print("")
    return {"batch_size": batch_size, "steps_per_epoch": steps_per_epoch, "steps": run_.history.steps,
            "examples_seen": examples_seen(recorder, n, batch_size),
            "loss": run_.metrics["loss"], "val_accuracy": run_.metrics["val_accuracy"],
            "loss_noise": loss_noise(recorder, config.epochs),
            "ms_per_epoch": 1000 * float(np.median(timer.per_epoch())) if timer.per_epoch() else float("nan"),
            "ms_per_update": 1000 * timer.per_update()}


def _ms(value, width) -> str:
    return f"{value:{width}.3f}" if np.isfinite(value) else f"{'-':>{width}}"


def variant_takeaway(rows, epochs: int = 2, every_step: bool = False) -> list:
    """What the timing columns show, from this run's numbers (nothing when they were not measured; with
    ``every_step`` logging, that the times are mostly the logging)."""
    batch, stochastic = rows["batch"], rows["stochastic"]
    if not (np.isfinite(batch["ms_per_epoch"]) and np.isfinite(stochastic["ms_per_epoch"])):
        if epochs == 1:
            return ["    (one epoch only: the times per epoch need --epochs 2 or more, epoch 1 being compilation)"]
        return ["    (no times to compare: a run stopped before its second epoch, the first timed one)"]
    if every_step:
        return ["    (--log-every-step logs histograms and pictures after every update step: these times are mostly",
                "    that logging, so they say nothing about the framework's overhead; compare without the flag)"]
    ratio = stochastic["ms_per_epoch"] / batch["ms_per_epoch"]
    share = batch["ms_per_update"] / batch["batch_size"]       # one example's share of a full-batch update
    one, full = stochastic["ms_per_update"], batch["ms_per_update"]
    lines = [f"    Here an epoch of stochastic GD ({stochastic['steps_per_epoch']} updates) took {ratio:.1f} times "
             "as long as one of batch GD (1 update):",
             f"    {one:.3f} ms an update of one example against {full:.3f} ms for all {batch['batch_size']} "
             f"({share:.4f} ms an example):"]
    times = one / share
    if times >= 2:
        lines += [f"    a one-example update costs {times:.0f} times its share of the full batch's, so most of a",
                  "    small step's cost is the framework's overhead, not arithmetic."]
    else:
        lines += [f"    here a one-example update costs about its share of the full batch's ({times:.1f} times), "
                  "so the", "    framework's overhead is small on this machine."]
    return lines


# --- 2. the learning rate ------------------------------------------------------------

def compare_learning_rates(lesson, ds) -> list:
    """The same mini-batch run at four learning rates; the diverging one stops and says so.

    The rung "about right" is --learning-rate itself: part 1's mini-batch run, not trained twice.
    """
    config = lesson.config
    print(f"== 2. The learning rate: mini-batches of {config.batch_size}, {count(config.epochs, 'epoch')}, "
          "the same initial weights")
    rows, first = [], True             # only the first rung trained here prints its first update steps
    for name, factor in LR_FACTORS:
        lr = config.learning_rate * factor
        if factor == 1.0:
            print(f"-- learning rate {lr:g} (about right): the mini-batch run of part 1")
            run_ = lesson.runs["minibatch"]
        else:
            print(f"-- learning rate {lr:g} ({name.replace('_', ' ')})")
            run_config = config.replace(learning_rate=lr, trace_steps=config.trace_steps if first else 0)
            run_ = lesson.train(build_model(ds, config.seed), ds, name=f"lr_{name}", config=run_config,
                                goal=LR_GOALS[name], hparams=hparams("minibatch", name), log_options=RATES_LOG)
            first = False
        rows.append((name, lr, run_))
        lesson.record({f"lr_{name}_learning_rate": lr, f"lr_{name}_diverged": run_.history.diverged,
                       f"lr_{name}_steps": run_.history.steps, f"lr_{name}_loss": run_.metrics["loss"],
                       f"lr_{name}_val_accuracy": run_.metrics["val_accuracy"]})
        if not config.quiet:
            print("")
    rate_table(lesson, ds, rows)
    print("")
    return rows


def rate_table(lesson, ds, rows) -> None:
    """Each rung's updates, final loss and outcome, against the loss every rung started from."""
    start = start_loss(ds, lesson.config.seed)     # every rung starts from the same weights: the yardstick of "grew"
    print(f"  learning rate |  label      | updates | final loss | val acc | outcome (the loss at the start: "
          f"{start:.4f})")
    grew = []
    for name, lr, run_ in rows:
        h = run_.history
        if h.diverged:
            outcome = f"DIVERGED at {h.stop.where}: loss not finite, stopped there"
        elif h.epoch and run_.metrics["loss"] > start:
            outcome = "finished, but the loss grew"
            grew.append((lr, run_.metrics["loss"]))
        else:
            outcome = "finished"
        loss = _number(run_.metrics["loss"]) if h.epoch else f"{'-':>10}"
        acc = f"{run_.metrics['val_accuracy']:7.3f}" if h.epoch else f"{'-':>7}"
        print(f"  {lr:13g} | {name:<11} | {h.steps:7d} | {loss} | {acc} | {outcome}")
    diverged = [name for name, _, run_ in rows if run_.history.diverged]
    print(f"  Runs that overflowed to NaN/inf: {', '.join(diverged)} (each reported and stopped at that step, not "
          "crashed on)." if diverged else "  No run overflowed to NaN/inf here.")
    for lr, loss in grew:
        print(f"  lr {lr:g}: the loss grew from {start:.4f} to {_number(loss).strip()}: diverging, though float32 "
              "(up to 3.4e38) still holds it.")
    lesson.record({"lr_start_loss": start, "lr_grew": [lr for lr, _ in grew]})
    for line in ladder_verdict(rows, lesson.config.optimizer):
        print(line)


def start_loss(ds, seed) -> float:
    """The training loss of the initial weights every run starts from (binary cross-entropy, as Keras has it)."""
    p = np.asarray(build_model(ds, seed)(ds.x_train))
    return reference.binary_cross_entropy(ds.y_train, p)


def ladder_verdict(rows, optimizer: str) -> list:
    """Which rung did best in this run (the lowest final training loss among the runs that finished), and, when
    that is not the rung planned as about right, that the rungs are fixed multiples of --learning-rate."""
    finished = [(run_.metrics["loss"], name, lr) for name, lr, run_ in rows
                if not run_.history.diverged and np.isfinite(run_.metrics["loss"])]
    if not finished:
        return ["  Every rate diverged here: try a --learning-rate ten times smaller."]
    loss, name, lr = min(finished)
    lines = [f"  Lowest final loss here: lr {lr:g}, the rate planned as {name.replace('_', ' ')} "
             f"({_number(loss).strip()})."]
    if name != "about_right":
        factors = ", ".join(f"{f:g}x" for _, f in LR_FACTORS)
        lines += [f"  The four rates are fixed multiples of --learning-rate ({factors}), planned for SGD at its default "
                  "0.5 on the moons:", "  at other settings the best rate can fall elsewhere."]
    return lines


def takeaways(lesson) -> None:
    n = lesson.numbers
    diverged = [n[f"lr_{name}_learning_rate"] for name, _ in LR_FACTORS if n.get(f"lr_{name}_diverged")]
    grew = n.get("lr_grew", [])
    here = "; ".join([f"here lr {', '.join(f'{lr:g}' for lr in diverged)} overflowed"] * bool(diverged)
                     + [f"lr {', '.join(f'{lr:g}' for lr in grew)} grew without overflowing"] * bool(grew))
    here = here or "none of this run's rates did either"
    lesson.takeaways([
        "For the same examples seen, smaller batches make more, noisier updates: batch GD takes one smooth step per "
        "epoch; stochastic GD takes a step per example, so its loss jumps around and every step pays the "
        "framework's overhead (the ms/update column).",
        "Mini-batches are the usual compromise: vectorised steps, enough of them, moderate noise.",
        "Too small a learning rate crawls, too large bounces or stalls, far too large makes the loss grow and can "
        f"overflow to NaN/inf ({here}): an overflow stops training at that step and says so; try a rate ten times "
        "smaller."], title="Takeaways:")      # the diverging rung stops by design: no caveat in the title


def run(config: Config) -> LessonResult:
    lesson = Lesson(LESSON, config)
    # Load and check everything first: a bad setting stops the lesson before it writes anything.
    ds = data.load(config.dataset, seed=config.seed)
    if ds.n_classes != 2:
        raise ConfigError(f"dataset {config.dataset!r} has {ds.n_classes} classes; this lesson needs 2")
    check_batch_size(config, ds)
    check_ladder(config)               # each rung of the ladder must be a valid rate

    compare_variants(lesson, ds)           # 1. three ways to average the gradient
    compare_learning_rates(lesson, ds)     # 2. the learning rate
    takeaways(lesson)
    return lesson.result


def main(argv=None, prog=None) -> int:
    return cli.lesson_main(run, LESSON, __doc__, argv, defaults=DEFAULTS, datasets=DATASETS, prog=prog,
                           check=check_ladder)


if __name__ == "__main__":
    raise SystemExit(started.run(run))
