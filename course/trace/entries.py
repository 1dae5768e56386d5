"""Which entries of the weights a traced step shows, and with how many decimals: shared by the printed
trace (``trace.console``) and the TensorBoard tables (``trace.table``), so the two show the same numbers.

    for name, w0, g, w1, entries in shown_entries(record):    # a ``StepRecord``
        ...
"""
from __future__ import annotations

import numpy as np

from course.engine.compiled import SMALL_MODEL_PARAMETERS

ENTRIES_PER_VARIABLE = 2   # entries shown in full for each variable of a large model
EVERY_ENTRY_EVERY_STEP = 8   # up to this many parameters every entry is shown at every step; up to
                             # SMALL_MODEL_PARAMETERS at step 1 only (iris's 15 would print 45 lines in 3 steps)


def index_text(shape, flat_index):
    """"0,1" for the flat index 1 of a (2, 2) array; "" for a scalar."""
    return ",".join(str(i) for i in np.unravel_index(flat_index, shape)) if shape else ""


def decimals(before, after) -> int:
    """4 decimals, or more when 4 would hide the change (a small lr times a small gradient)."""
    d = 4
    while d < 8 and before != after and round(before, d) == round(after, d):
        d += 2
    return d


def shown_entries(record):
    """The entries a trace shows, per variable: (name, w0, g, w1, [flat indices]).

    Every entry of a small model; for a larger one the ``ENTRIES_PER_VARIABLE`` entries with the
    largest |gradient| (ties: the first ones), in index order: the first entries may never move (a
    digits pixel that is always 0).
    """
    small = not is_large(record)
    for name, w0, g, w1 in zip(record.names, record.before, record.grads, record.after):
        w0, g, w1 = np.asarray(w0), np.asarray(g), np.asarray(w1)
        if small:
            entries = list(range(w0.size))
        else:
            entries = sorted(np.argsort(-np.abs(g.ravel()), kind="stable")[:min(ENTRIES_PER_VARIABLE, w0.size)])
        yield name, w0, g, w1, entries


def is_large(record) -> bool:
    """One summary line per variable, a few entries each: models of more than ``SMALL_MODEL_PARAMETERS``
    parameters, and after step 1 those of more than ``EVERY_ENTRY_EVERY_STEP``."""
    return summarised(sum(int(np.size(w)) for w in record.before), record.step)


def summarised(parameters: int, step: int) -> bool:
    """Whether step ``step`` of a model with ``parameters`` parameters is shown as one summary line per variable."""
    return parameters > SMALL_MODEL_PARAMETERS or (parameters > EVERY_ENTRY_EVERY_STEP and step > 1)
