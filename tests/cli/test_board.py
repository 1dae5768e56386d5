"""course.cli.board: what `course tensorboard` serves (the most recent lesson's runs when all would be too many,
TensorBoard selecting at most 40), the HParams experiment over them, and the host it binds. Log directories are
built here with the course's own logger and read back."""
import os

import pytest
from tensorboard.plugins.hparams import plugin_data_pb2

from course.cli import board
from course.tensorboard.logger import RunLogger
from tests.helpers import event_files


def _run(root, lesson, name, mtime, hparams=None, splits=True):
    """A run directory as a lesson writes it: its own event file (HParams) and train/ and validation/."""
    run_dir = root / lesson / name
    logger = RunLogger(run_dir, hparams=hparams or {"run": name})
    if splits:
        logger.log_scalars(1, {"epoch_loss": 0.5}, split="validation")
    logger.close()
    for path in run_dir.rglob("events.out.tfevents.*"):
        os.utime(path, (mtime, mtime))
    return run_dir


def test_run_dirs_count_each_runs_tensorboard_runs_oldest_first(tmp_path):
    a = _run(tmp_path, "day1", "a", 1000)
    b = _run(tmp_path, "day2", "b", 3000)
    c = _run(tmp_path, "day1", "c", 2000, splits=False)                      # train/ and the run itself only
    runs = board.run_dirs(tmp_path)
    assert [(r.path, r.tensorboard_runs, r.mtime) for r in runs] == [(a, 3, 1000), (c, 2, 2000), (b, 3, 3000)]


def test_everything_is_served_when_it_fits_else_the_newest_lessons_newest_runs(tmp_path):
    for k in range(4):
        _run(tmp_path, "day1", f"old{k}", 1000 + k)
    newest = [_run(tmp_path, "day7", f"new{k}", 2000 + k) for k in range(3)]
    everything = board.select(tmp_path, limit=21)                          # 7 runs x 3 = 21: all fit
    assert everything.everything and everything.shown == everything.total == 21
    some = board.select(tmp_path, limit=7)                                 # day7 is the newest lesson: 2 of it fit
    assert (some.everything, some.lesson, some.total, some.shown) == (False, "day7", 21, 6)
    assert [r.path for r in some.runs] == newest[1:]                       # its newest ones, oldest first
    assert board.select(tmp_path, everything=True, limit=7).shown == 21    # --all
    assert board.select(tmp_path / "nothing").runs == []
    assert board.MAX_RUNS == 39


def test_the_hparams_experiment_lists_what_differs_and_the_logged_metrics_validation_first(tmp_path):
    a = _run(tmp_path, "day7", "a", 1000, hparams={"lr": 0.5, "batch": 32, "optimizer": "sgd"})
    b = _run(tmp_path, "day7", "b", 2000, hparams={"lr": 0.01, "batch": 32, "optimizer": "sgd"})
    logger = RunLogger(b, hparams={"lr": 0.01, "batch": 32, "optimizer": "sgd"})   # b's second epoch, more metrics
    logger.log_scalars(2, {"epoch_loss": 0.25, "epoch_accuracy": 0.75}, split="train")
    logger.log_scalars(2, {"epoch_accuracy": 0.5}, split="validation")
    logger.log_scalars(3, {"epoch_accuracy": 0.5}, split="validation")
    logger.close()
    runs = board.run_dirs(tmp_path)
    assert board.session_values(runs[0]) == {"lr": 0.5, "batch": 32.0, "optimizer": "sgd"}
    assert board.epoch_metrics(runs[0]) == {("epoch_loss", "validation")}
    assert board.epoch_metrics(runs[1]) == {("epoch_loss", "validation"), ("epoch_accuracy", "validation"),
                                            ("epoch_loss", "train"), ("epoch_accuracy", "train")}
    (value,) = board.experiment_summary(runs).value
    experiment = plugin_data_pb2.HParamsPluginData.FromString(value.metadata.plugin_data.content).experiment
    assert {info.name: info.differs for info in experiment.hparam_infos} == {"batch": False, "lr": True,
                                                                            "optimizer": False}
    # only what some run logged (a metric no run has draws no line in the parallel coordinates), validation first
    assert [(m.name.group, m.name.tag) for m in experiment.metric_infos] == [
        ("validation", "epoch_loss"), ("validation", "epoch_accuracy"), ("train", "epoch_loss"),
        ("train", "epoch_accuracy")]
    (only_a,) = board.experiment_summary(runs[:1]).value
    experiment = plugin_data_pb2.HParamsPluginData.FromString(only_a.metadata.plugin_data.content).experiment
    assert [(m.name.group, m.name.tag) for m in experiment.metric_infos] == [("validation", "epoch_loss")]
    assert [r.path for r in runs] == [a, b]


def test_prepare_links_the_selected_runs_and_writes_the_experiment(tmp_path):
    root, served = tmp_path / "logs", tmp_path / "served"
    served.mkdir()
    _run(root, "day1", "a", 1000)
    seven = [_run(root, "day7", f"r{k}", 2000 + k) for k in range(3)]
    whole = board.prepare(board.select(root, limit=9), root, served)       # day7 whole: the lesson linked
    assert (whole / "day7").is_symlink() and (whole / "day7").resolve() == (root / "day7").resolve()
    assert not (whole / "day1").exists() and len(event_files(whole)) == 1
    part = tmp_path / "part"
    part.mkdir()
    board.prepare(board.select(root, limit=6), root, part)                 # two of day7's runs: linked one by one
    assert sorted(p.name for p in (part / "day7").iterdir()) == ["r1", "r2"]
    assert all((part / "day7" / p.name).resolve() == p.resolve() for p in seven[1:])


def test_hosts_that_do_not_resolve_are_refused_and_others_than_loopback_warned():
    assert board.check_host("127.0.0.1") == "" and board.check_host("localhost") == ""
    assert board.check_host("0.0.0.0").startswith("Warning: --host 0.0.0.0 serves TensorBoard beyond this machine")
    with pytest.raises(ValueError, match="--host 'no such host' is not an address this machine can bind"):
        board.check_host("no such host")
