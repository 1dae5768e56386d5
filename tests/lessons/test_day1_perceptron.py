"""One smoke test per lesson (tiny config, every tag read back) and the lessons' numbers at default flags."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import read_events

from course.config import Config
from lessons import day1_perceptron, day2_mlp

ROOT = Path(__file__).resolve().parents[1]
STEP = {"batch_loss", "batch_accuracy", "gradient_norm"}
EPOCH = {"epoch_loss", "epoch_accuracy", "learning_rate"}
TEXT_AND_IMAGES = {"run/hyperparameters", "run/goal", "training_curves", "trace/update_step", "network"}
SNAPSHOTS = {"snapshots/decision_boundary"}      # 2-D models: the boundary after some epochs


def _layer_tags(layers):
    tags = set()
    for layer in layers:
        tags |= {f"weights/{layer}", f"biases/{layer}", f"gradients/{layer}/kernel", f"gradients/{layer}/bias"}
    return tags


def _entries(prefix, n_inputs):
    return ({f"{prefix}/output/kernel[{i},0]" for i in range(n_inputs)} | {f"{prefix}/output/bias[0]"})


def _check_run(run_dir, expected_train_tags):
    train, val = read_events(run_dir / "train"), read_events(run_dir / "validation")
    assert set(train) == expected_train_tags
    assert set(val) == {"epoch_loss", "epoch_accuracy"}
    for tag, events in {**train, **{f"val/{t}": e for t, e in val.items()}}.items():
        for _, value in events:
            if value.dtype.kind == "f":
                assert np.all(np.isfinite(value)), tag
    pngs = sorted(p.name for p in run_dir.glob("*.png"))
    images = sorted(f"{t}.png" for t in ("decision_boundary", "training_curves", "network")
                    if t in expected_train_tags)
    assert pngs == images
    return train, val


def test_day1_tiny_run_writes_the_documented_tags(tmp_path, capsys):
    config = Config(epochs=2, learning_rate=0.5, logdir=str(tmp_path), trace_steps=1, dataset="all")
    result = day1_perceptron.run(config)
    out = capsys.readouterr().out
    assert set(result.runs) == {"blobs", "breast_cancer", "xor"}
    assert all(d.parent == tmp_path / "day1_perceptron" for d in result.run_dirs)
    small = STEP | EPOCH | TEXT_AND_IMAGES | _layer_tags(["output"]) | {"decision_boundary"} | SNAPSHOTS
    _check_run(result.runs["blobs"].run_dir, small | _entries("parameters", 2) | _entries("gradients", 2))
    _check_run(result.runs["xor"].run_dir, small | _entries("parameters", 2) | _entries("gradients", 2))
    # 31 parameters: histograms but no per-parameter scalars, and no 2-D boundary; 30 inputs: a diagram
    _check_run(result.runs["breast_cancer"].run_dir, STEP | EPOCH | TEXT_AND_IMAGES | _layer_tags(["output"]))
    assert out.count("step 1 (epoch 1, batch 1/") == 3             # one traced step per run
    assert "output/kernel[0,0]: " in out and " - 0.5 x (" in out
    assert "one linear boundary cannot separate XOR" in out


def test_day2_tiny_run_writes_the_documented_tags(tmp_path, capsys):
    config = Config(epochs=2, learning_rate=0.05, optimizer="adam", logdir=str(tmp_path), trace_steps=2,
                    dataset="circles")
    result = day2_mlp.run(config)
    out = capsys.readouterr().out
    assert set(result.runs) == {"xor", "circles"}
    base = STEP | EPOCH | TEXT_AND_IMAGES | {"decision_boundary"} | SNAPSHOTS
    _check_run(result.runs["xor"].run_dir, base | _layer_tags(["hidden_1", "output"])
               | {"snapshots/neurons_hidden_1"})
    _check_run(result.runs["circles"].run_dir, base | _layer_tags(["hidden_1", "hidden_2", "output"])
               | {"snapshots/neurons_hidden_1", "snapshots/neurons_hidden_2"})
    assert out.count("step 2 (epoch") == 2
    assert "hidden_1/kernel (2x16): |w| " in out and "|change|/|w|" in out


def test_day1_default_flags_meet_the_lessons_bars(tmp_path, capsys):
    result = day1_perceptron.run(day1_perceptron.DEFAULTS.replace(logdir=str(tmp_path), quiet=True))
    n = result.numbers
    assert n["blobs_val_accuracy"] >= 0.95
    assert n["breast_cancer_val_accuracy"] >= 0.90
    assert n["xor_accuracy"] <= 0.75
    # scikit-learn's Perceptron on the same split, printed beside ours
    from sklearn.linear_model import Perceptron
    from course import data
    ds = data.breast_cancer(seed=0)
    assert n["breast_cancer_sklearn_accuracy"] == Perceptron(random_state=0).fit(ds.x_train, ds.y_train).score(
        ds.x_val, ds.y_val)
    # on XOR the neuron ends up a coin flip: cross-entropy near log 2
    assert n["xor_bce"] == pytest.approx(np.log(2), abs=0.01)
    out = capsys.readouterr().out
    assert f"scikit-learn Perceptron {n['breast_cancer_sklearn_accuracy']:.3f}" in out
    assert "perceptron criterion mean max(0, -t*z) =" in out and "binary cross-entropy =" in out
    assert "step 1 (" not in out                                        # --quiet


def test_day2_default_flags_meet_the_lessons_bars(tmp_path, capsys):
    result = day2_mlp.run(day2_mlp.DEFAULTS.replace(logdir=str(tmp_path), quiet=True))
    n = result.numbers
    assert n["forward_max_abs_diff"] <= 1e-6
    np.testing.assert_allclose(n["forward_numpy"], [0.106836, 0.850867, 0.850867, 0.106836], atol=1e-6)
    assert n["xor_accuracy"] == 1.0
    assert n["val_accuracy"] >= 0.95
    out = capsys.readouterr().out
    assert "z1[0] = 1*(5) + 0*(5) + (-2.5) = 2.5000   a1[0] = sigmoid(2.5000) = 0.924142" in out


def _logged_values(run_dir):
    """Every logged value: numbers as raw bytes, text and images (string tensors) as their bytes."""
    def raw(value):
        return tuple(value.ravel()) if value.dtype == object else value.tobytes()
    return {tag: [(s, raw(v)) for s, v in events] for tag, events in read_events(run_dir / "train").items()}


def test_same_seed_same_logged_values_across_processes_other_seed_differs(tmp_path):
    def run(seed, logdir):
        proc = subprocess.run([sys.executable, "-m", "lessons.day1_perceptron", "--dataset", "blobs",
                               "--epochs", "2", "--quiet", "--seed", str(seed), "--logdir", str(logdir)],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == ""
        (run_dir,) = (logdir / "day1_perceptron").iterdir()
        return _logged_values(run_dir)

    a, b, c = run(1, tmp_path / "a"), run(1, tmp_path / "b"), run(2, tmp_path / "c")
    assert a == b                       # bit-identical: every parameter path and every loss
    assert a["parameters/output/kernel[0,0]"] != c["parameters/output/kernel[0,0]"]
