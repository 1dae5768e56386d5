"""One traced update step as a Markdown table, for TensorBoard's Text tab: the numbers the trace prints.

    update_table(record)      # "**step 1** (epoch 1, batch 1/10): ...\n\n| parameter | before | ..."
"""
from __future__ import annotations

import numpy as np

from course.trace.entries import decimals, index_text, shown_entries


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
                d = max(6, decimals(before, after))     # 8 when 6 would hide the change, as in the trace
                rows.append(f"| {name}[{index_text(w0.shape, i)}] | {before:.{d}f} | {grad:.{d}f} | "
                            f"{record.learning_rate:g} | {after:.{d}f} | {after - before:+.{d}g} |")
    return head + "\n".join(rows)
