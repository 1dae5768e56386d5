"""Text sources of notebooks in jupytext's percent format, read into cells (no Jupyter needed).

    # %% [markdown]
    # ## 2. Learning XOR
    # %% tags=["parameters"]
    epochs = 50
    # %%
    # %load_ext tensorboard

    cells = parse(text)        # [Cell("markdown", "## 2. Learning XOR"), Cell("code", "epochs = 50", ("parameters",)),
                               #  Cell("code", "%load_ext tensorboard")]

The subset read here is the one jupytext writes: a cell starts at a ``# %%`` line, ``[markdown]`` makes it a
Markdown cell (each line ``# text``), ``tags=[...]`` gives its tags; in a code cell a magic is kept commented
(``# %tensorboard ...``), so the source stays a valid Python file, and uncommented in the notebook. Blank lines
around a cell are dropped. Anything else on a ``# %%`` line is refused with the line's number.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

_MARKER = re.compile(r"^# %%(?P<rest>.*)$")
_OPTIONS = re.compile(r"^\s*(?P<kind>\[markdown\])?\s*(?:tags=(?P<tags>\[.*\]))?\s*$")
_MAGIC = re.compile(r"^# (?P<magic>%{1,2}[A-Za-z_].*)$")     # "# %tensorboard ..." in a code cell


@dataclass(frozen=True)
class Cell:
    kind: str                 # "code" or "markdown"
    source: str               # the cell's text, as the notebook shows it
    tags: tuple = ()          # e.g. ("parameters",)


def parse(text: str, name: str = "<source>") -> list:
    """The cells of a percent-format ``text``; ValueError naming ``name`` and the line for what it cannot read."""
    cells, current = [], None
    for number, line in enumerate(text.splitlines(), 1):
        marker = _MARKER.match(line)
        if marker:
            options = _OPTIONS.match(marker.group("rest"))
            if options is None:
                raise ValueError(f"{name}, line {number}: a cell marker reads '# %%', '# %% [markdown]' or "
                                 f"'# %% tags=[\"...\"]', got {line!r}")
            tags = _tags(options.group("tags"), name, number)
            current = ("markdown" if options.group("kind") else "code", tags, [])
            cells.append(current)
        elif current is None:
            if line.strip():
                raise ValueError(f"{name}, line {number}: text before the first '# %%' cell marker")
        else:
            current[2].append(line)
    return [Cell(kind, _source(kind, lines, name), tags) for kind, tags, lines in cells]


def _tags(text, name, number) -> tuple:
    if text is None:
        return ()
    try:
        tags = json.loads(text)
    except ValueError:
        tags = None
    if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
        raise ValueError(f"{name}, line {number}: tags must be a JSON list of names, got {text}")
    return tuple(tags)


def _source(kind: str, lines: list, name: str) -> str:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    if kind == "code":
        return "\n".join(m.group("magic") if (m := _MAGIC.match(line)) else line for line in lines)
    text = []
    for line in lines:
        if line != "#" and not line.startswith("# "):
            raise ValueError(f"{name}: a Markdown line must start with '# ', got {line!r}")
        text.append(line[2:])
    return "\n".join(text)
