"""What ``fit`` and ``fit_steps`` return: one value per epoch of everything they measured, and why they
stopped early, if they did.

    history = fit(model, ds, config)
    history.val_accuracy[-1], history.stop            # None when it ran every epoch
"""
from __future__ import annotations

from dataclasses import dataclass, field

from course.engine.stop import Stop

CLASSIFIER = ("loss", "accuracy", "val_loss", "val_accuracy")


@dataclass
class History:
    """Per-epoch metrics, returned by ``fit`` for every network: a classifier's loss, accuracy, val_loss and
    val_accuracy, and any other per-epoch value a family measures (``series``: an autoencoder's, a GAN's),
    each read as an attribute (``history.d_loss``). ``stop`` says why training ended early, if it did."""
    epoch: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    steps: int = 0
    stop: Stop | None = None                          # None when it ran every epoch
    series: dict = field(default_factory=dict)        # {name: [one value per epoch]} beyond a classifier's four

    @property
    def stopped(self) -> str:
        """The message of ``stop`` ("" when the run went through every epoch): for printing, never parsing."""
        return str(self.stop) if self.stop is not None else ""

    @property
    def diverged(self) -> bool:
        return self.stop is not None and self.stop.kind == "diverged"

    @property
    def stopped_at(self) -> int:
        """The step ``stop`` names (0 when the run did not stop early)."""
        return self.stop.step if self.stop is not None else 0

    def add(self, epoch: int, metrics: dict) -> None:
        """One complete epoch's metrics, ``{name: value}``: a classifier's four, or a family's own."""
        self.epoch.append(epoch)
        for name, value in metrics.items():
            (getattr(self, name) if name in CLASSIFIER else self.series.setdefault(name, [])).append(value)

    def __getattr__(self, name):
        series = self.__dict__.get("series", {})
        if name in series:
            return series[name]
        raise AttributeError(f"'History' has no attribute {name!r}")

    def final(self) -> dict:
        """The last complete epoch's metrics: a classifier's four and every series (NaN when training stopped
        before the end of epoch 1)."""
        nan = float("nan")
        values = {"epoch": self.epoch[-1] if self.epoch else 0}
        for name in (*CLASSIFIER, *self.series):
            column = getattr(self, name)
            values[name] = column[-1] if column and self.epoch else nan
        return values
