"""course.runs.lesson: one lesson as one object. Its runs land under LOGDIR/<lesson>/ and are kept by name, in
the order they were made; its numbers are the LessonResult's; its takeaways print as bullets of 100 columns."""
import numpy as np
import pytest
from matplotlib.figure import Figure

import course.runs
from course.core import datasets as data
from course.core import models
from course.core.config import Config
from course.engine.records import Recorder
from course.runs.lesson import Lesson
from course.runs.results import LessonResult, RunResult
from tests.helpers import read_events, text


def _figure():
    fig = Figure(figsize=(2, 1.5))
    fig.add_subplot().plot([0, 1], [0, 1])
    return fig


def test_a_lesson_trains_into_its_own_runs_and_keeps_them_by_name_in_order(tmp_path, capsys):
    lesson = Lesson("day0_mine", Config(epochs=2, batch_size=40, logdir=str(tmp_path), quiet=True, seed=3))
    assert course.runs.Lesson is Lesson and isinstance(lesson.result, LessonResult)
    assert (lesson.result.lesson, lesson.result.logdir, lesson.runs, lesson.numbers) == ("day0_mine", str(tmp_path),
                                                                                        {}, {})
    ds = data.blobs(n_samples=100)
    recorder = Recorder()
    first = lesson.train(models.perceptron(2, seed=0), ds, name="blobs", goal="a goal", observers=[recorder])
    # the part's own config, not the lesson's: 1 epoch, batch 20
    second = lesson.train(models.perceptron(2, seed=0), ds, name="small", config=lesson.config.replace(epochs=1,
                                                                                                       batch_size=20))
    assert list(lesson.runs) == ["blobs", "small"] and lesson.runs["blobs"] is first
    assert first.run_dir.parent == tmp_path / "day0_mine" and first.run_dir.name.endswith("_blobs")
    assert (len(first.history.epoch), first.history.steps, second.history.steps) == (2, 4, 4)     # 80 / 40, 80 / 20
    assert len(recorder.epochs) == 2                                   # the observers reached the loop
    train = read_events(first.run_dir / "train")
    assert text(train, "run/goal") == "a goal" and "seed | 3" in text(train, "run/hyperparameters")
    assert lesson.result.run_dirs == [first.run_dir, second.run_dir]
    lesson.numbers["blobs_val_accuracy"] = first.metrics["val_accuracy"]
    assert lesson.result.numbers == {"blobs_val_accuracy": first.history.val_accuracy[-1]}
    assert capsys.readouterr().out == ""                              # quiet: the lesson itself prints nothing


def test_figures_a_run_of_its_own_and_a_kept_run(tmp_path):
    lesson = Lesson("day0_mine", Config(logdir=str(tmp_path)))
    figures = lesson.figures("figures", {"curve": _figure()}, goal="pictures")
    assert list(lesson.runs) == ["figures"] and (figures.run_dir / "curve.png").is_file()
    assert set(read_events(figures.run_dir / "train")) == {"curve", "run/goal"}
    run_dir, logger = lesson.open_run("measured", goal="a loop of its own", hparams=lesson.settings("measured", x=1))
    logger.log_layer_norms({"hidden_1": 0.5, "output": 0.25})
    logger.close()
    kept = lesson.keep(RunResult("measured", run_dir, None, None))
    assert lesson.runs["measured"] is kept and list(lesson.runs) == ["figures", "measured"]
    assert run_dir.parent == tmp_path / "day0_mine" and run_dir.name.endswith("_measured")
    hparams = text(read_events(run_dir / "train"), "run/hyperparameters")
    assert "lesson | day0_mine" in hparams and "run | measured" in hparams and "x | 1" in hparams
    lesson.add_figures(kept, {"later": _figure()})                     # joins the kept run: its PNG and image
    assert (run_dir / "later.png").is_file() and "later" in read_events(run_dir / "train")


def test_takeaways_print_the_title_and_each_text_as_a_wrapped_bullet(tmp_path, capsys):
    lesson = Lesson("day0_mine", Config(logdir=str(tmp_path)))
    long = "A takeaway long enough to need a second line: " + " ".join(["words"] * 12) + "."
    lesson.takeaways(["Short.", long])
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["Takeaways:", "  - Short."] and out[2].startswith("  - A takeaway long enough")
    assert out[3].startswith("    words") and all(len(line) <= 100 for line in out) and len(out) == 4
    assert " ".join(" ".join(out[2:]).split()) == "- " + long
    lesson.takeaways(["Short."], title="Takeaways, as planned:")
    assert capsys.readouterr().out == "Takeaways, as planned:\n  - Short.\n"


def test_a_run_that_stopped_early_changes_the_title(tmp_path, capsys):
    lesson = Lesson("day0_mine", Config(epochs=2, batch_size=40, learning_rate=1e308, logdir=str(tmp_path),
                                        quiet=True))
    run = lesson.train(models.perceptron(2, seed=0), data.blobs(n_samples=100), name="wild")
    assert run.history.stop is not None and np.isnan(run.metrics["val_accuracy"])
    lesson.takeaways(["Lower the rate."])
    out = capsys.readouterr().out
    assert "Takeaways (what the lesson shows at workable settings; here wild stopped early" in out


def test_a_rejected_run_is_not_kept(tmp_path):
    lesson = Lesson("day0_mine", Config(logdir=str(tmp_path / "logs")))
    with pytest.raises(ValueError):
        lesson.train(models.perceptron(3), data.blobs(), name="x")       # 3 inputs for 2 features
    assert lesson.runs == {} and not (tmp_path / "logs").exists()
