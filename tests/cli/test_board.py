"""course.cli.board: what `course tensorboard` serves (the most recent lesson alone, its newest runs when it has more
than TensorBoard selects by itself), under which names, what it prints, and the host it binds. Log directories are
built here with the course's own logger; what is served is read back with TensorBoard's own multiplexer and its
HParams plugin."""
import hashlib
import json
import os
from pathlib import Path

import pytest
from tensorboard.backend.event_processing import data_provider, plugin_event_multiplexer
from tensorboard.plugins import base_plugin
from tensorboard.plugins.hparams import hparams_plugin
from werkzeug.test import Client

from course.cli import board
from course.tensorboard.logger import RunLogger


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


def test_the_most_recent_lesson_is_served_alone_and_its_newest_runs_when_it_has_too_many(tmp_path):
    old = [_run(tmp_path, "day1", f"old{k}", 1000 + k) for k in range(4)]
    newest = [_run(tmp_path, "day7", f"new{k}", 2000 + k) for k in range(3)]
    _run(tmp_path, "day5", "middle", 1500)
    alone = board.select(tmp_path)                                         # 24 TensorBoard runs would all fit
    assert (alone.everything, alone.lesson, alone.total, alone.shown, alone.left_out) == (
        False, tmp_path / "day7", 24, 9, 0)
    assert [r.path for r in alone.runs] == newest and alone.others == [tmp_path / "day5", tmp_path / "day1"]
    some = board.select(tmp_path, limit=7)                                 # 2 of day7's 3 runs fit in 7
    assert (some.lesson, some.shown, some.left_out) == (tmp_path / "day7", 6, 1)
    assert [r.path for r in some.runs] == newest[1:]                       # its newest ones, oldest first
    every = board.select(tmp_path, everything=True, limit=7)               # --all
    assert every.everything and every.shown == every.total == 24 and [r.path for r in every.runs][:4] == old
    assert board.select(tmp_path / "nothing").runs == []
    assert board.MAX_RUNS == 40


def test_a_log_root_holding_runs_itself_is_a_lesson(tmp_path):
    lesson = tmp_path / "logs" / "day2_mlp"                                # course tensorboard --logdir logs/day2_mlp
    runs = [_run(tmp_path / "logs", "day2_mlp", name, 1000 + k) for k, name in enumerate(("a", "b"))]
    chosen = board.select(lesson)
    assert (chosen.lesson, chosen.others, [r.path for r in chosen.runs]) == (lesson, [], runs)
    assert board.lesson_name(chosen.lesson, lesson) == "day2_mlp"
    mine = _run(lesson, "mine", "c", 3000)                                 # train_and_log(..., lesson="mine") there
    chosen = board.select(lesson)
    assert (chosen.lesson, chosen.others, [r.path for r in chosen.runs]) == (lesson / "mine", [lesson], [mine])
    assert board.lesson_name(chosen.lesson, lesson) == "mine" and board.lesson_name(lesson, lesson) == "day2_mlp"
    one = board.select(runs[0])                                            # --logdir of one run
    assert (one.lesson, [r.path for r in one.runs], one.shown) == (runs[0], [runs[0]], 3)


def test_a_run_given_as_dot_or_dot_dot_is_served_by_its_own_name(tmp_path, monkeypatch):
    run = _run(tmp_path / "logs", "day2_mlp", "20261205-100000_moons", 1000)
    for here, logdir in ((run, "."), (run / "train", "..")):
        monkeypatch.chdir(here)
        served = tmp_path / f"served{len(logdir)}"
        served.mkdir()
        paths = board.prepare(board.select(logdir), served)
        assert {str(p): str(where) for p, where in paths.items()} == {logdir: "moons"}
        assert sorted(p.name for p in served.iterdir()) == ["moons"]          # nothing at the top: no "."
        assert (served / "moons" / "train").resolve() == run / "train"


