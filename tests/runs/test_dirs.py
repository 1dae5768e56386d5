"""course.runs.dirs: a fresh directory for every run, names that stay inside the log root, a log root
that can be written."""
import time

import pytest

from course.core.config import ConfigError
from course.runs import dirs as runs


def test_new_run_dirs_are_distinct_even_in_the_same_second(tmp_path):
    made = [runs.new_run_dir(tmp_path, "day1_perceptron", "xor") for _ in range(3)]
    assert len(set(made)) == 3
    assert all(p.is_dir() and p.parent == tmp_path / "day1_perceptron" for p in made)
    for p in made:   # <YYYYmmdd-HHMMSS>_xor, or with -2, -3 when the second was already taken
        stamp, suffix = p.name.split("_", 1)
        assert len(stamp) == 15 and stamp[8] == "-" and suffix in ("xor", "xor-2", "xor-3")
        made_at = time.mktime(time.strptime(stamp, "%Y%m%d-%H%M%S"))
        assert abs(made_at - time.time()) < 60


def test_an_existing_run_is_never_reused_or_touched(tmp_path):
    first = runs.new_run_dir(tmp_path, "day2_mlp", "moons")
    (first / "keep.txt").write_text("earlier run")
    second = runs.new_run_dir(tmp_path, "day2_mlp", "moons")
    assert second != first
    assert (first / "keep.txt").read_text() == "earlier run"
    assert list(second.iterdir()) == []


def test_logdir_that_is_a_file_is_rejected(tmp_path):
    target = tmp_path / "afile"
    target.write_text("x")
    with pytest.raises(ValueError, match="exists and is not a directory"):
        runs.check_logdir(target)


def test_logdir_that_cannot_be_created_is_rejected(tmp_path):
    # A path below a regular file cannot be created by anyone, root included.
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ValueError, match="cannot be created"):
        runs.check_logdir(tmp_path / "afile" / "logs")
    # /proc's permission bits say writable to root, but no directory can be made there.
    with pytest.raises(ValueError, match="logdir '/proc/course-logs' cannot be created"):
        runs.check_logdir("/proc/course-logs")
    before = sorted(tmp_path.iterdir())
    assert runs.check_logdir(tmp_path / "new" / "logs") == tmp_path / "new" / "logs"
    assert sorted(tmp_path.iterdir()) == before          # the probe left nothing behind


@pytest.mark.parametrize("lesson, name", [("day1", "a/b"), ("../x", "run"), ("day1", ""), ("day1", "."),
                                          ("day1", ".."), (".", "run"), ("..", "run"), ("day1", ".hidden"),
                                          ("day1", None), ("day1", "a\\b")])
def test_names_that_would_escape_the_log_root_are_rejected(tmp_path, lesson, name):
    with pytest.raises(ValueError, match=r"must be a name of letters, digits, '_', '-' or '\.' \(not starting with "
                                         r"'\.'\), not a path"):
        runs.new_run_dir(tmp_path, lesson, name)
    assert list(tmp_path.iterdir()) == []


def test_dots_inside_a_name_are_fine(tmp_path):
    made = runs.new_run_dir(tmp_path, "day1", "lr0.5")
    assert made.parent == tmp_path / "day1" and made.name.endswith("_lr0.5")


def test_errors_are_config_errors_reported_like_a_bad_flag(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ConfigError):
        runs.new_run_dir(tmp_path / "afile", "day1", "run")
