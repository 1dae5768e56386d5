"""Why a run stopped early: a value, the same in every loop, whose ``str()`` is the message a learner reads.

    stop = history.stop                   # None when the run went through every epoch
    stop.kind, stop.step, stop.epoch      # "diverged", 37, 2
    str(stop)                             # "diverged at step 37 (epoch 2, batch 5): the loss is nan, and ..."

Lessons and tests read its fields; nothing parses its message.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ADVICE = "lower the learning rate (--learning-rate), e.g. ten times smaller"
KINDS = ("diverged", "interrupted")


@dataclass(frozen=True)
class Stop:
    """A run that ended before its last epoch: what stopped it, and where."""
    kind: str              # "diverged" (a loss, gradient or weight stopped being a finite number) or "interrupted"
    step: int              # the update step the message names: the one that diverged, or the last one done
    epoch: int             # 1-based; 0 when it stopped before the first epoch began
    batch: int = 0         # 1-based index in the epoch of the step that diverged (0: not known, or interrupted)
    cause: str = ""        # what was not finite: "the loss is nan, and the gradient of hidden_1/kernel is not finite"
    advice: str = ADVICE   # what to do about it (diverged)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r}")

    @property
    def where(self) -> str:
        """``step 37 (epoch 2, batch 5)``: the step, for a table."""
        batch = f", batch {self.batch}" if self.batch else ""
        return f"step {self.step} (epoch {self.epoch}{batch})"

    def __str__(self) -> str:
        if self.kind == "interrupted":
            return f"interrupted at step {self.step} (epoch {self.epoch})" if self.epoch else \
                "interrupted before the first step"
        return f"diverged at {self.where}: {self.cause}; {self.advice}"


def interrupted(step: int, epoch: int) -> Stop:
    """A Ctrl-C or SIGTERM after ``step`` steps, in ``epoch`` (0: before the first step)."""
    return Stop("interrupted", step, epoch)


def diverged(step, epoch, batch, loss, names, variables, grads) -> Stop:
    """The step at which training stopped: which gradients or weights are no longer finite numbers."""
    with np.errstate(all="ignore"):
        bad_grads = [n for n, g in zip(names, grads) if not np.all(np.isfinite(np.asarray(g)))]
        bad_weights = [n for n, v in zip(names, variables) if not np.all(np.isfinite(np.asarray(v)))]

    def listed(kind, bad):
        if len(bad) == 1:
            return f"the {kind} of {bad[0]} is not finite"
        if len(bad) == len(names) and len(bad) > 4:
            return f"the {kind}s of all {len(bad)} variables are not finite"
        shown = ", ".join(bad) if len(bad) <= 4 else f"{', '.join(bad[:3])} and {len(bad) - 3} more"
        return f"the {kind}s of {shown} are not finite"

    causes = [listed("gradient", bad_grads)] * bool(bad_grads) + [listed("weight", bad_weights)] * bool(bad_weights)
    if not causes and variables:
        largest = max(float(np.max(np.abs(np.asarray(v)))) for v in variables)
        causes = [f"every weight is finite but they are so large (up to {largest:.3g}) that the forward pass "
                  "overflowed float32" if not np.isfinite(loss) else
                  "every gradient entry is finite but too large for their norm to fit in float32"]
    return Stop("diverged", step, epoch, batch, f"the loss is {loss:.4g}" + (f", and {' and '.join(causes)}"
                                                                           if causes else ""))


def values_diverged(step, epoch, batch, values: dict) -> Stop:
    """A family's step whose named values (``{"d_loss": nan, ...}``) are not all finite numbers."""
    bad = [f"the {name} is {value:.4g}" for name, value in values.items() if not np.isfinite(value)]
    return Stop("diverged", step, epoch, batch, " and ".join(bad) or "a value is not finite")
