"""A day's exercises as a notebook, written from the exercise registry: a new exercise appears in its day's notebook
by itself, and a notebook can never disagree with ``course exercises init``'s starters (the same texts).

    cells = exercise_cells(3, "Day 3 - Weights and bias")     # [Cell, ...]: the intro, then each exercise
    cells = exercise_cells(3, "...", solutions=True)          # the course's solutions filled in (the tests' run)

First the imports the day's starters use (TensorFlow and Keras through ``course.training``: the same modules,
started quietly and deterministic); then for each exercise: its title and task (Markdown), the starter (the
function with its docstring: the shapes, an example, the trap; its body raises NotImplementedError),
``check(...)`` under it, ``hint(...)`` commented out (a hint is behind a call), and for an update rule, a
gradient, a step or a loop ``train(...)`` with TensorBoard on the two runs.
"""
from __future__ import annotations

from course.exercises import EXERCISES
from course.exercises.texts import function_text
from course.notebooks.percent import Cell

TENSORBOARD_TAG = "tensorboard"      # the cells that open TensorBoard (not run by the tests: they need a browser)
EXERCISE_LOGDIR = "logs/exercises"   # where train() writes its two runs (as `course check --train` does)


def day_exercises(day: int) -> list:
    """The exercises of day ``day``, in the registry's order."""
    return [e for e in EXERCISES.values() if e.day == day]


def exercise_days() -> list:
    """The days that have exercises, in order."""
    return sorted({e.day for e in EXERCISES.values()})


def tensorboard_cell(logdir: str, load: bool = False) -> Cell:
    """TensorBoard inside the notebook, over ``logdir``, on 127.0.0.1 only (TensorBoard's own default is every
    address of "localhost"); ``load``: load the extension first."""
    magic = f"%tensorboard --logdir {logdir} --host 127.0.0.1"
    return Cell("code", ("%load_ext tensorboard\n" if load else "") + magic, (TENSORBOARD_TAG,))


def _intro(day: int, title: str, exercises: list) -> Cell:
    first = exercises[0]
    trains = [e for e in exercises if e.train]
    lines = [f"# {title}: exercises", "",
             f"Write the math of Day {day} yourself: {len(exercises)} exercise{'s' * (len(exercises) != 1)}, "
             "each a function. For each one:", "",
             "1. write the body of the function in its cell (in place of the `raise NotImplementedError(...)` line), "
             "and run the cell;",
             f"2. run the `check(\"{first.id}\", {first.function})` cell under it: the course calls your function on "
             "seeded cases, compares what it returns with its own references and, when something is wrong, says what "
             "(a typical mistake by name, or where the numbers go wrong);",
             f"3. stuck? `hint(\"{first.id}\")` gives one more hint each time you run it, the last one leading to the "
             "formula (the cell under each check has it: remove the `#`).", "",
             "Once an exercise passes, the course's own solution appears under its verdict, to compare with yours."]
    if trains:
        names = ", ".join(f"`{e.function}`" for e in trains)
        lines += ["", f"Then `train(...)` trains a real Keras model with your {names}, beside the course's own code "
                  "from the same start, and TensorBoard opens on the two runs inside the notebook."]
    lines += ["", "The same exercises as files, for your editor: `course exercises init`, then `course check` in a "
              "terminal."]
    return Cell("markdown", "\n".join(lines))


QUIET = {"import tensorflow as tf", "import keras"}   # imported through the course: started quietly, deterministic


def _setup(exercises: list) -> Cell:
    """The imports the day's functions use (their starters' own), then check and hint (and train)."""
    lines = []
    for exercise in exercises:
        lines += [line for line in exercise.imports.splitlines() if line.strip() and line not in lines]
    standard = [line for line in lines if line not in QUIET and not line.startswith("import numpy")]
    numpy = [line for line in lines if line.startswith("import numpy")]
    course = ["from course.notebooks import check, hint" + (", train" if any(e.train for e in exercises) else "")]
    if QUIET & set(lines):
        course += ["# TensorFlow and Keras as the course starts them (quiet, deterministic): the modules "
                   "`import tensorflow as tf` gives", "from course.training import keras, tf"]
    if any(e.train for e in exercises):
        course += ["", "%load_ext tensorboard"]
    return Cell("code", "\n\n".join("\n".join(group) for group in (standard, numpy) if group) + "\n\n"
                + "\n".join(course))


def _train_cells(exercise) -> list:
    text = (f"### Train with your `{exercise.function}`\n\n"
            f"`train` checks `{exercise.function}` once more, then trains the lesson's Keras model with it through the "
            "course's GradientTape loop, then the same model from the same start with the course's own code, and logs "
            f"both runs to TensorBoard under `{EXERCISE_LOGDIR}`: `..._{exercise.id}` (yours) and "
            f"`..._{exercise.id}.course`. Their loss curves lie on one chart: type `{exercise.id}` in TensorBoard's "
            "run filter to see these two alone.")
    return [Cell("markdown", text), Cell("code", f'train("{exercise.id}", {exercise.function})'),
            tensorboard_cell(EXERCISE_LOGDIR)]


def exercise_cells(day: int, title: str, *, solutions: bool = False) -> list:
    """The cells of day ``day``'s exercise notebook; ``solutions``: the course's solution in each function's cell."""
    exercises = day_exercises(day)
    if not exercises:
        raise ValueError(f"day {day} has no exercises; the days with exercises are {exercise_days()}")
    cells = [_intro(day, title, exercises), _setup(exercises)]
    for number, exercise in enumerate(exercises, 1):
        task = " ".join(exercise.task.split())
        cells += [Cell("markdown", f"## {number}. `{exercise.id}`: {exercise.title}\n\n{task}"),
                  Cell("code", function_text(exercise, solution=solutions)),
                  Cell("code", f'check("{exercise.id}", {exercise.function})'),
                  Cell("code", f'# hint("{exercise.id}")     # stuck? remove the "#" and run this cell: one more hint '
                               "each time")]
        if exercise.train:
            cells += _train_cells(exercise)
    return cells
