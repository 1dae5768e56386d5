"""course notebooks [DIR]: the shipped notebooks copied for a learner, never over a learner's file."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from course.cli import main
from course.notebooks.build import PACKAGED
from course.notebooks.handout import HandoutError, copy_notebooks
from tests.helpers import ROOT

SHIPPED = {p.name: p.read_bytes() for p in sorted(PACKAGED.glob("*.ipynb"))}


def tree(root):
    return {str(p.relative_to(root)): p.read_bytes() for p in Path(root).rglob("*") if p.is_file()}


def test_copies_every_shipped_notebook_byte_for_byte(tmp_path):
    assert copy_notebooks(tmp_path / "nb") == list(SHIPPED)
    assert tree(tmp_path / "nb") == SHIPPED


def test_existing_work_changes_nothing_and_says_so(tmp_path):
    copy_notebooks(tmp_path / "nb")
    (tmp_path / "nb" / "day03_weights_bias_exercises.ipynb").write_text("my work")
    os.unlink(tmp_path / "nb" / "day01_perceptron.ipynb")          # one missing: still nothing written
    before = tree(tmp_path / "nb")
    with pytest.raises(HandoutError) as err:
        copy_notebooks(tmp_path / "nb")
    assert err.value.status == 2
    assert str(err.value).startswith(f"{tmp_path / 'nb'} already holds the notebooks (day01_perceptron_exercises."
                                     "ipynb and "
                                     f"{len(SHIPPED) - 2} more): nothing was changed, so your work there is kept.")
    assert tree(tmp_path / "nb") == before


def test_a_link_or_a_file_in_the_way_is_refused_with_nothing_written(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", tmp_path / "link")
    with pytest.raises(HandoutError, match="link is a symbolic link: the course does not write through links"):
        copy_notebooks(tmp_path / "link")
    (tmp_path / "file").write_text("x")
    with pytest.raises(HandoutError, match="file exists and is not a directory: nothing was written"):
        copy_notebooks(tmp_path / "file")
    assert tree(tmp_path) == {"file": b"x"}


def test_the_command_copies_into_course_notebooks_by_default(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["notebooks"]) == 0
    out = capsys.readouterr().out.splitlines()
    lessons = len([n for n in SHIPPED if not n.endswith("_exercises.ipynb")])
    assert out[0] == (f"{len(SHIPPED)} notebooks written to course-notebooks/: {lessons} lessons and "
                      f"{len(SHIPPED) - lessons} days of exercises (day01_perceptron.ipynb, "
                      "day01_perceptron_exercises.ipynb, ...).")
    assert out[1] == "Open them: jupyter lab course-notebooks"
    assert tree(tmp_path / "course-notebooks") == SHIPPED


def test_the_command_over_existing_work_exits_2_with_one_line(tmp_path, capsys):
    assert main(["notebooks", str(tmp_path / "nb")]) == 0
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main(["notebooks", str(tmp_path / "nb")])
    assert done.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"course: error: {tmp_path / 'nb'} already holds the notebooks "
                                               "(day01_perceptron.ipynb and ")
    assert err[0].endswith(f"Open them with: jupyter lab {tmp_path / 'nb'}; or copy a fresh set elsewhere: "
                           "course notebooks OTHER_DIR (see --help)")      # one pair of brackets, not two in a row


def test_a_file_size_limit_leaves_nothing_and_exits_74(tmp_path):
    first = len(next(iter(SHIPPED.values())))
    limit = first // 1024 + 1                                       # bash counts in KiB: the first file fits
    assert limit * 1024 < max(len(data) for data in SHIPPED.values())
    done = subprocess.run(["bash", "-c", f'ulimit -f {limit}; exec "$0" -m course notebooks nb', sys.executable],
                          cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          timeout=60)
    assert done.returncode == 74, done.stderr
    assert done.stderr.strip() == ("Stopped: cannot write the notebooks into nb: a file reached the size limit of "
                                   "this shell (ulimit -f); nothing was left there")
    assert not (tmp_path / "nb").exists() and done.stdout == ""


def test_help_names_the_command():
    done = subprocess.run([sys.executable, "-m", "course", "notebooks", "--help"], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0 and "usage: course notebooks [-h] [DIR]" in done.stdout
    assert "never overwrites a file" in " ".join(done.stdout.split()).lower()
