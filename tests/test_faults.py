"""Faults a learner runs into: divergence, Ctrl-C/SIGTERM, MNIST offline, bad data handed to the API."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import read_events

from course import data, models, training
from course.config import Config, ConfigError
from course.experiment import train_and_log

ROOT = Path(__file__).resolve().parents[1]


def test_divergence_stops_at_the_step_names_the_variable_and_keeps_the_log(tmp_path):
    ds = data.blobs(seed=0, n_samples=100)
    model = models.mlp(2, hidden=(8,), activation="relu", seed=0)
    out = []
    result = train_and_log(model, ds, Config(epochs=5, batch_size=20, learning_rate=1e30, logdir=str(tmp_path),
                                             trace_steps=0), lesson="t", name="diverge", print_fn=out.append)
    history = result.history
    assert history.diverged
    step = int(history.stopped.split("diverged at step ")[1].split(" ")[0])
    assert history.steps == step - 1                   # the NaN step itself is not counted or logged
    assert "the gradients of hidden_1/kernel, hidden_1/bias, output/kernel, output/bias are not finite" in history.stopped
    assert "lower the learning rate (--learning-rate)" in history.stopped
    assert any(line.startswith("Stopped early: diverged at step") for line in out)
    train = read_events(result.run_dir / "train")
    logged = [s for s, _ in train.get("batch_loss", [])]
    assert logged == list(range(1, step))             # every finite step up to the divergence, readable
    assert all(np.isfinite(v) for _, v in train.get("batch_loss", []))
    (stopped,) = train["run/stopped"]
    assert stopped[1].item().decode() == history.stopped


def _start(tmp_path, *flags):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "lessons.day1_perceptron", "--dataset", "blobs",
                             "--epochs", "100000", "--trace-steps", "0", "--logdir", str(tmp_path), *flags],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    deadline = time.time() + 120
    while time.time() < deadline:      # wait until training is under way
        line = proc.stdout.readline()
        if line.startswith("epoch"):
            break
    time.sleep(1.0)
    return proc


@pytest.mark.parametrize("sig, code, word, flags", [
    (signal.SIGINT, 130, "Ctrl-C", ()),
    (signal.SIGTERM, 143, "SIGTERM", ()),
    (signal.SIGINT, 130, "Ctrl-C", ("--eager",)),      # steps run from Python: a step and its logs together
])
def test_interrupted_run_flushes_its_logs_and_exits_with_the_signal_code(tmp_path, sig, code, word, flags):
    proc = _start(tmp_path, *flags)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    seen = f"stdout ends {out[-1500:]!r}\nstderr ends {err[-1500:]!r}"      # shown if an assertion fails
    assert proc.returncode == code, seen
    assert "Traceback" not in err, seen
    assert f"Stopped by {word}: what was logged so far stays readable in TensorBoard." in err
    (run_dir,) = (tmp_path / "day1_perceptron").iterdir()
    assert f"Interrupted: the partial run is in {run_dir}" in out
    train = read_events(run_dir / "train")
    steps = [s for s, _ in train["batch_loss"]]
    assert len(steps) >= 10 and steps == list(range(1, len(steps) + 1)), (steps[:3], steps[-3:], seen)
    per_step = [t for t in train if t in ("batch_loss", "batch_accuracy", "gradient_norm") or "[" in t]
    assert len(per_step) == 3 + 6                                      # and one curve per parameter/gradient
    assert {train[t][-1][0] for t in per_step} == {steps[-1]}       # no step half logged
    (stopped,) = train["run/stopped"]
    text = stopped[1].item().decode()
    assert text.startswith(f"interrupted at step {steps[-1]} (epoch "), (text, steps[-1], seen)   # 10 steps an epoch
    assert int(text.split("(epoch ")[1].rstrip(")")) in ((steps[-1] - 1) // 10 + 1, steps[-1] // 10 + 1)
    assert len(read_events(run_dir / "validation")["epoch_loss"]) >= 1


def _write_fake_mnist(directory, n=40):
    rng = np.random.default_rng(0)
    (directory / "datasets").mkdir(parents=True)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = np.arange(n) % 10
    np.savez(directory / "datasets" / "mnist.npz", x_train=images, y_train=labels, x_test=images[:20],
             y_test=labels[:20])
    return images, labels


def test_mnist_loads_from_the_keras_cache_offline(tmp_path):
    images, labels = _write_fake_mnist(tmp_path)
    ds = data.mnist(seed=0, n_train=30, n_val=10, cache_dir=str(tmp_path))
    assert ds.x_train.shape == (30, 784) and ds.x_val.shape == (10, 784) and ds.n_classes == 10
    # the same seeded subset, scaled to [0, 1] then standardised with training statistics
    order = np.random.default_rng(0).permutation(40)[:30]
    raw = images[order].reshape(30, -1) / 255.0
    np.testing.assert_allclose(ds.x_train, (raw - ds.mean) / ds.std, atol=1e-5)
    np.testing.assert_array_equal(ds.y_train, labels[order])


def test_mnist_offline_without_a_cache_says_so_and_suggests_digits(tmp_path):
    with pytest.raises(ConfigError, match="MNIST is not cached at .* use --dataset digits"):
        data.mnist(cache_dir=str(tmp_path / "keras"), origin="http://127.0.0.1:9/mnist.npz")


def test_lesson_with_cached_mnist_through_the_command_line(tmp_path):
    _write_fake_mnist(tmp_path / "keras", n=60)
    env = {**os.environ, "KERAS_HOME": str(tmp_path / "keras")}
    proc = subprocess.run([sys.executable, "-m", "lessons.day2_mlp", "--dataset", "mnist", "--epochs", "1",
                           "--batch-size", "16", "--quiet", "--logdir", str(tmp_path / "logs")],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert "-> output (10, softmax)" in proc.stdout
    assert "on mnist: 60 train / 20 validation examples, 784 features, 10 classes" in proc.stdout


def test_a_rejected_run_writes_nothing(tmp_path):
    model = models.perceptron(3)
    with pytest.raises(ValueError, match="2 features but the model expects 3"):
        train_and_log(model, data.blobs(), Config(logdir=str(tmp_path / "logs")), lesson="t", name="x")
    assert not (tmp_path / "logs").exists()


def test_fit_rejects_non_finite_or_empty_data():
    ds = data.blobs(n_samples=100)
    bad = data.Dataset(**{**ds.__dict__, "x_train": np.where(np.arange(80)[:, None] == 3, np.nan, ds.x_train)})
    with pytest.raises(ValueError, match="dataset.x_train contains NaN or infinite values"):
        training.fit(models.perceptron(2), bad, Config())
    empty = data.Dataset(**{**ds.__dict__, "x_val": ds.x_val[:0], "y_val": ds.y_val[:0]})
    with pytest.raises(ValueError, match="dataset.x_val must be a non-empty"):
        training.fit(models.perceptron(2), empty, Config())
    labels = data.Dataset(**{**ds.__dict__, "y_train": ds.y_train.astype(float)})
    with pytest.raises(ValueError, match="dataset.y_train must hold 80 integer class labels"):
        training.fit(models.perceptron(2), labels, Config())


def test_batch_size_larger_than_the_data_is_a_config_error():
    with pytest.raises(ConfigError, match="batch_size 500 is larger than the 320 training examples of blobs"):
        training.fit(models.perceptron(2), data.blobs(), Config(batch_size=500))


def test_lessons_survive_a_diverging_learning_rate(tmp_path, capsys):
    from lessons import day1_perceptron, day2_mlp
    config = Config(epochs=2, learning_rate=1e30, logdir=str(tmp_path), trace_steps=1, dataset="moons")
    result = day2_mlp.run(config)
    out = capsys.readouterr().out
    assert "Stopped early: diverged at step 2 (epoch 1, batch 2)" in out
    assert np.isnan(result.numbers["val_accuracy"])          # no complete epoch to report
    assert result.runs["moons"].history.diverged
    day1_perceptron.run(config.replace(dataset="all"))       # huge but finite numbers: no crash either
    assert "Takeaways:" in capsys.readouterr().out


def test_sigterm_during_a_plain_fit_ends_the_process(tmp_path):
    """Without the CLI's handler (a script, a worker), SIGTERM held back during a step must still end
    the process afterwards, as it would have without the hold (it used to be dropped)."""
    script = ("from course import data, models, training\nfrom course.config import Config\n"
              "import sys\nclass Go(training.Observer):\n"
              "    def on_epoch_end(self, record):\n        print('epoch', record.epoch, flush=True)\n"
              "training.fit(models.perceptron(2), data.blobs(), Config(epochs=100000, trace_steps=0), "
              "observers=[Go()])\nprint('finished', flush=True)\n")
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert proc.stdout.readline().startswith("epoch"), proc.stderr.read()
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == -signal.SIGTERM and "finished" not in out
