"""Every shipped notebook is what its one source builds (a test fails when one drifts), and each lesson's notebook
calls the parts its lesson's run() calls, in the same order."""
import ast
import json
import re
import shutil

import pytest

from course.cli.lessons import LESSONS
from course.notebooks import build
from course.notebooks.build import PACKAGED, goal_markdown, notebook_name, stale, write
from course.notebooks.percent import parse
from course.notebooks.practice import exercise_days
from tests.helpers import ROOT

SOURCES = ROOT / "lessons" / "notebooks"


def lesson_copy(tmp_path):
    """The lessons and their notebook sources, copied: a tree to change without touching the repository's."""
    shutil.copytree(ROOT / "lessons", tmp_path / "lessons", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_every_committed_notebook_is_what_its_source_builds():
    assert stale() == []
    expected = {notebook_name(lesson) for lesson in LESSONS}
    expected |= {notebook_name(lesson, exercises=True) for lesson in LESSONS if int(lesson[3:].split("_")[0])
                 in exercise_days()}
    assert {p.name for p in PACKAGED.glob("*.ipynb")} == expected
    assert len([n for n in expected if not n.endswith("_exercises.ipynb")]) == 10


def test_a_notebook_that_drifts_from_its_source_is_named(tmp_path):
    root = lesson_copy(tmp_path / "repo")
    source = root / "lessons" / "notebooks" / "day2_mlp.py"
    source.write_text(source.read_text().replace("## 2. Learning XOR", "## 2. Learning XOR, edited"))
    lesson = root / "lessons" / "day5_softmax.py"           # the first cell comes from the lesson's docstring
    lesson.write_text(lesson.read_text().replace("Goal: compute softmax", "Goal: compute the softmax", 1))
    assert stale(root) == ["day02_mlp.ipynb: differs from its source (python -m course.notebooks rebuilds it)",
                           "day05_softmax.ipynb: differs from its source (python -m course.notebooks rebuilds it)"]


def test_a_missing_and_an_extra_notebook_are_named(tmp_path):
    target = tmp_path / "files"
    shutil.copytree(PACKAGED, target)
    (target / "day03_weights_bias.ipynb").unlink()
    (target / "day11_extra.ipynb").write_text("{}")
    assert stale(target=target) == ["day03_weights_bias.ipynb: missing (python -m course.notebooks builds it)",
                                    "day11_extra.ipynb: has no source (remove it)"]


def test_write_rebuilds_a_folder_to_what_the_sources_build(tmp_path):
    target = tmp_path / "files"
    target.mkdir()
    (target / "day11_extra.ipynb").write_text("{}")
    (target / "day02_mlp.ipynb").write_text("{}")
    names = write(target=target)
    assert names == sorted(p.name for p in PACKAGED.glob("*.ipynb"))
    assert {p.name: p.read_bytes() for p in target.iterdir()} == {p.name: p.read_bytes() for p in PACKAGED.iterdir()}


def test_notebook_names_sort_by_day_and_put_the_lesson_first():
    assert notebook_name("day2_mlp") == "day02_mlp.ipynb"
    assert notebook_name("day2_mlp", exercises=True) == "day02_mlp_exercises.ipynb"
    assert notebook_name("day10_distributed") == "day10_distributed.ipynb"
    names = [notebook_name(lesson, exercises) for lesson in LESSONS for exercises in (False, True)]
    assert sorted(names) == names
    with pytest.raises(ValueError, match="a lesson's name reads dayN_topic, got 'mlp'"):
        notebook_name("mlp")


def test_the_goal_cell_is_the_docstring_as_markdown():
    doc = ("Day 3 - Weights and bias: what each one does.\n\nGoal: see that the weight sets how\nsharply a neuron "
           "switches on.\n\nRun: python -m lessons.day3_weights_bias        (or: course run day3_weights_bias)\n\n"
           "A neuron computes f(w*x + b) at x = -b/w.\n\nNew since Day 2: a bias.\n")
    assert goal_markdown(doc) == (
        "# Day 3 - Weights and bias: what each one does\n\n"
        "**Goal:** see that the weight sets how sharply a neuron switches on.\n\n"
        "**From a terminal:** `python -m lessons.day3_weights_bias` (or `course run day3_weights_bias`); here, run "
        "the cells one by one (Shift-Enter), top to bottom.\n\n"
        "A neuron computes f(w\\*x + b) at x = -b/w.\n\n"
        "**New since Day 2:** a bias.")


def test_cells_are_nbformat_45_json_with_stable_ids():
    text = (PACKAGED / "day02_mlp.ipynb").read_text()
    nb = json.loads(text)
    assert text == json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    assert (nb["nbformat"], nb["nbformat_minor"]) == (4, 5)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    ids = [c["id"] for c in nb["cells"]]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"c\d\d-[0-9a-f]{8}", i) for i in ids)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert build.build()["day02_mlp.ipynb"] == text          # the same sources, the same bytes


