"""What the learner reads in the terminal while a model trains.

``TracePrinter`` prints the first K update steps with their numbers in the
lessons' notation::

    output/kernel[0,0]: 0.5120 - 0.1 x (-0.2310) = 0.5351      (SGD: w <- w - lr * dL/dw)

and, with momentum, RMSprop or Adam, that optimizer's own update: its state (velocity, s, m and v), the
bias corrections and the step, with the numbers Keras used (``trace.rules``).

Models with more than ``SMALL_MODEL_PARAMETERS`` parameters print one line per
variable instead: the norms of w, of the gradient g and of the change, the
ratio |change|/|w|, and the few entries with the largest |g|. ``EpochPrinter`` then prints one
line per epoch (every n-th epoch for long runs).
"""
from __future__ import annotations

import textwrap

import numpy as np

from course.engine.records import Observer
from course.engine.steps import printed_epoch
from course.numbers import count, shown
from course.trace.entries import ENTRIES_PER_VARIABLE, index_text, is_large, shown_entries, summarised
from course.trace.rules import Rules


def format_update(name, index, before, grad, after, learning_rate) -> str:
    """One parameter's plain-SGD update in the lessons' notation (``Rules`` writes every optimizer's).

    Example:
        >>> format_update("output/kernel", "0,0", 0.512, -0.231, 0.5351, 0.1)
        'output/kernel[0,0]: 0.5120 - 0.1 x (-0.2310) = 0.5351'
    """
    return Rules("sgd", learning_rate).describe({}, f"{name}[{index}]", 0, before, grad, after)[0]


def format_step(record, rules: Rules | None = None) -> list[str]:
    """The lines printed for one traced update step (a ``StepRecord``). ``rules`` carries the optimizer's
    state from the steps before (a fresh one is right for step 1)."""
    rules = rules or Rules(record.optimizer, record.learning_rate, record.clip_norm)
    with np.errstate(over="ignore", invalid="ignore"):     # a diverging step prints inf, not a warning
        return _format_step(record, rules)


def _format_step(record, rules) -> list[str]:
    parts = rules.step(record)
    clip = (f" (above {rules.clip_norm:g}: clipped, every g below is the gradient x {rules.scale:.6g})"
            if rules.scale else "")
    lines = [f"step {record.step} (epoch {record.epoch}, batch {record.batch}/{record.batches_per_epoch}): "
             f"loss {shown(record.loss):.4f}, gradient norm {shown(record.grad_norm):.4f}{clip}"]
    large = is_large(record)
    for k, (name, w0, g, w1, entries) in enumerate(shown_entries(record)):
        if large:
            w0_64, w1_64 = np.asarray(w0, np.float64), np.asarray(w1, np.float64)    # no overflow in the norms
            w_norm, change_norm = shown(np.linalg.norm(w0_64)), shown(np.linalg.norm(w1_64 - w0_64))
            ratio = f"{change_norm / w_norm:.2e}" if w_norm > 0 else "n/a (w = 0)"
            shape = "x".join(str(d) for d in w0.shape)
            g_norm = shown(np.linalg.norm(np.asarray(g, np.float64)))
            g_text = f"{g_norm:.4f}" if g_norm != 0 else "0 (exactly: no change this step)"
            lines.append(f"  {name} ({shape}): |w| {w_norm:.4f}  |g| {g_text}  |change| {change_norm:.4f}  "
                         f"|change|/|w| {ratio}")
        for i in entries:
            label = f"{name}[{index_text(w0.shape, i)}]"
            for line in rules.describe(parts[k], label, i, float(w0.flat[i]), float(g.flat[i]), float(w1.flat[i])):
                lines.append("    " * large + "  " + line)
    return lines


