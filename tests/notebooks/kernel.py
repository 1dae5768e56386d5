"""Running a notebook as a learner does: top to bottom, in a fresh Jupyter kernel (nbclient, which Jupyter itself
uses), in a directory of its own.

    nb = execute(text, tmp_path, epochs=2)       # the executed notebook (nbformat's NotebookNode)
    outputs(nb.cells[5])                         # its text: every stream, and each display's text/plain

The cells tagged ``tensorboard`` are not run (they start a server and need a browser): the tests read the
directory they name instead. ``epochs``: quick mode, a cell ``epochs = N`` put right after the cell tagged
``parameters`` (as papermill does), the notebook otherwise as shipped. A cell that raises stops the run with
nbclient's CellExecutionError, which names the cell and the error.
"""
from __future__ import annotations

import os
import re

from tests.helpers import ROOT

TENSORBOARD_TAG = "tensorboard"


def with_parameters(nb, **parameters):
    """``nb`` with a cell setting ``parameters`` after its cell tagged ``parameters`` (which must exist)."""
    import nbformat
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "a notebook run in quick mode has exactly one cell tagged 'parameters'"
    cell = nbformat.v4.new_code_cell("\n".join(f"{k} = {v!r}" for k, v in parameters.items()),
                                     metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(tagged[0] + 1, cell)
    return nb


def execute(text: str, cwd, timeout: int = 900, after=(), **parameters):
    """Run the notebook ``text`` in a fresh python3 kernel whose working directory is ``cwd``; the executed notebook.
    ``after``: code cells run after the notebook's, in the same kernel (what the test reads from it)."""
    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.reads(text, as_version=4)
    nbformat.validate(nb)
    if parameters:
        nb = with_parameters(nb, **parameters)
    nb.cells += [nbformat.v4.new_code_cell(source) for source in after]
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", skip_cells_with_tag=TENSORBOARD_TAG,
                            resources={"metadata": {"path": str(cwd)}})
    # the kernel imports this repository's course and lessons, whatever the environment has installed
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    client.execute(env={**os.environ, "PYTHONPATH": path})
    return nb


def outputs(cell, kinds=("stdout",)) -> str:
    """A cell's text output: its streams of ``kinds`` and the text/plain of what it displayed, in order."""
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream" and out.name in kinds:
            parts.append(out.text)
        elif out.output_type in ("display_data", "execute_result") and "display" in kinds:
            parts.append(out.data.get("text/plain", ""))
    return "".join(parts)


def code_cells(nb, pattern: str):
    """The code cells whose source matches ``pattern`` (a regular expression)."""
    return [c for c in nb.cells if c.cell_type == "code" and re.search(pattern, c.source)]
