"""course.runs.figures: figures in a run of their own (save_figures), added to a finished run (add_figures)
and a run for a loop of a lesson's own (open_run); each read back from its event file and its PNG."""
import pytest
from matplotlib.figure import Figure

from course.core import datasets as data
from course.core import models
from course.core.config import Config
from course.runs.experiment import train_and_log
from course.runs.figures import add_figures, open_run, save_figures
from course.runs.results import RunResult
from course.tensorboard.logger import RunLogger
from tests.helpers import PNG_SIGNATURE, event_files, read_events, scalars, text


def _figure(value=1.0):
    fig = Figure(figsize=(2, 1.5))
    fig.add_subplot().plot([0, 1], [0, value])
    return fig


def test_save_figures_writes_pngs_and_logs_the_same_images_in_a_new_run(tmp_path):
    result = save_figures(tmp_path, "day4_activations", "curves", {"a": _figure(1), "b.c-d": _figure(2)}, goal="see")
    assert result.run_dir.parent == tmp_path / "day4_activations" and result.run_dir.name.endswith("_curves")
    assert (result.history, result.model) == (None, None) and isinstance(result.logger, RunLogger)
    assert sorted(p.name for p in result.run_dir.glob("*.png")) == ["a.png", "b.c-d.png"]
    train = read_events(result.run_dir / "train")
    assert set(train) == {"a", "b.c-d", "run/goal"} and text(train, "run/goal") == "see"
    for tag in ("a", "b.c-d"):
        ((step, value),) = train[tag]
        assert step == 0 and value[2][:8] == PNG_SIGNATURE
        assert value[2] == (result.run_dir / f"{tag}.png").read_bytes()      # the logged image is the saved PNG
        assert (int(value[0]), int(value[1])) == (200, 150)                   # 2 x 1.5 inches at 100 dpi
    assert result.logger.events["train"].closed


def test_add_figures_joins_a_finished_run_through_its_logger_one_event_file_a_split(tmp_path):
    run = train_and_log(models.perceptron(2, seed=0), data.blobs(n_samples=100),
                        Config(epochs=2, batch_size=40, logdir=str(tmp_path), quiet=True), lesson="t", name="r")
    before = event_files(run.run_dir / "train")
    assert len(before) == 1 and run.logger.events["train"].closed
    add_figures(run, {"confusion_matrix": _figure()})
    assert event_files(run.run_dir / "train") == before                    # appended, not a second file
    train = read_events(run.run_dir / "train")
    ((step, value),) = train["confusion_matrix"]
    assert step == run.history.steps == 4                                  # at the run's last step
    assert value[2] == (run.run_dir / "confusion_matrix.png").read_bytes()
    assert len(scalars(train, "batch_loss")) == 4                         # what the run logged is still there
    assert run.logger.events["train"].closed


def test_add_figures_without_the_runs_logger_appends_to_its_event_file(tmp_path):
    run = train_and_log(models.perceptron(2, seed=0), data.blobs(n_samples=100),
                        Config(epochs=1, batch_size=40, logdir=str(tmp_path), quiet=True), lesson="t", name="r")
    bare = RunResult("r", run.run_dir, run.history, run.model)              # e.g. made by hand, no logger
    add_figures(bare, {"extra": _figure()})
    assert len(event_files(run.run_dir / "train")) == 1
    assert [s for s, _ in read_events(run.run_dir / "train")["extra"]] == [2]
    no_history = RunResult("figures", run.run_dir, None, None)
    add_figures(no_history, {"later": _figure()})
    assert [s for s, _ in read_events(run.run_dir / "train")["later"]] == [0]


def test_open_run_gives_a_new_run_and_its_logger(tmp_path):
    run_dir, logger = open_run(tmp_path, "day9_network_types", "gan", hparams={"epochs": 3}, goal="imitate")
    assert run_dir.parent == tmp_path / "day9_network_types" and run_dir.name.endswith("_gan")
    logger.log_scalars(5, {"d_loss": 0.25})
    logger.close()
    train = read_events(run_dir / "train")
    assert scalars(train, "d_loss") == [(5, 0.25)]
    assert text(train, "run/goal") == "imitate" and "| epochs | 3 |" in text(train, "run/hyperparameters")
    assert len(event_files(run_dir)) == 1                                  # the HParams session
    other, other_logger = open_run(tmp_path, "day9_network_types", "gan")
    other_logger.close()
    assert other != run_dir and set(read_events(other / "train")) == set()


def test_bad_tags_figures_and_runs_are_refused_before_writing(tmp_path):
    with pytest.raises(ValueError, match="figure tags must be letters, digits, '_', '-' or '.', got 'a/b'"):
        save_figures(tmp_path, "t", "x", {"a/b": _figure()})
    with pytest.raises(TypeError, match="figure 'a' must be a matplotlib Figure, got list"):
        save_figures(tmp_path, "t", "x", {"a": [1, 2]})
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(FileNotFoundError, match="the run directory is gone"):
        add_figures(RunResult("x", tmp_path / "gone", None, None), {"a": _figure()})
    assert list(tmp_path.iterdir()) == []
