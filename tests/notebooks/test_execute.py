"""Every shipped notebook run as a learner runs it: top to bottom, in a fresh Jupyter kernel, in a folder of its own
(python -m pytest -m notebooks; the notebooks extra; .ci/run runs them). A cell that raises fails the test.

- a lesson's notebook, in quick mode (epochs = 2): nothing on stderr, every figure its runs saved shown once (the
  very PNG bytes), its runs in the folder TensorBoard's cell names, and the lesson's numbers, read from the
  notebook's kernel, equal to the same lesson run from a terminal's code path (``run(config)``) at the same
  settings in a fresh process: the notebook is the lesson;
- a day's exercise notebook as shipped: every exercise "not implemented yet" with how to get a hint, no
  traceback, nothing trained, and a hint when asked for one;
- the same notebook with the course's solutions filled in (``build(solutions=True)``): every exercise passes, its
  solution shown under it, and each exercise that trains writes its two runs into the folder TensorBoard's cell
  names: the learner's loss curve the course's, to the bit for a TensorFlow exercise, to float32's precision
  (Adam: 1e-4) for one in NumPy, and the verdict and the losses printed the ones TensorBoard logged.
"""
import base64
import json
import re

import numpy as np
import pytest

from course.exercises import EXERCISES
from course.exercises.supervised import coincide
from course.notebooks.build import PACKAGED, build
from tests.helpers import BACKGROUND, fresh_process, python, read_events
from tests.notebooks.kernel import execute, outputs

pytestmark = pytest.mark.notebooks
QUICK = 2                        # epochs in quick mode
NAMES = sorted(p.name for p in PACKAGED.glob("*.ipynb"))
LESSON_NOTEBOOKS = [n for n in NAMES if not n.endswith("_exercises.ipynb")]
EXERCISE_NOTEBOOKS = [n for n in NAMES if n.endswith("_exercises.ipynb")]
TIMING = re.compile(r"ms_per|seconds|_time")       # numbers that measure this machine's speed, not the lesson

# A lesson's numbers as JSON: each number or array of numbers as a list of floats (NaN as null), the rest left out.
COMPARABLE = '''
import json as _json
import numpy as _np

def _comparable(numbers):
    out = {}
    for key, value in numbers.items():
        if isinstance(value, (str, dict)):
            continue
        try:
            array = _np.asarray(value, dtype=_np.float64)
        except (TypeError, ValueError):
            continue
        out[key] = [None if _np.isnan(v) else float(v) for v in array.reshape(-1)]
    return out
'''
# the cell the test adds after a lesson's notebook, in the same kernel: the numbers its lesson object kept
NUMBERS_CELL = COMPARABLE + 'print("LESSON NUMBERS " + _json.dumps(_comparable(lesson.numbers)))'
# the same lesson run by run(config), as `python -m lessons.<lesson> --epochs 2` runs it, in a fresh process
REFERENCE = COMPARABLE + '''
import sys
from importlib import import_module
module = import_module("lessons." + sys.argv[1])
result = module.run(module.DEFAULTS.replace(epochs=int(sys.argv[2]), logdir=sys.argv[3]))
print("LESSON NUMBERS " + _json.dumps(_comparable(result.numbers)))
'''


def lesson_of(name: str) -> str:
    """day02_mlp.ipynb -> day2_mlp"""
    return re.sub(r"^day0?(\d+)", r"day\1", name[:-len(".ipynb")])


def reference_job(lesson):
    """The lesson run from a terminal's code path (its run(config)) in a fresh process: its numbers."""
    def job():
        logs = BACKGROUND.job_dir(f"reference-{lesson}")
        done = python("-c", REFERENCE, lesson, str(QUICK), str(logs), timeout=900, nice=True)
        assert done.returncode == 0, done.stderr[-3000:]
        return printed_numbers(done.stdout)
    job.__name__ = job.__qualname__ = f"reference_{lesson}"
    return job


REFERENCES = {name: reference_job(lesson_of(name)) for name in LESSON_NOTEBOOKS}


def printed_numbers(text: str) -> dict:
    (line,) = [line for line in text.splitlines() if line.startswith("LESSON NUMBERS ")]
    return {key: value for key, value in json.loads(line[len("LESSON NUMBERS "):]).items() if not TIMING.search(key)}


def stderr_of(nb) -> list:
    return [(c.source.splitlines()[0], o.text) for c in nb.cells for o in c.get("outputs", [])
            if o.output_type == "stream" and o.name == "stderr"]


def errors_of(nb) -> list:
    return [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]


def tensorboard_dirs(nb, cwd) -> list:
    """The folders the notebook's TensorBoard cells name (they are not run here: they start a server)."""
    dirs = []
    for cell in nb.cells:
        if "tensorboard" in cell.metadata.get("tags", []):
            magic = re.search(r"^%tensorboard --logdir (\S+) --host 127\.0\.0\.1$", cell.source, re.M)
            assert magic, cell.source
            dirs.append(cwd / magic.group(1))
    return dirs


def cells_calling(nb, function: str, exercise_id: str):
    return [c for c in nb.cells if c.cell_type == "code" and c.source.startswith(f'{function}("{exercise_id}", ')]


