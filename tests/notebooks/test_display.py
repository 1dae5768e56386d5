"""Figures and code shown in a notebook: the PNGs a lesson's runs saved, each once, under a line naming it (outside
a notebook, the lines alone; the pictures themselves are checked in the executed notebooks, test_execute.py)."""
import inspect

import pytest

from course.config import Config
from course.notebooks import show_code, show_figures
from course.runs import Lesson, RunResult
from tests.helpers import PNG_SIGNATURE


def run_with_pngs(root, name, tags):
    run_dir = root / f"20261205-101010_{name}"
    run_dir.mkdir(parents=True)
    for tag in tags:
        (run_dir / f"{tag}.png").write_bytes(PNG_SIGNATURE + b"not a real picture")
    return RunResult(name=name, run_dir=run_dir, history=None, model=None)


def captions(out):
    return [line for line in out.splitlines() if line.startswith(("xor:", "moons:"))]


def test_each_run_is_shown_once_by_default_and_again_by_name(tmp_path, capsys):
    lesson = Lesson("mine", Config(logdir=str(tmp_path)))
    xor = lesson.keep(run_with_pngs(tmp_path, "xor", ["training_curves"]))
    show_figures(lesson)
    first = captions(capsys.readouterr().out)
    assert first == [f"xor: training curves  ({xor.run_dir / 'training_curves.png'})"]
    lesson.keep(run_with_pngs(tmp_path, "moons", ["decision_boundary"]))
    show_figures(lesson)                                  # only the run made since
    assert [c.split("  (")[0] for c in captions(capsys.readouterr().out)] == ["moons: decision boundary"]
    show_figures(lesson, "xor")                           # by name: again
    assert captions(capsys.readouterr().out) == first
    show_figures(xor)                                     # or one run
    assert captions(capsys.readouterr().out) == first


def test_an_unknown_run_is_named_with_the_lesson_s_runs(tmp_path):
    lesson = Lesson("mine", Config(logdir=str(tmp_path)))
    lesson.keep(run_with_pngs(tmp_path, "xor", []))
    with pytest.raises(ValueError, match="no run named 'moon'; this lesson's runs: xor"):
        show_figures(lesson, "moon")


def test_show_code_shows_the_function_s_own_source(capsys):
    show_code(run_with_pngs)
    out = capsys.readouterr().out
    assert out == inspect.getsource(run_with_pngs)          # outside a notebook: printed


def test_a_figure_added_to_shown_runs_is_shown_once_with_a_line_for_each_other_run(tmp_path, capsys):
    lesson = Lesson("mine", Config(logdir=str(tmp_path)))
    sgd = lesson.keep(run_with_pngs(tmp_path, "sgd", ["curves"]))
    adam = lesson.keep(run_with_pngs(tmp_path, "adam", []))
    show_figures(lesson)
    capsys.readouterr()
    for run in (sgd, adam):                               # one figure, saved into every run (Day 8's paths)
        (run.run_dir / "optimizer_paths.png").write_bytes(PNG_SIGNATURE + b"the paths")
    show_figures(lesson)
    assert capsys.readouterr().out.splitlines() == [
        f"sgd: optimizer paths  ({sgd.run_dir / 'optimizer_paths.png'})",
        f"adam: optimizer paths: the same figure as sgd's  ({adam.run_dir / 'optimizer_paths.png'})"]
    show_figures(lesson)                                  # nothing new
    assert capsys.readouterr().out == ""