def test_runs_are_named_by_their_own_name_and_when_names_repeat_by_the_time_that_tells_them_apart(tmp_path):
    names = ["20261205-101112_moons", "20261205-103000_moons", "20261205-103000_xor", "plain",
             "20261205-091500_lr_0.1", "20261205-091544_lr_0.1", "20261204-091500_blobs", "20261205-091500_blobs",
             "20261205-091500_blobs-2"]
    assert board.labels([tmp_path / name for name in names]) == {
        tmp_path / "20261205-101112_moons": "moons 10:11", tmp_path / "20261205-103000_moons": "moons 10:30",
        tmp_path / "20261205-103000_xor": "xor", tmp_path / "plain": "plain",
        tmp_path / "20261205-091500_lr_0.1": "lr_0.1 09:15:00", tmp_path / "20261205-091544_lr_0.1": "lr_0.1 09:15:44",
        tmp_path / "20261204-091500_blobs": "blobs 2026-12-04 09:15:00",
        tmp_path / "20261205-091500_blobs": "blobs 2026-12-05 09:15:00",
        tmp_path / "20261205-091500_blobs-2": "blobs-2"}                   # new_run_dir's second in that second


def _served(served):
    """What TensorBoard serves from ``served``: its runs, and the HParams experiment and session groups."""
    multiplexer = plugin_event_multiplexer.EventMultiplexer()
    multiplexer.AddRunsFromDirectory(str(served))
    multiplexer.Reload()
    context = base_plugin.TBContext(logdir=str(served), multiplexer=multiplexer,
                                    data_provider=data_provider.MultiplexerDataProvider(multiplexer, str(served)))
    apps = hparams_plugin.HParamsPlugin(context).get_plugin_apps()
    experiment = json.loads(Client(apps["/experiment"]).post("/experiment", json={"experimentName": ""}).get_data())
    groups = json.loads(Client(apps["/session_groups"]).post("/session_groups", json={
        "experimentName": "", "startIndex": 0, "sliceSize": 100,
        "allowedStatuses": ["STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING"]}).get_data())
    return sorted(multiplexer.Runs()), experiment, groups["sessionGroups"]


def _digest(root):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_what_tensorboard_serves_one_lesson_by_short_names_no_run_named_dot_and_the_logs_untouched(tmp_path):
    root = tmp_path / "logs"
    _run(root, "day1_perceptron", "20261205-090000_blobs", 1000, {"lesson": "day1_perceptron", "run": "blobs",
                                                                   "learning_rate": 0.5, "optimizer": "sgd"})
    for k, (name, lr, batch) in enumerate((("xor", 0.3, 4), ("moons", 0.3, 32), ("moons", 0.1, 32))):
        _run(root, "day2_mlp", f"20261205-10{k}000_{name}", 2000 + k, {
            "lesson": "day2_mlp", "run": name, "learning_rate": lr, "batch_size": batch, "optimizer": "sgd",
            "seed": 0, "variant": f"v{k}"})
    before = _digest(root)
    served = tmp_path / "served"
    served.mkdir()
    paths = board.prepare(board.select(root), served)
    runs, experiment, groups = _served(served)
    assert runs == sorted(f"{name}{split}" for name in ("xor", "moons 10:10", "moons 10:20")
                          for split in ("", "/train", "/validation"))          # no "."
    assert sorted(g["name"] for g in groups) == ["moons 10:10", "moons 10:20", "xor"]   # the trials, as short
    assert {g["name"]: g["hparams"]["learning_rate"] for g in groups} == {"xor": 0.3, "moons 10:10": 0.3,
                                                                         "moons 10:20": 0.1}
    # the lesson's own hyperparameter, then learning_rate (of those that differ; run and lesson are the names)
    assert [(h["name"], h["differs"]) for h in experiment["hparamInfos"]] == [("learning_rate", True),
                                                                              ("variant", True)]
    assert [(m["name"]["group"], m["name"]["tag"]) for m in experiment["metricInfos"]] == [("validation", "epoch_loss")]
    assert {p.name: str(where) for p, where in paths.items()} == {
        "20261205-100000_xor": "xor", "20261205-101000_moons": "moons 10:10", "20261205-102000_moons": "moons 10:20"}
    assert _digest(root) == before                                          # nothing written into the logs
    every = tmp_path / "every"
    every.mkdir()
    board.prepare(board.select(root, everything=True), every)
    runs, _, groups = _served(every)
    assert "." not in runs and "day1_perceptron/blobs/train" in runs and "day2_mlp/moons 10:20/validation" in runs
    assert sorted(g["name"] for g in groups) == ["day1_perceptron/blobs", "day2_mlp/moons 10:10",
                                                 "day2_mlp/moons 10:20", "day2_mlp/xor"]
    assert _digest(root) == before


