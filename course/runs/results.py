"""What a training run and a lesson return: the numbers the lessons print and the tests assert on.

    result = train_and_log(model, ds, config, lesson="day2_mlp", name="moons")   # a RunResult
    result.history.val_accuracy[-1], result.run_dir
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class RunResult:
    """One training run of a lesson."""
    name: str          # e.g. "moons"
    run_dir: Path      # where its TensorBoard events and PNGs are
    history: object    # training.History
    model: object      # the trained keras.Model
    metrics: dict = field(default_factory=dict)   # final numbers the lesson reports
    logger: object = field(default=None, repr=False)   # its RunLogger (closed; a figure added later reopens it)


@dataclass
class LessonResult:
    """What ``run(config)`` returns: the runs and the numbers the lesson printed (what tests assert on)."""
    lesson: str
    logdir: Path
    runs: dict = field(default_factory=dict)      # name -> RunResult
    numbers: dict = field(default_factory=dict)   # name -> value, e.g. {"xor_accuracy": 0.5}

    @property
    def run_dirs(self) -> list:
        return [r.run_dir for r in self.runs.values()]

    def stopped_runs(self) -> list:
        """The names of the runs that stopped early (diverged), in order."""
        return [name for name, run in self.runs.items() if run.history is not None and run.history.stop is not None]

    def takeaways_title(self) -> str:
        """``Takeaways:``, or, when a run stopped early, a title saying the takeaways are what the lesson shows at
        workable settings: this run's numbers cannot show them all."""
        stopped = self.stopped_runs()
        if not stopped:
            return "Takeaways:"
        return (f"Takeaways (what the lesson shows at workable settings; here {', '.join(stopped)} stopped early, so "
                "the numbers above cannot show them all):")