# --- the lessons' notebooks ------------------------------------------------------------------------------------

def run_references(lesson: str) -> list:
    """The lesson's own functions its run() uses, in the order they first appear (the parts, their data)."""
    tree = ast.parse((ROOT / "lessons" / f"{lesson}.py").read_text())
    functions = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)} - {"run", "main"}
    run = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "run")
    seen = []
    for node in sorted((n for n in ast.walk(run) if isinstance(n, ast.Name) and n.id in functions),
                       key=lambda n: (n.lineno, n.col_offset)):
        if node.id not in seen:
            seen.append(node.id)
    return seen


def notebook_calls(lesson: str) -> list:
    """The lesson's functions the notebook's source calls, in the order they are first called."""
    cells = parse((SOURCES / f"{lesson}.py").read_text())
    code = "\n".join(line for c in cells if c.kind == "code" for line in c.source.splitlines()
                     if not line.startswith("%"))
    tree = ast.parse(code)
    alias = next(a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == "lessons"
                 for a in n.names if a.name == lesson)
    seen = []
    for node in sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                        and isinstance(n.func.value, ast.Name) and n.func.value.id == alias),
                       key=lambda n: (n.lineno, n.col_offset)):
        if node.func.attr not in seen:
            seen.append(node.func.attr)
    return seen


@pytest.mark.parametrize("lesson", LESSONS)
def test_a_lesson_notebook_calls_the_parts_its_run_calls_in_order(lesson):
    assert (SOURCES / f"{lesson}.py").is_file(), f"lessons/notebooks/{lesson}.py: the lesson has no notebook"
    parts = run_references(lesson)
    assert "takeaways" in parts and len(parts) >= 3
    assert notebook_calls(lesson) == parts


@pytest.mark.parametrize("lesson", LESSONS)
def test_a_lesson_notebook_has_its_goal_a_parameters_cell_and_tensorboard_on_its_runs(lesson):
    nb = json.loads((PACKAGED / notebook_name(lesson)).read_text())
    cells = [("".join(c["source"]), c["metadata"].get("tags", [])) for c in nb["cells"]]
    doc = build.docstring(ROOT, lesson)
    goal = " ".join(doc.split("Goal:", 1)[1].split("\n\n")[0].split())
    assert cells[0][0].startswith(f"# Day {lesson[3:].split('_')[0]} - ") and "**Goal:**" in cells[0][0]
    assert goal.replace("*", "\\*").replace("_", "\\_") in cells[0][0]
    parameters = [source for source, tags in cells if "parameters" in tags]
    assert len(parameters) == 1 and re.match(r"epochs = day\d+\.DEFAULTS\.epochs\b", parameters[0])
    boards = [source for source, tags in cells if "tensorboard" in tags]
    assert boards == [f"%load_ext tensorboard\n%tensorboard --logdir logs/{lesson} --host 127.0.0.1"]
    assert all("%tensorboard" not in source for source, tags in cells if "tensorboard" not in tags)
