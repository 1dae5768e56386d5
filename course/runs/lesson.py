"""One run of a lesson as one object: its name, its config, the runs it writes and the numbers it reports.

A lesson makes it once, in ``run(config)``, and hands it to its parts; each part trains through it, adds its
numbers to it and prints its own lines. A notebook does the same, one part a cell::

    lesson = Lesson("day2_mlp", config)
    run = lesson.train(model, ds, name="xor", goal="a hidden layer learns XOR")   # train_and_log, kept
    lesson.record({"xor_accuracy": run.metrics["val_accuracy"]})       # kept in lesson.numbers, and returned
    lesson.takeaways(["A hidden layer bends the decision boundary."])
    lesson.result                                      # the LessonResult: its runs and numbers
"""
from __future__ import annotations

from course.numbers import bullet
from course.runs.figures import add_figures, open_run, save_figures
from course.runs.experiment import settings, train_and_log
from course.runs.results import LessonResult, RunResult


class Lesson:
    """A lesson's name and config, and what it produced: ``result`` (runs by name, numbers by name).

    Example:
        >>> lesson = Lesson("mine", Config(epochs=5))
        >>> lesson.train(models.mlp(2, seed=0), data.moons(seed=0), name="moons").metrics["val_accuracy"]
    """

    def __init__(self, name: str, config):
        self.name, self.config = name, config
        self.result = LessonResult(name, config.logdir)

    @property
    def numbers(self) -> dict:
        """The numbers the lesson reports, by name (what tests assert on)."""
        return self.result.numbers

    @property
    def runs(self) -> dict:
        """The runs the lesson wrote, by name, in the order they were made."""
        return self.result.runs

    def record(self, numbers: dict) -> dict:
        """Keep a part's numbers in the lesson (``numbers``, by name) and return them: ``return lesson.record({...})``
        ends a part."""
        self.result.numbers.update(numbers)
        return numbers

    def keep(self, run: RunResult) -> RunResult:
        """Record a run the lesson made itself (a family's own loop, a measurement, a worker's run)."""
        self.result.runs[run.name] = run
        return run

    def train(self, model, dataset, *, name: str, goal: str = "", config=None, hparams: dict | None = None,
              observers=(), log_options: dict | None = None) -> RunResult:
        """``train_and_log`` into a new run of this lesson (``config``: this part's own, else the lesson's), kept
        under ``name``."""
        return self.keep(train_and_log(model, dataset, config or self.config, lesson=self.name, name=name, goal=goal,
                                       hparams=hparams, observers=observers, log_options=log_options))

    def figures(self, name: str, pictures: dict, *, goal: str = "") -> RunResult:
        """A run of figures that belong to no training run: each saved as ``<tag>.png`` and logged as an image."""
        return self.keep(save_figures(self.config.logdir, self.name, name, pictures, goal=goal))

    def add_figures(self, run: RunResult, pictures: dict) -> None:
        """Figures drawn after a training run, added to it: ``<tag>.png`` and images at its last step."""
        add_figures(run, pictures)

    def open_run(self, name: str, *, goal: str = "", hparams: dict | None = None):
        """A new run directory and its ``RunLogger`` for a loop or a measurement of the lesson's own; the caller
        closes the logger and ``keep``s its ``RunResult``."""
        return open_run(self.config.logdir, self.name, name, hparams=hparams, goal=goal)

    def settings(self, name: str, config=None, **more) -> dict:
        """A run's hyperparameters, as ``train`` logs them: the training fields of ``config`` (else the lesson's)
        and what the run adds."""
        return settings(config or self.config, lesson=self.name, name=name, **more)

    def takeaways(self, texts, *, title: str | None = None) -> None:
        """Print the title (``Takeaways:``, or what a run that stopped early leaves of them) and each text as a
        bullet wrapped to 100 characters."""
        print(self.result.takeaways_title() if title is None else title)
        for text in texts:
            for line in bullet(text):
                print(line)