def test_a_run_beside_the_lessons_is_not_served_under_a_lessons_name(tmp_path):
    root = tmp_path / "logs"
    _run(root, "day2_mlp", "a", 1000)
    _run(tmp_path, "logs", "20261205-100000_day2_mlp", 2000)               # a run named like the lesson, in the root
    paths = board.served_paths(board.select(root, everything=True))
    assert sorted(str(where) for where in paths.values()) == ["day2_mlp (run)", "day2_mlp/a"]


def test_runs_written_while_it_serves_join_the_lesson_served_up_to_the_limit(tmp_path):
    root, served = tmp_path / "logs", tmp_path / "served"
    served.mkdir()
    _run(root, "day7", "20261205-100000_batch", 1000)
    selection = board.select(root)
    paths = board.prepare(selection, served)
    (root / "day7" / "20261205-100000_batch" / "network.png").write_bytes(b"png")   # the oldest run's new file
    _run(root, "day7", "20261205-110000_batch", 2000)                      # the lesson's next run
    _run(root, "day1", "20261205-120000_blobs", 3000)                      # another lesson's: not this one
    assert board.refresh(selection, served, paths, limit=6) == [Path("batch 11:00")]
    assert (served / "batch 11:00" / "train").is_dir() and (served / "batch" / "network.png").read_bytes() == b"png"
    _run(root, "day7", "20261205-130000_batch", 4000)
    assert board.refresh(selection, served, paths, limit=6) == []          # 9 TensorBoard runs: above the limit
    assert sorted(str(p) for p in paths.values()) == ["batch", "batch 11:00"]


def test_what_it_prints_names_the_lesson_its_runs_and_how_to_see_the_others(tmp_path):
    root = tmp_path / "logs"
    _run(root, "day1", "20261205-090000_blobs", 1000)
    _run(root, "day5", "20261205-093000_iris", 1500)
    for k in range(3):
        _run(root, "day7", f"20261205-10{k}000_batch", 2000 + k)
    selection = board.select(root)
    url = "http://127.0.0.1:6006/"
    assert board.report(selection, board.served_paths(selection), url) == [
        f"TensorBoard is serving day7 at {url}  (press Ctrl-C to stop)",
        "  its runs: batch 10:00, batch 10:10, batch 10:20",
        f"  another lesson: course tensorboard --logdir {root / 'day5'}   (here: day5, day1)",
        f"  every run at once: course tensorboard --logdir {root} --all"]
    capped = board.select(root, limit=6)
    assert board.report(capped, board.served_paths(capped), url)[1] == (
        "  its 2 most recent runs (TensorBoard selects runs by itself only up to 40): batch 10:10, batch 10:20")
    alone = board.select(root / "day7")
    assert board.report(alone, board.served_paths(alone), url) == [
        f"TensorBoard is serving day7 at {url}  (press Ctrl-C to stop)", "  its runs: batch 10:00, batch 10:10, "
                                                                         "batch 10:20"]
    every = board.select(root, everything=True)
    assert board.report(every, board.served_paths(every), url) == [
        f"TensorBoard is serving every run under {root} (15 TensorBoard runs) at {url}  (press Ctrl-C to stop)"]


def test_hosts_that_do_not_resolve_are_refused_and_others_than_loopback_warned():
    assert board.check_host("127.0.0.1") == "" and board.check_host("localhost") == ""
    assert board.check_host("0.0.0.0").startswith("Warning: --host 0.0.0.0 serves TensorBoard beyond this machine")
    with pytest.raises(ValueError, match="--host 'no such host' is not an address this machine can bind"):
        board.check_host("no such host")
