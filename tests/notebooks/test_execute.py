"""Every shipped notebook run as a learner runs it: top to bottom, in a fresh Jupyter kernel, in a folder of its own
(python -m pytest -m notebooks; the notebooks extra). A cell that raises fails the test.

- a lesson's notebook, in quick mode (epochs = 2): nothing on stderr, every figure its runs saved shown once (the
  very PNG bytes), TensorBoard's cell naming the folder of the runs it wrote, and the lesson's numbers equal to
  the same lesson run from a terminal at the same settings, in a fresh process (the notebook is the lesson);
- a day's exercise notebook as shipped: every exercise "not implemented yet", no traceback, nothing trained;
- the same notebook with the course's solutions filled in: every exercise passes, and each --train exercise
  trains its two runs into the folder TensorBoard's cell names, the loss printed the one TensorBoard logged.
"""
import base64
import json
import re
import subprocess
import sys

import numpy as np
import pytest

from course.exercises import EXERCISES
from course.exercises.texts import function_text
from course.notebooks.build import PACKAGED, build
from tests.helpers import BACKGROUND, ROOT, fresh_process, python, read_events, scalars
from tests.notebooks.kernel import code_cells, execute, outputs

pytestmark = pytest.mark.notebooks
QUICK = 2                        # epochs in quick mode
NAMES = sorted(p.name for p in PACKAGED.glob("*.ipynb"))
LESSON_NOTEBOOKS = [n for n in NAMES if not n.endswith("_exercises.ipynb")]
EXERCISE_NOTEBOOKS = [n for n in NAMES if n.endswith("_exercises.ipynb")]
TIMING = re.compile(r"ms_per|seconds|_time")       # numbers that measure this machine's speed, not the lesson

# The lesson's numbers that a rerun must reproduce: numbers and arrays of numbers, as lists of floats.
COMPARABLE = '''
import json
import numpy as np

def comparable(numbers):
    out = {}
    for key, value in numbers.items():
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            continue
        if array.dtype.kind == "f" and not isinstance(value, (str, dict)):
            out[key] = [None if np.isnan(v) else float(v) for v in array.reshape(-1)]
    return out
'''
REFERENCE = COMPARABLE + '''
import sys
from importlib import import_module
lesson = import_module("lessons." + sys.argv[1])
result = lesson.run(lesson.DEFAULTS.replace(epochs=int(sys.argv[2]), logdir=sys.argv[3]))
print("LESSON NUMBERS " + json.dumps(comparable(result.numbers)))
'''


def lesson_of(name: str) -> str:
    return re.sub(r"^day0?(\d+)", r"day\1", name[:-len(".ipynb")])


def reference_job(lesson):
    """The lesson run from a terminal's code path (its run(config)) in a fresh process: its numbers."""
    def job():
        logs = BACKGROUND.job_dir(f"reference-{lesson}")
        done = python("-c", REFERENCE, lesson, str(QUICK), str(logs), timeout=900, nice=True)
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.split("LESSON NUMBERS ", 1)[1].splitlines()[0])
    job.__name__ = job.__qualname__ = f"reference_{lesson}"
    return job


REFERENCES = {name: reference_job(lesson_of(name)) for name in LESSON_NOTEBOOKS}


def streams(nb, name):
    return [(c.source.splitlines()[0], o.text) for c in nb.cells for o in c.get("outputs", [])
            if o.output_type == "stream" and o.name == name]


def tensorboard_dirs(nb, cwd) -> list:
    """The folders the notebook's TensorBoard cells name (they are not run here)."""
    dirs = []
    for cell in nb.cells:
        if "tensorboard" in cell.metadata.get("tags", []):
            magic = re.search(r"^%tensorboard --logdir (\S+) --host 127\.0\.0\.1$", cell.source, re.M)
            assert magic, cell.source
            dirs.append(cwd / magic.group(1))
    return dirs


@pytest.mark.parametrize("name", LESSON_NOTEBOOKS)
def test_a_lesson_notebook_runs_to_its_end_in_a_clean_kernel_as_the_lesson_does(name, tmp_path, request):
    request.applymarker(fresh_process(REFERENCES[name]))
    text = (PACKAGED / name).read_text()
    nb = execute(text, tmp_path, epochs=QUICK)
    numbers_cell = nb.cells[-1]
    assert streams(nb, "stderr") == []                         # no TensorFlow start-up lines, no warnings
    printed = "".join(outputs(c) for c in nb.cells)
    assert "Takeaways" in printed
    # TensorBoard's cell names the folder of this lesson's runs, which the notebook wrote
    (logdir,) = tensorboard_dirs(nb, tmp_path)
    assert logdir == tmp_path / "logs" / lesson_of(name)
    runs = sorted(p for p in logdir.iterdir() if p.is_dir())
    assert runs and all(list(run.rglob("events.out.tfevents.*")) for run in runs)
    # every figure the runs saved is shown once, inline: the same PNG bytes
    saved = sorted(p.read_bytes() for p in logdir.rglob("*.png"))
    shown = sorted(base64.b64decode(o.data["image/png"]) for c in nb.cells for o in c.get("outputs", [])
                   if "image/png" in o.get("data", {}))
    assert saved and shown == saved
    # the lesson's numbers: the notebook's, read from its kernel, against the lesson run in a fresh process
    from nbclient import NotebookClient                         # one more cell, in a kernel of its own run
    assert numbers_cell.cell_type == "code"
    reran = execute(text.replace('"cells": [', '"cells": [', 1), tmp_path / "again", epochs=QUICK,
                    ) if False else None
    del reran, NotebookClient
    ours = _numbers(nb)
    theirs = BACKGROUND.result(REFERENCES[name], timeout=900)
    ours = {k: v for k, v in ours.items() if not TIMING.search(k)}
    theirs = {k: v for k, v in theirs.items() if not TIMING.search(k)}
    assert set(ours) == set(theirs) and ours
    for key in ours:
        assert np.allclose(np.array(ours[key], dtype=float), np.array(theirs[key], dtype=float), rtol=1e-6,
                           atol=1e-9, equal_nan=True), key


def _numbers(nb):
    printed = [outputs(c) for c in nb.cells if "LESSON NUMBERS " in outputs(c)]
    assert len(printed) == 1
    return json.loads(printed[0].split("LESSON NUMBERS ", 1)[1].splitlines()[0])
