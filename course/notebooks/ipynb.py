"""A notebook as Jupyter stores it (nbformat 4.5), written without Jupyter: the same JSON ``nbformat.writes`` gives.

    text = dumps(notebook([Cell("markdown", "# Day 2"), Cell("code", "from lessons import day2_mlp")]))

No outputs and no execution counts: a notebook ships clean and the learner's kernel fills it. Every cell gets a
stable id (from its position and text), so building the same cells twice gives the same bytes: the committed
notebooks can be compared with what their sources build.
"""
from __future__ import annotations

import hashlib
import json

KERNEL = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _lines(text: str) -> list:
    """A cell's source as nbformat stores it: a list of lines, each but the last ending in a newline."""
    return text.splitlines(keepends=True)


def _cell_id(index: int, cell) -> str:
    digest = hashlib.sha1(f"{cell.kind}\n{cell.source}".encode("utf-8")).hexdigest()[:8]
    return f"c{index:02d}-{digest}"


def cell_json(index: int, cell) -> dict:
    """One cell (a ``percent.Cell``) as nbformat 4.5 writes it."""
    metadata = {"tags": list(cell.tags)} if cell.tags else {}
    out = {"cell_type": cell.kind, "id": _cell_id(index, cell), "metadata": metadata, "source": _lines(cell.source)}
    if cell.kind == "code":
        out.update(execution_count=None, outputs=[])
    return out


def notebook(cells, title: str = "") -> dict:
    """A notebook of ``cells`` (``percent.Cell``), for the Python 3 kernel."""
    metadata = {"kernelspec": dict(KERNEL), "language_info": {"name": "python"}}
    if title:
        metadata["title"] = title
    return {"cells": [cell_json(i, c) for i, c in enumerate(cells)], "metadata": metadata,
            "nbformat": 4, "nbformat_minor": 5}


def dumps(nb: dict) -> str:
    """The notebook's text, as ``nbformat.writes`` makes it (sorted keys, one-space indent, a final newline)."""
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
