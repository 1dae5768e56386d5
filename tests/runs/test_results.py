"""course.runs.results: what a run and a lesson return."""
from pathlib import Path

from course.engine.stop import Stop
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


def test_the_takeaways_title_says_when_runs_stopped_early():
    from course.engine.records import History
    result = LessonResult("day2_mlp", Path("logs"))
    result.runs["xor"] = RunResult("xor", Path("a"), History(), None)
    result.runs["figures"] = RunResult("figures", Path("b"), None, None)          # a run of figures: no history
    assert result.stopped_runs() == [] and result.takeaways_title() == "Takeaways:"
    result.runs["moons"] = RunResult("moons", Path("c"), History(stop=Stop("diverged", 3, 1, 3, "the loss is nan")), None)
    assert result.stopped_runs() == ["moons"]
    assert result.takeaways_title() == ("Takeaways (what the lesson shows at workable settings; here moons stopped "
                                        "early, so the numbers above cannot show them all):")