def reading_notes(parameters: int, steps: int) -> list:
    """How to read the trace of a model with ``parameters`` parameters over ``steps`` steps (printed once)."""
    every, later = not summarised(parameters, 1), not summarised(parameters, 2)
    summary = (f"each variable's norms |w|, |g| and |change| (over all its entries), then its {ENTRIES_PER_VARIABLE} "
               "entries with the largest |g|")
    everything = f"all {parameters} parameters" if parameters != 1 else "the model's one parameter"
    if every and (later or steps == 1):
        which = f"Each step shows {everything}."
    elif every:
        which = f"Step 1 shows {everything}; later steps show {summary}."
    else:
        which = f"Each step shows {summary}."
    note = (f"{which} Numbers have 4 decimals; an input gets a digit or two more where 4 would change the "
            "result's last digit on a calculator.")
    return textwrap.wrap(note, width=98, initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False)


class TracePrinter(Observer):
    """Prints the first ``steps`` update steps in full.

    Example:
        >>> fit(model, ds, config, observers=[TracePrinter(3)])
    """

    def __init__(self, steps: int = 3, print_fn=print):
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
            raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
        self.steps = steps
        self.full_steps = steps      # fit runs these steps one at a time and hands us their records
        self.print = print_fn

    def on_train_begin(self, model, config, names, initial):
        self.rules = Rules(config.optimizer, config.learning_rate, config.clip_norm)
        if self.steps:
            first = "The first update step" if self.steps == 1 else f"The first {self.steps} update steps"
            self.print(f"{first} ({self.rules.header()}):")
            for line in reading_notes(sum(int(np.size(w)) for w in initial), self.steps):
                self.print(line)

    def on_step(self, record):
        for line in format_step(record, self.rules):
            self.print(line)


class EpochPrinter(Observer):
    """One line per epoch; for long runs about ``lines`` evenly spaced epochs plus the last. The first one
    printed in a process explains what the train and validation columns measure.

    ``line(record, epochs)``: a family's own line (``course.engine.steps``: the autoencoder's, the GAN's),
    printed for about ``lines`` epochs (``printed_epoch``), with no header."""

    explained = False

    def __init__(self, lines: int = 10, print_fn=print, *, line=None):
        if isinstance(lines, bool) or not isinstance(lines, int) or lines < 1:
            raise ValueError(f"lines must be a positive integer, got {lines!r}")
        self.lines = lines
        self.print = print_fn
        self.line = line
        self.every = 1
        self.epochs = 0

    def on_train_begin(self, model, config, names, initial):
        self.epochs = config.epochs
        self.every = max(1, config.epochs // self.lines) if config.epochs > 2 * self.lines else 1

    def on_epoch_end(self, record):
        if not record.complete:
            return
        if self.line is not None:
            if printed_epoch(record.epoch, self.epochs, self.lines):
                self.print(self.line(record, self.epochs))
            return
        if record.epoch == 1:
            every = f" (a line every {self.every} epochs)" if self.every > 1 else ""
            self.print(f"Training {count(self.epochs, 'epoch')}{every}:")
            if not EpochPrinter.explained:      # once: the same words under every run would be noise
                self.print("  (loss and acc: the mean over the epoch's update steps, while the weights changed; "
                           "val loss\n   and val acc: measured after its last step, so they can be the lower pair)")
                EpochPrinter.explained = True
        if record.epoch % self.every == 0 or record.epoch in (1, self.epochs):
            self.print(format_epoch(record, self.epochs))


def _loss(value) -> str:
    """4 decimals, or 4 significant digits once a loss has blown up (2.463e+11, not 246287954668.6063)."""
    return f"{value:.4f}" if abs(value) < 1e5 else f"{value:.3e}"


def format_epoch(record, epochs) -> str:
    """``epoch  3/20  loss 0.4123  acc 0.850 | val loss 0.4012  val acc 0.860``"""
    width = len(str(epochs))
    return (f"epoch {record.epoch:>{width}}/{epochs}  loss {_loss(record.loss)}  acc {record.accuracy:.3f}"
            f"  | val loss {_loss(record.val_loss)}  val acc {record.val_accuracy:.3f}")
