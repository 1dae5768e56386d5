"""Day 10: one loop on one device, two replicas and two worker processes. The lesson runs as a learner runs it,
in a fresh process (it splits its CPU before TensorFlow starts and makes its own MirroredStrategy, whose
collective ops must not meet this process's strategy), and its three runs are compared with the one-device
loop run here and read back from their logs. (The replicated loop itself is tested in this process, on the
two logical CPUs of conftest.py: tests/engine/test_loop.py, test_replicas.py, test_runners.py.)"""
import re
import subprocess
import sys

import numpy as np
import pytest

from course.core import datasets as data
from course.core.models import variable_name
from course.engine.loop import fit
from lessons import day10_distributed as day10
from tests.helpers import BACKGROUND, ROOT, descendants, fresh_process, read_events


def _max_difference(a, b):
    return max(float(np.max(np.abs(np.asarray(x) - np.asarray(y)))) for x, y in zip(a, b))


def test_bad_flags_and_a_batch_too_small_to_split_write_nothing(tmp_path, capsys):
    logdir = tmp_path / "logs"
    for argv, message in ((["--batch-size", "1"], "batch_size 1 cannot be split across 2 replicas; use at least 2"),
                          (["--epochs", "0"], "argument --epochs: must be a positive integer up to 1,000,000, got '0'"),
                          (["--dataset", "iris"], "argument --dataset: invalid choice: 'iris'")):
        with pytest.raises(SystemExit) as exit_:
            day10.main([*argv, "--logdir", str(logdir)])
        assert exit_.value.code == 2
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1
    assert not logdir.exists()
    with pytest.raises(SystemExit) as exit_:
        day10.main(["--help"])
    assert exit_.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "TF_CONFIG" in help_text and '"index": 1' in help_text and "two or more GPUs" in help_text
    assert day10.split_sizes(64) == [32, 32] and day10.split_sizes(65) == [32, 33]


def day10_in_a_fresh_process():
    """The lesson as a learner runs it, its worker processes watched from outside while they run: the network
    interfaces each one sees, the TCP ports each one listens on, and those this test's own network has."""
    logdir = BACKGROUND.job_dir("day10")
    command = [sys.executable, "-m", "lessons.day10_distributed", "--epochs", "2", "--trace-steps", "1", "--logdir",
               str(logdir)]
    with open(logdir / "out.txt", "w+") as out, open(logdir / "err.txt", "w+") as err:
        proc = BACKGROUND.popen(command, cwd=ROOT, stdout=out, stderr=err, text=True)
        seen = watch_workers(proc)
        out.seek(0), err.seek(0)
        done = subprocess.CompletedProcess(command, proc.returncode, out.read(), err.read())
    return done, logdir, seen


def watch_workers(proc, timeout=300):
    """While ``proc`` runs: {worker pid: (interfaces it sees, (address, port) it listens on, ports that listen in
    this process's network)} of each course.distribute.workers process below it, seen once it listens."""
    import time
    from course.distribute.isolation import interfaces, listening
    seen, deadline = {}, time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        for pid in descendants(proc.pid, b"course.distribute.workers"):
            try:
                own = listening(pid)
                if own and pid not in seen:
                    ours = {port for _, port in listening("self")}
                    seen[pid] = (interfaces(pid), own, sorted(ours & {port for _, port in own}))
            except (OSError, ValueError):      # it ended meanwhile
                continue
        time.sleep(0.05)
    proc.wait(timeout=max(1, deadline - time.monotonic()))
    return seen


@fresh_process(day10_in_a_fresh_process)
def test_the_workers_servers_listen_in_a_private_network_that_has_only_loopback():
    """TensorFlow's gRPC servers bind 0.0.0.0 (written into TensorFlow); the workers run in a network namespace
    holding only 'lo', so their ports exist nowhere else: not in this test's network, not on the machine's."""
    _, _, seen = BACKGROUND.result(day10_in_a_fresh_process)
    assert len(seen) == 2, seen                                        # both workers, each seen listening
    for pid, (nets, own, visible_here) in seen.items():
        assert nets == ["lo"], (pid, nets)
        assert own and all(address in ("0.0.0.0", "::", "127.0.0.1") for address, _ in own), own
        assert visible_here == [], (pid, visible_here)                  # none of its ports listens out here


@fresh_process(day10_in_a_fresh_process)
def test_lesson_one_device_two_replicas_and_two_workers_agree_and_log():
    proc, tmp_path, _ = BACKGROUND.result(day10_in_a_fresh_process)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.stderr == ""                            # no TensorFlow chatter, from us or the workers
    out = proc.stdout
    runs = {d.name.split("_", 1)[1]: d for d in (tmp_path / day10.LESSON).iterdir()}
    assert set(runs) == {"one_device", "two_replicas", "two_workers"}

    # The oracle: the one-device loop, same seed and flags, trained here apart from the lesson.
    ds = data.load("moons", seed=0)
    model = day10.build_model(ds, 0)
    fit(model, ds, day10.DEFAULTS.replace(epochs=2))
    names = [variable_name(v) for v in model.trainable_variables]
    for name, run_dir in runs.items():
        saved = np.load(run_dir / "final_weights.npz")
        assert _max_difference([saved[n] for n in names], model.get_weights()) <= 1e-5, name

    # The first step, replica by replica: the shares add up to the one-device loss and gradient.
    assert "The first global batch: 64 examples = 32 + 32 (2 replicas x 32)" in out
    shares = [float(s) for s in re.findall(r"replica \d: mean loss over its 32 examples \S+, share (\S+)", out)]
    total, one = map(float, re.search(r"sum of the shares \(all-reduced\) (\S+) = one device's mean loss over all 64: "
                                      r"(\S+)", out).groups())
    assert len(shares) == 2 and sum(shares) == pytest.approx(total, abs=2e-4) and total == one
    gradient = float(re.search(r"every one of the 337 gradient entries: largest difference (\S+)", out).group(1))
    assert gradient <= 1e-6
    assert "the 2 copies of every weight: largest difference 0.0e+00" in out
    assert "the two workers' final weights: largest difference 0.0e+00" in out
    tabled = [re.search(rf"^  {name} .*\| +(\S+) \| +\S+", out, re.M).group(1) for name in ("two_replicas", "two_workers")]
    assert all(float(d) <= 1e-5 for d in tabled)
    # the takeaway quotes the table's largest difference, as the table prints it
    assert f"(here they differ by at most {max(tabled, key=float)})" in out

    # TensorBoard: the three runs log the same per-step and per-epoch series (only the chief for the workers).
    logged = {name: read_events(run_dir / "train") for name, run_dir in runs.items()}
    for name, train in logged.items():
        assert {"batch_loss", "batch_accuracy", "gradient_norm", "epoch_loss", "weights/hidden_1",
                "gradients/output/kernel", "run/hyperparameters", "snapshots/decision_boundary"} <= set(train), name
        assert len(train["batch_loss"]) == 2 * 13
        losses = [float(v) for _, v in train["batch_loss"]]
        np.testing.assert_allclose(losses, [float(v) for _, v in logged["one_device"]["batch_loss"]], atol=1e-5)
        assert set(read_events(runs[name] / "validation")) == {"epoch_loss", "epoch_accuracy"}
    assert "trace/update_step" in logged["one_device"] and "trace/update_step" in logged["two_workers"]
    assert f"tensorboard --logdir {tmp_path / day10.LESSON}" in out
