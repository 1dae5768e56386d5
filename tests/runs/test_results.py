"""course.runs.results: what a run and a lesson return."""
from pathlib import Path

from course.runs.results import LessonResult, RunResult


def test_a_run_result_keeps_its_logger_out_of_its_repr():
    run = RunResult("moons", Path("logs/x"), history=None, model=None)
    assert (run.metrics, run.logger) == ({}, None)
    other = RunResult("moons", Path("logs/x"), None, None, {"val_accuracy": 0.9}, logger="the logger")
    assert other.logger == "the logger" and "the logger" not in repr(other) and "val_accuracy" in repr(other)
    assert RunResult("a", Path("p"), None, None).metrics is not RunResult("b", Path("q"), None, None).metrics


def test_a_lesson_result_lists_its_run_directories_in_order():
    result = LessonResult("day1_perceptron", Path("logs"))
    assert (result.runs, result.numbers, result.run_dirs) == ({}, {}, [])
    result.runs["blobs"] = RunResult("blobs", Path("logs/day1/a_blobs"), None, None)
    result.runs["xor"] = RunResult("xor", Path("logs/day1/b_xor"), None, None)
    assert result.run_dirs == [Path("logs/day1/a_blobs"), Path("logs/day1/b_xor")]
