"""One traced update step as a Markdown table, for TensorBoard's Text tab: the numbers the trace prints.

    update_table(record)      # "**step 1** (epoch 1, batch 1/10): ...\n\n| parameter | before | ..."
"""
from __future__ import annotations

import numpy as np

from course.trace.entries import decimals, index_text, shown_entries
from course.trace.rules import Rules


def update_table(record, rules: Rules | None = None) -> str:
    """One update step as a Markdown table for TensorBoard's Text tab (the entries the trace shows), with
    the optimizer's own numbers; ``rules`` carries its state from the steps before (fresh: step 1).

    Example:
        >>> print(update_table(record).splitlines()[2])
        | output/kernel[0,0] | 0.512000 | -0.231000 | 0.1 | 0.535100 | +0.023100 |
    """
    rules = rules or Rules(record.optimizer, record.learning_rate, record.clip_norm)
    with np.errstate(over="ignore", invalid="ignore"):
        parts = rules.step(record)
    clip = f" (clipped: every gradient x {rules.scale:.6g})" if rules.scale else ""
    head = (f"**step {record.step}** (epoch {record.epoch}, batch {record.batch}/{record.batches_per_epoch}): "
            f"loss {record.loss:.6g}, gradient norm {record.grad_norm:.6g}{clip}; {rules.header()}\n\n")
    columns = ["parameter", "before", "gradient dL/dw", *rules.columns()]
    rows = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    with np.errstate(over="ignore", invalid="ignore"):
        for k, (name, w0, g, w1, entries) in enumerate(shown_entries(record)):
            used = np.asarray(parts[k].get("g", g))          # the clipped gradient, when the optimizer clipped
            for i in entries:
                before, grad, after = float(w0.flat[i]), float(used.flat[i]), float(w1.flat[i])
                d = max(6, decimals(before, after))     # 8 when 6 would hide the change, as in the trace
                cells = [f"{name}[{index_text(w0.shape, i)}]", f"{before:.{d}f}", f"{grad:.{d}f}",
                         *rules.cells(parts[k], i, after, before)]
                rows.append("| " + " | ".join(cells) + " |")
    return head + "\n".join(rows)
