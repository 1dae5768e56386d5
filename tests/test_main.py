"""course/__main__.py: `python -m course` is the `course` command, in a fresh process (its exit status, a pipe
whose reader leaves early)."""
import subprocess
import sys

from course.cli.lessons import LESSONS
from tests.helpers import ROOT, python


def test_python_m_course_is_the_course_command():
    listed = python("-m", "course", "list", timeout=60)
    assert listed.returncode == 0 and listed.stderr == ""
    assert [line.split()[0] for line in listed.stdout.splitlines() if line[:1].strip()][:-1] == list(LESSONS)
    bare = python("-m", "course", timeout=60)
    assert bare.returncode == 2 and bare.stdout.startswith("usage: course ")
    head = subprocess.run(f"{sys.executable} -m course list | head -2", shell=True, capture_output=True, text=True,
                          cwd=ROOT, timeout=60)                   # a reader that leaves early
    assert head.stdout.splitlines() == listed.stdout.splitlines()[:2] and head.stderr == ""
