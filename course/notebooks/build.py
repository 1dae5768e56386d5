"""Building the notebooks the package ships, from their one source each, kept in git:

- a lesson's notebook from ``lessons/notebooks/<lesson>.py`` (jupytext's percent format: Markdown and the cells
  that call the lesson's parts) under a first cell written from the lesson module's own docstring (its title,
  goal and notes), so the goal is never typed twice;
- a day's exercise notebook from the exercise registry (``practice``).

    python -m course.notebooks            # rebuild course/notebooks/files/ from the sources
    python -m course.notebooks --check    # exit 1 naming each notebook that differs from what its source builds

    texts = build(root)                   # {"day02_mlp.ipynb": "...", "day02_mlp_exercises.ipynb": "...", ...}
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from course.notebooks import ipynb, percent, practice

PACKAGED = Path(__file__).resolve().parent / "files"      # the built notebooks, shipped as package data
SOURCES = Path("lessons") / "notebooks"                     # the lessons' notebook sources, in the repository
_LESSON = re.compile(r"^day(?P<day>\d+)_[a-z0-9_]+$")
_RUN = re.compile(r"^Run:\s*(?P<command>.+?)\s*\(or:\s*(?P<other>.+?)\)\s*$")
_LABEL = re.compile(r"^(?P<label>[A-Z][A-Za-z0-9 ]{0,30}):\s")
_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def repository() -> Path:
    """The repository this package was installed from in editable mode (its sources are there)."""
    return Path(__file__).resolve().parents[2]


def day_of(lesson: str) -> int:
    match = _LESSON.match(lesson)
    if match is None:
        raise ValueError(f"a lesson's name reads dayN_topic, got {lesson!r}")
    return int(match.group("day"))


def notebook_name(lesson: str, exercises: bool = False) -> str:
    """``day2_mlp`` -> ``day02_mlp.ipynb`` (``day02_mlp_exercises.ipynb``): two digits, so Day 10 sorts last."""
    day = day_of(lesson)
    return f"day{day:02d}{lesson[len(f'day{day}'):]}{'_exercises' if exercises else ''}.ipynb"


def lessons(root) -> dict:
    """{day: lesson module name} of the lessons in ``root/lessons``."""
    found = {}
    for path in sorted((Path(root) / "lessons").glob("day*_*.py")):
        if _LESSON.match(path.stem):
            found[day_of(path.stem)] = path.stem
    return dict(sorted(found.items()))


def docstring(root, lesson: str) -> str:
    """The lesson module's docstring, read from its source (nothing is imported)."""
    path = Path(root) / "lessons" / f"{lesson}.py"
    return ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""


def _markdown_text(text: str) -> str:
    """Plain docstring prose as Markdown text: the characters Markdown would read as markup escaped."""
    return _SPECIAL.sub(r"\\\1", text)


def goal_markdown(doc: str) -> str:
    """A lesson's docstring as the notebook's first cell: the title as a heading, each paragraph joined into one,
    ``Goal:``/``Note:``-style labels in bold, the ``Run:`` line as the terminal commands."""
    paragraphs = [" ".join(p.split()) for p in doc.strip().split("\n\n") if p.strip()]
    if not paragraphs:
        raise ValueError("the lesson has no docstring to take its title and goal from")
    out = [f"# {_markdown_text(paragraphs[0].rstrip('.'))}"]
    for paragraph in paragraphs[1:]:
        run = _RUN.match(paragraph)
        label = _LABEL.match(paragraph)
        if run:
            out.append(f"**From a terminal:** `{run.group('command')}` (or `{run.group('other')}`); here, run the "
                       "cells one by one (Shift-Enter), top to bottom.")
        elif label:
            rest = paragraph[label.end():]
            out.append(f"**{label.group('label')}:** {_markdown_text(rest)}")
        else:
            out.append(_markdown_text(paragraph))
    return "\n\n".join(out)


def title(doc: str) -> str:
    """The first line of a lesson's docstring, without its full stop: "Day 2 - The multi-layer perceptron: ..."."""
    return " ".join(doc.strip().split("\n\n")[0].split()).rstrip(".")


def lesson_cells(root, lesson: str) -> list:
    """The cells of a lesson's notebook: the goal from its docstring, then its source's cells."""
    source = Path(root) / SOURCES / f"{lesson}.py"
    cells = percent.parse(source.read_text(encoding="utf-8"), name=str(SOURCES / source.name))
    return [percent.Cell("markdown", goal_markdown(docstring(root, lesson))), *cells]


def build(root=None, *, solutions: bool = False) -> dict:
    """{file name: notebook text} of every notebook: each lesson with a source, each day with exercises.
    ``solutions``: the exercise notebooks with the course's solutions filled in (what the tests run)."""
    root = Path(root) if root is not None else repository()
    found = lessons(root)
    texts = {}
    for day, lesson in found.items():
        if (root / SOURCES / f"{lesson}.py").is_file():
            doc = docstring(root, lesson)
            texts[notebook_name(lesson)] = ipynb.dumps(ipynb.notebook(lesson_cells(root, lesson), title(doc)))
    for day in practice.exercise_days():
        if day not in found:
            raise ValueError(f"day {day} has exercises but no lesson in {root / 'lessons'}")
        doc = docstring(root, found[day])
        cells = practice.exercise_cells(day, title(doc), solutions=solutions)
        texts[notebook_name(found[day], exercises=True)] = ipynb.dumps(
            ipynb.notebook(cells, f"{title(doc)}: exercises"))
    return dict(sorted(texts.items()))


def stale(root=None, target=PACKAGED) -> list:
    """What differs between ``target`` and what the sources build: one line per notebook changed, missing or extra."""
    built = build(root)
    target = Path(target)
    present = {p.name for p in target.glob("*.ipynb")} if target.is_dir() else set()
    lines = [f"{name}: missing (python -m course.notebooks builds it)" for name in built if name not in present]
    lines += [f"{name}: differs from its source (python -m course.notebooks rebuilds it)" for name in built
              if name in present and (target / name).read_text(encoding="utf-8") != built[name]]
    lines += [f"{name}: has no source (remove it)" for name in sorted(present - set(built))]
    return lines


def write(root=None, target=PACKAGED) -> list:
    """Write every notebook into ``target`` (rebuilt: it is generated), remove those without a source; the names
    written."""
    built = build(root)
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for path in target.glob("*.ipynb"):
        if path.name not in built:
            path.unlink()
    for name, text in built.items():
        path = target / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return list(built)
