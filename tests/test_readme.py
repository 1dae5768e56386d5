"""The README and CI agree: .ci/run runs the README's test command as written; what the README names exists."""
import importlib
import importlib.util
import re

import pytest

import course
from tests.helpers import ROOT

README = (ROOT / "README.md").read_text()


def _quick_start_commands():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)\n```", section, flags=re.S)


def test_quick_start_is_exactly_two_commands():
    commands = _quick_start_commands()
    assert commands == ['pip install -e . && python -m lessons.day2_mlp',
                        'pip install -e ".[test]" && python -m pytest']


def test_ci_runs_the_readme_test_command_as_written():
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    assert _quick_start_commands()[1] in ci_lines


def test_readme_lists_every_lesson_and_flag():
    from course.cli.lessons import LESSONS
    for lesson in LESSONS:
        assert f"python -m lessons.{lesson}" in README
    for flag in ("--epochs", "--learning-rate", "--batch-size", "--optimizer", "--seed", "--logdir",
                 "--trace-steps", "--eager", "--dataset", "--quiet", "--log-every-step"):
        assert f"`{flag}" in README


def test_pyproject_holds_only_the_build_system():
    text = (ROOT / "pyproject.toml").read_text()
    assert [line for line in text.splitlines() if line.startswith("[")] == ["[build-system]"]


def test_every_course_module_the_readme_names_resolves():
    named = sorted(set(re.findall(r"`(course\.[a-z_]+)`", README)))
    assert {"course.data", "course.models", "course.training"} <= set(named)
    for dotted in named:
        name = dotted.split(".", 1)[1]
        assert importlib.util.find_spec(dotted) is not None, dotted   # a module of this version, by its name
        assert importlib.import_module(dotted).__name__ == dotted and hasattr(course, name.split(".")[0])


def _python_m_modules():
    found = re.findall(r"python -m ([a-z_][a-z0-9_.]*)", README)
    return sorted({m for m in found if not m.endswith(".")})        # "python -m lessons.X": a placeholder


@pytest.mark.parametrize("module", _python_m_modules())
def test_every_python_m_command_in_the_readme_names_a_runnable_module(module):
    spec = importlib.util.find_spec(module)
    assert spec is not None, module
    if spec.submodule_search_locations is not None:              # a package runs its __main__
        assert importlib.util.find_spec(f"{module}.__main__") is not None, module


def test_what_the_course_writes_in_a_clone_is_ignored_by_git(tmp_path):
    """Issue 19: a learner's workspace, notebooks, runs and a teacher's gradings never show up as changes. Git
    itself reads the .gitignore (in a repository of its own, so that a checkout without .git works too)."""
    import shutil
    import subprocess
    assert shutil.which("git"), "this test asks git itself what .gitignore ignores"
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    shutil.copy(ROOT / ".gitignore", tmp_path / ".gitignore")
    paths = ["course-exercises/day1/sigmoid.py", "course-exercises/.course-exercises.json",
             "course-notebooks/day01_perceptron.ipynb", ".ipynb_checkpoints/x.ipynb",
             "logs/day1_perceptron/20261205-070000_blobs/train/events.out.tfevents.1",
             "grades-20261205-070000/grades.csv", "benchmarks/results/20261205-072333.json"]
    proc = subprocess.run(["git", "check-ignore", "--no-index", *paths], cwd=tmp_path, capture_output=True, text=True)
    assert proc.stdout.splitlines() == paths
    kept = subprocess.run(["git", "check-ignore", "--no-index", "logs/README.md", "README.md", "course/cli/drill.py"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert kept.stdout == "" and kept.returncode == 1
