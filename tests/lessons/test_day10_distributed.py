"""Day 10: the course loop under tf.distribute (course.distributed, course.multiworker) and the lesson.

Two replicas need the CPU split before TensorFlow starts its devices, which this pytest process did
long ago, so the two-device and two-worker runs happen in a fresh process (the lesson itself), and
their weights are read back and compared with the one-device loop run here. In this process a
one-replica MirroredStrategy checks the distributed loop against ``training.fit``.
"""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import read_events

from course import data, distributed, models, multiworker, training
from course.config import Config
from course.records import Recorder
from course.runtime import tf
from lessons import day10_distributed as day10

ROOT = Path(__file__).resolve().parents[1]


def _max_difference(a, b):
    return max(float(np.max(np.abs(np.asarray(x) - np.asarray(y)))) for x, y in zip(a, b))


def test_split_cpu_after_tensorflow_started_says_so():
    tf.constant(0.0)                                   # TensorFlow has started its devices
    n = len(tf.config.list_logical_devices("CPU"))
    assert len(distributed.split_cpu(n)) == n          # what is there already: nothing to do
    with pytest.raises(RuntimeError, match=rf"split_cpu\({n + 1}\) came too late: .*fresh process"):
        distributed.split_cpu(n + 1)
    with pytest.raises(ValueError, match="n must be a positive integer, got 0"):
        distributed.split_cpu(0)


def test_a_model_built_in_a_strategy_scope_trains_with_the_same_numbers_as_one_device():
    # one replica here: strategy.run, the global-batch loss, the all-reduce and the split, against fit
    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    ds = data.load("moons", seed=0)
    config = Config(epochs=2, learning_rate=0.5, batch_size=48, seed=3)   # 800 = 16 x 48 + 32
    plain = models.mlp(2, hidden=(4,), seed=3)
    with strategy.scope():
        mirrored = models.mlp(2, hidden=(4,), seed=3)
    assert distributed.strategy_of(mirrored) is strategy and distributed.strategy_of(plain) is None
    records = Recorder(full_steps=2), Recorder(full_steps=2)
    h_plain = training.fit(plain, ds, config, observers=[records[0]])
    h_mirrored = training.fit(mirrored, ds, config, observers=[records[1]])   # fit finds the strategy
    assert _max_difference(plain.get_weights(), mirrored.get_weights()) <= 1e-6
    assert h_mirrored.steps == h_plain.steps == 2 * 17
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        np.testing.assert_allclose(getattr(h_mirrored, key), getattr(h_plain, key), atol=1e-6)
    np.testing.assert_allclose(records[1].step_losses(), records[0].step_losses(), atol=1e-6)
    np.testing.assert_allclose(records[1].path(), records[0].path(), atol=1e-6)   # 17 parameters, every step
    for a, b in zip(records[0].steps, records[1].steps):                          # the traced steps in full
        assert (a.step, a.batch) == (b.step, b.batch)
        assert _max_difference(a.grads, b.grads) <= 1e-6 and _max_difference(a.after, b.after) <= 1e-6


def test_distributed_loop_refuses_what_cannot_work_and_stops_a_diverging_run():
    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    ds = data.load("moons", seed=0)
    config = Config(epochs=2, learning_rate=500.0, batch_size=32)
    plain = models.mlp(2, hidden=(8,), seed=0)
    with pytest.raises(ValueError, match=r"strategy\.scope\(\)"):
        training.fit(plain, ds, config, strategy=strategy)
    with strategy.scope():
        mirrored = models.mlp(2, hidden=(8,), seed=0)
    with pytest.raises(ValueError, match="strategy must be a tf.distribute.Strategy, got str"):
        distributed.fit(mirrored, ds, config, strategy="mirrored")
    h_plain, h_mirrored = training.fit(plain, ds, config), training.fit(mirrored, ds, config)
    assert h_mirrored.diverged and h_mirrored.stopped == h_plain.stopped   # same step, same message
    assert h_mirrored.stopped.startswith("diverged at step ")


def test_tf_config_names_every_worker_and_this_one():
    workers = ["10.0.0.1:12345", "10.0.0.2:12345"]
    assert json.loads(multiworker.tf_config(workers, 1)) == {
        "cluster": {"worker": workers}, "task": {"type": "worker", "index": 1}}
    with pytest.raises(ValueError, match=r"index must be 0 \.\. 1, got 2"):
        multiworker.tf_config(workers, 2)
    ports = multiworker.free_ports(3)
    assert len(set(ports)) == 3 and all(1024 <= p < 65536 for p in ports)


def _children():
    """Processes started by this one that run course.multiworker."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and b"course.multiworker" in cmdline:
            found.append(stat.parent.name)
    return found


def test_workers_past_their_time_limit_are_stopped(tmp_path):
    job = {"dataset": "moons", "config": {"epochs": 1, "logdir": str(tmp_path)}}
    with pytest.raises(multiworker.WorkerError, match=r"did not finish within 0\.5 s; stopped them"):
        multiworker.run_workers(job, 2, timeout=0.5)
    assert _children() == []


def test_bad_flags_and_a_batch_too_small_to_split_write_nothing(tmp_path, capsys):
    logdir = tmp_path / "logs"
    for argv, message in ((["--batch-size", "1"], "batch_size 1 cannot be split across 2 replicas; use at least 2"),
                          (["--epochs", "0"], "argument --epochs: must be a positive integer, got '0'"),
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


def test_lesson_one_device_two_replicas_and_two_workers_agree_and_log(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "lessons.day10_distributed", "--epochs", "2", "--trace-steps", "1",
                           "--logdir", str(tmp_path)], capture_output=True, text=True, cwd=ROOT, timeout=240)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.stderr == ""                            # no TensorFlow chatter, from us or the workers
    out = proc.stdout
    runs = {d.name.split("_", 1)[1]: d for d in (tmp_path / day10.LESSON).iterdir()}
    assert set(runs) == {"one_device", "two_replicas", "two_workers"}

    # The oracle: the one-device loop in this process, same seed and flags.
    ds = data.load("moons", seed=0)
    model = day10.build_model(ds, 0)
    training.fit(model, ds, day10.DEFAULTS.replace(epochs=2))
    names = [models.variable_name(v) for v in model.trainable_variables]
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
    for name in ("two_replicas", "two_workers"):
        assert float(re.search(rf"^  {name} .*\| +(\S+) \| +\S+", out, re.M).group(1)) <= 1e-5

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
