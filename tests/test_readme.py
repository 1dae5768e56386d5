"""The README and CI agree: .ci/run runs the README's test command as written."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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
    from course.cli import LESSONS
    for lesson in LESSONS:
        assert f"python -m lessons.{lesson}" in README
    for flag in ("--epochs", "--learning-rate", "--batch-size", "--optimizer", "--seed", "--logdir",
                 "--trace-steps", "--eager", "--dataset", "--quiet", "--log-every-step"):
        assert f"`{flag}" in README


def test_pyproject_holds_only_the_build_system():
    text = (ROOT / "pyproject.toml").read_text()
    assert [line for line in text.splitlines() if line.startswith("[")] == ["[build-system]"]
