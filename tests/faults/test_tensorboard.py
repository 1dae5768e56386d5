"""The fault catalogue of `course tensorboard` (issue 20, and cases of our own): addresses it cannot bind, ports
out of range, log directories holding what a learner's disk may hold (a corrupt event file, a link that loops,
a dangling link, an empty folder). Each is a usage error (exit 2, one line) or is served as far as it can be,
never a traceback. (SIGTERM and the loopback-only listening socket: tests/cli/test_commands.py.)"""
import os

import pytest

from course.cli import board, commands
from course.tensorboard.logger import RunLogger


def _run(root, lesson, name):
    logger = RunLogger(root / lesson / name, hparams={"run": name})
    logger.log_scalars(1, {"epoch_loss": 0.5}, split="validation")
    logger.close()
    return root / lesson / name


@pytest.mark.parametrize("argv, message", [
    (["--host", "8.8.8.8"], "--host '8.8.8.8' is not an address this machine can bind (try 127.0.0.1)"),
    (["--host", ""], "--host '' is not an address this machine can bind"),                                # ours
    (["--host", "nosuch.invalid"], "--host 'nosuch.invalid' is not an address this machine can bind"),
    (["--port", "0"], "argument --port: must be a positive integer, got '0'"),                             # ours
    (["--port", "70000"], "TensorBoard could not start: TensorBoard cannot bind to port 70000 > 65535"),   # ours
])
def test_what_tensorboard_cannot_serve_on_is_a_usage_error(argv, message, tmp_path, capsys):
    _run(tmp_path, "day1_perceptron", "blobs")
    with pytest.raises(SystemExit) as exit_info:
        commands.main(["tensorboard", "--logdir", str(tmp_path), *argv])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and message in err and len(err.strip().splitlines()) == 1, err
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith("course-tensorboard-")]


def test_an_empty_log_directory_is_a_usage_error(tmp_path, capsys):                                          # ours
    with pytest.raises(SystemExit) as exit_info:
        commands.main(["tensorboard", "--logdir", str(tmp_path)])
    assert exit_info.value.code == 2
    assert (f"no runs in '{tmp_path}' yet: run a lesson first, e.g. course run day1_perceptron (see --help)"
            in capsys.readouterr().err)


def test_a_corrupt_file_a_looping_link_and_a_dangling_link_are_served_around(tmp_path):                     # ours
    good = _run(tmp_path, "day1_perceptron", "blobs")
    broken = tmp_path / "day1_perceptron" / "torn"
    broken.mkdir()
    (broken / "events.out.tfevents.1.host.1.course.v2").write_bytes(b"\x00garbage, not a TFRecord")
    os.symlink(tmp_path, tmp_path / "day1_perceptron" / "loop")                    # a link back up: a cycle
    os.symlink(tmp_path / "nowhere", tmp_path / "day1_perceptron" / "dangling")
    selection = board.select(tmp_path)
    assert {run.path.name for run in selection.runs} == {"blobs", "torn"}
    served = tmp_path.parent / f"{tmp_path.name}-served"
    served.mkdir()
    paths = board.prepare(selection, served)                                      # the HParams over both: no error
    assert sorted(str(p) for p in paths.values()) == ["blobs", "torn"] and good.is_dir()
    assert board.select(tmp_path, everything=True).total == 4                    # blobs: 3 TensorBoard runs, torn: 1
