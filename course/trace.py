"""What the learner reads in the terminal while a model trains.

``TracePrinter`` prints the first K update steps with their numbers in the
lessons' notation::

    output/kernel[0,0]: 0.5120 - 0.1 x (-0.2310) = 0.5351      (SGD: w <- w - lr * dL/dw)

Models with more than ``SMALL_MODEL_PARAMETERS`` parameters print one line per
variable instead: the norms of w, of the gradient g and of the change, the
ratio |change|/|w|, and the few entries with the largest |g|. ``EpochPrinter`` then prints one
line per epoch (every n-th epoch for long runs).
"""
from __future__ import annotations

import numpy as np

from course.training import SMALL_MODEL_PARAMETERS, Observer

ENTRIES_PER_VARIABLE = 2   # entries shown in full for each variable of a large model


def _index(shape, flat_index):
    return ",".join(str(i) for i in np.unravel_index(flat_index, shape)) if shape else ""


def _decimals(before, after) -> int:
    """4 decimals, or more when 4 would hide the change (a small lr times a small gradient)."""
    decimals = 4
    while decimals < 8 and before != after and round(before, decimals) == round(after, decimals):
        decimals += 2
    return decimals


def format_update(name, index, before, grad, after, learning_rate, optimizer) -> str:
    """One parameter's update in the lessons' notation.

    Example:
        >>> format_update("output/kernel", "0,0", 0.512, -0.231, 0.5351, 0.1, "sgd")
        'output/kernel[0,0]: 0.5120 - 0.1 x (-0.2310) = 0.5351'
    """
    label = f"{name}[{index}]"
    d = _decimals(before, after)
    if optimizer == "sgd":
        # Plain SGD: the printed formula is exactly what the optimizer applied.
        return f"{label}: {before:.{d}f} - {learning_rate:g} x ({grad:.{d}f}) = {after:.{d}f}"
    return (f"{label}: before {before:.{d}f}, gradient {grad:.{d}f}, after {after:.{d}f} "
            f"(change {after - before:+.{d}f})")


def format_step(record) -> list[str]:
    """The lines printed for one traced update step (a ``training.StepRecord``)."""
    with np.errstate(over="ignore", invalid="ignore"):     # a diverging step prints inf, not a warning
        return _format_step(record)


def shown_entries(record):
    """The entries a trace shows, per variable: (name, w0, g, w1, [flat indices]).

    Every entry of a small model; for a larger one the ``ENTRIES_PER_VARIABLE`` entries with the
    largest |gradient| (ties: the first ones), in index order: the first entries may never move (a
    digits pixel that is always 0).
    """
    small = sum(int(np.size(w)) for w in record.before) <= SMALL_MODEL_PARAMETERS
    for name, w0, g, w1 in zip(record.names, record.before, record.grads, record.after):
        w0, g, w1 = np.asarray(w0), np.asarray(g), np.asarray(w1)
        if small:
            entries = list(range(w0.size))
        else:
            entries = sorted(np.argsort(-np.abs(g.ravel()), kind="stable")[:min(ENTRIES_PER_VARIABLE, w0.size)])
        yield name, w0, g, w1, entries


def _format_step(record) -> list[str]:
    lines = [f"step {record.step} (epoch {record.epoch}, batch {record.batch}/{record.batches_per_epoch}): "
             f"loss {record.loss:.4f}, gradient norm {record.grad_norm:.4f}"]
    large = sum(int(np.size(w)) for w in record.before) > SMALL_MODEL_PARAMETERS
    for name, w0, g, w1, entries in shown_entries(record):
        if large:
            w_norm, change_norm = np.linalg.norm(w0), np.linalg.norm(w1 - w0)
            ratio = f"{change_norm / w_norm:.2e}" if w_norm > 0 else "n/a (w = 0)"
            shape = "x".join(str(d) for d in w0.shape)
            lines.append(f"  {name} ({shape}): |w| {w_norm:.4f}  |g| {np.linalg.norm(g):.4f}  "
                         f"|change| {change_norm:.4f}  |change|/|w| {ratio}")
        for i in entries:
            lines.append("    " * large + "  " + format_update(
                name, _index(w0.shape, i), float(w0.flat[i]), float(g.flat[i]), float(w1.flat[i]),
                record.learning_rate, record.optimizer))
    return lines


def update_table(record) -> str:
    """One update step as a Markdown table for TensorBoard's Text tab (the entries the trace shows).

    Example:
        >>> print(update_table(record).splitlines()[2])
        | output/kernel[0,0] | 0.512000 | -0.231000 | 0.1 | 0.535100 | +0.023100 |
    """
    head = (f"**step {record.step}** (epoch {record.epoch}, batch {record.batch}/{record.batches_per_epoch}): "
            f"loss {record.loss:.6g}, gradient norm {record.grad_norm:.6g}, optimizer {record.optimizer}"
            + (" (w <- w - lr * dL/dw)" if record.optimizer == "sgd" else "") + "\n\n")
    rows = ["| parameter | before | gradient dL/dw | learning rate | after | change |", "|---|---|---|---|---|---|"]
    with np.errstate(over="ignore", invalid="ignore"):
        for name, w0, g, w1, entries in shown_entries(record):
            for i in entries:
                before, grad, after = float(w0.flat[i]), float(g.flat[i]), float(w1.flat[i])
                d = max(6, _decimals(before, after))     # 8 when 6 would hide the change, as in the trace
                rows.append(f"| {name}[{_index(w0.shape, i)}] | {before:.{d}f} | {grad:.{d}f} | "
                            f"{record.learning_rate:g} | {after:.{d}f} | {after - before:+.{d}g} |")
    return head + "\n".join(rows)


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
        if self.steps == 0:
            return
        if config.optimizer == "sgd":
            rule = f"w <- w - lr * dL/dw with lr = {config.learning_rate:g}"
        else:
            rule = f"{config.optimizer} with lr = {config.learning_rate:g}: before, gradient dL/dw, after"
        self.print(f"The first {self.steps} update steps ({rule}):")

    def on_step(self, record):
        for line in format_step(record):
            self.print(line)


class EpochPrinter(Observer):
    """One line per epoch; for long runs about ``lines`` evenly spaced epochs plus the last."""

    def __init__(self, lines: int = 10, print_fn=print):
        if isinstance(lines, bool) or not isinstance(lines, int) or lines < 1:
            raise ValueError(f"lines must be a positive integer, got {lines!r}")
        self.lines = lines
        self.print = print_fn
        self.every = 1
        self.epochs = 0

    def on_train_begin(self, model, config, names, initial):
        self.epochs = config.epochs
        self.every = max(1, config.epochs // self.lines) if config.epochs > 2 * self.lines else 1

    def on_epoch_end(self, record):
        if not record.complete:
            return
        if record.epoch == 1 and self.every > 1:
            self.print(f"Training {self.epochs} epochs (a line every {self.every} epochs):")
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