@pytest.mark.parametrize("name", [pytest.param(n, marks=fresh_process(REFERENCES[n])) for n in LESSON_NOTEBOOKS])
def test_a_lesson_notebook_runs_to_its_end_in_a_clean_kernel_as_the_lesson_does(name, tmp_path):
    nb = execute((PACKAGED / name).read_text(), tmp_path, epochs=QUICK, after=[NUMBERS_CELL])
    assert stderr_of(nb) == [] and errors_of(nb) == []       # no TensorFlow start-up lines, no warnings
    printed = "".join(outputs(c) for c in nb.cells)
    assert re.search(r"^Takeaways", printed, re.M), printed[-2000:]
    # the runs are in the folder TensorBoard's cell names, each with its event files
    (logdir,) = tensorboard_dirs(nb, tmp_path)
    assert logdir == tmp_path / "logs" / lesson_of(name)
    runs = sorted(p for p in logdir.iterdir() if p.is_dir())
    assert runs and all(list(run.rglob("events.out.tfevents.*")) for run in runs)
    # every figure the runs saved is shown once, inline: the same PNG bytes (one saved in several runs, once)
    saved = {p.read_bytes() for p in logdir.rglob("*.png")}
    shown = [base64.b64decode(o.data["image/png"]) for c in nb.cells for o in c.get("outputs", [])
             if "image/png" in o.get("data", {})]
    assert saved and len(shown) == len(set(shown)) and set(shown) == saved
    # the lesson's numbers, read from the notebook's kernel, against the lesson run by run(config) in a fresh process
    ours = printed_numbers(outputs(nb.cells[-1]))
    theirs = BACKGROUND.result(REFERENCES[name], timeout=900)
    assert ours and set(ours) == set(theirs)
    for key in ours:
        assert np.allclose(np.array(ours[key], dtype=float), np.array(theirs[key], dtype=float), rtol=1e-6,
                           atol=1e-9, equal_nan=True), (key, ours[key], theirs[key])


@pytest.mark.parametrize("name", EXERCISE_NOTEBOOKS)
def test_a_shipped_exercise_notebook_says_not_implemented_yet_for_each_exercise(name, tmp_path):
    text = (PACKAGED / name).read_text()
    day = int(re.match(r"day(\d+)_", name).group(1))
    exercises = [e for e in EXERCISES.values() if e.day == day]
    first = exercises[0]
    nb = execute(text, tmp_path, after=[f'hint("{first.id}")', f'hint("{first.id}")'])
    assert stderr_of(nb) == [] and errors_of(nb) == []
    for exercise in exercises:
        (check,) = cells_calling(nb, "check", exercise.id)
        assert outputs(check) == (f"not yet {exercise.id}: not implemented yet: write the body of {exercise.function} "
                                  f'(hint("{exercise.id}") gives a hint)\n')
        for train in cells_calling(nb, "train", exercise.id):
            assert outputs(train).endswith("\nTraining starts once it passes: nothing was trained.\n")
    assert "Traceback" not in "".join(outputs(c, ("stdout", "stderr", "display")) for c in nb.cells)
    assert not (tmp_path / "logs").exists()                          # nothing trained
    hints = first.hints
    assert outputs(nb.cells[-2]) == f"Hint 1 of {len(hints)} for {first.id}: {hints[0]}\n"
    assert outputs(nb.cells[-1]).startswith(f"Hint {min(2, len(hints))} of {len(hints)} for {first.id}: "
                                            f"{hints[min(2, len(hints)) - 1]}\n")


@pytest.mark.parametrize("name", EXERCISE_NOTEBOOKS)
def test_the_exercise_notebook_with_the_course_s_solutions_passes_and_trains(name, tmp_path):
    day = int(re.match(r"day(\d+)_", name).group(1))
    exercises = [e for e in EXERCISES.values() if e.day == day]
    nb = execute(build(solutions=True)[name], tmp_path)
    assert stderr_of(nb) == [] and errors_of(nb) == []
    for exercise in exercises:
        (check,) = cells_calling(nb, "check", exercise.id)
        out = outputs(check)
        assert re.match(rf"ok      {re.escape(exercise.id)}: passed all \d+ cases\n        the course's solution, "
                        "to compare with yours:\n", out), out
        assert exercise.solution.strip().splitlines()[-1].strip() in out
    trained = [e for e in exercises if e.train]
    boards = tensorboard_dirs(nb, tmp_path)
    assert boards == [tmp_path / "logs" / "exercises"] * len(trained)
    for exercise in trained:
        (train,) = cells_calling(nb, "train", exercise.id)
        out = outputs(train)
        loss = re.search(r"^  batch loss after (\d+) steps: yours (\S+), the course's (\S+); largest difference over "
                         r"the \1 steps (\S+)$", out, re.M)
        assert loss and loss.group(2) == loss.group(3), out
        steps = int(loss.group(1))
        (yours,) = (tmp_path / "logs" / "exercises").glob(f"*_{exercise.id}")
        (course,) = (tmp_path / "logs" / "exercises").glob(f"*_{exercise.id}.course")
        logged = {key: np.array([v for _, v in read_events(run / "train")["batch_loss"]], np.float64)
                  for key, run in (("yours", yours), ("course", course))}
        assert len(logged["yours"]) == len(logged["course"]) == steps
        gap = float(np.max(np.abs(logged["yours"] - logged["course"])))
        assert f"{gap:.1e}" == loss.group(4) and f"{logged['yours'][-1]:.6f}" == loss.group(2)
        assert coincide(gap, max(abs(logged["yours"][-1]), abs(logged["course"][-1]))) in out.splitlines()
        if exercise.tensorflow:      # the same TensorFlow operations as the course's: the same bits
            assert gap == 0.0 and "  The two loss curves coincide exactly, step for step" in out
        else:                        # NumPy in float64 against Keras in float32 (Adam's betas rounded by Keras)
            assert np.allclose(logged["yours"], logged["course"], rtol=1e-4 if "adam" in exercise.id else 1e-5)
        difference = [v for _, v in read_events(yours / "train")["batch_loss_difference"]]
        assert np.allclose(difference, logged["yours"] - logged["course"], rtol=0, atol=1e-9)
