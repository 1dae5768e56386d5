"""Day 1: the perceptron. A tiny run's every tag read back, the lesson's bars at its default flags against
scikit-learn's Perceptron, bit-identical logs across processes, and a diverging learning rate survived."""
import contextlib
import io
import re

import numpy as np
import pytest
from sklearn.linear_model import Perceptron

from course.core import datasets as data
from course.core.config import Config
from lessons import day1_perceptron
from tests.helpers import BACKGROUND, fresh_process, python, read_events

STEP = {"batch_loss", "batch_accuracy", "gradient_norm"}
EPOCH = {"epoch_loss", "epoch_accuracy", "learning_rate"}
TEXT_AND_IMAGES = {"run/hyperparameters", "run/goal", "training_curves", "trace/update_step", "network"}
SNAPSHOTS = {"snapshots/decision_boundary"}      # 2-D models: the boundary after some epochs


def layer_tags(layers):
    tags = set()
    for layer in layers:
        tags |= {f"weights/{layer}", f"biases/{layer}", f"gradients/{layer}/kernel", f"gradients/{layer}/bias"}
    return tags


def entries(prefix, n_inputs):
    return ({f"{prefix}/output/kernel[{i},0]" for i in range(n_inputs)} | {f"{prefix}/output/bias[0]"})


def check_run(run_dir, expected_train_tags):
    """Every tag of a lesson run: exactly the documented ones, every number finite, the PNGs beside them."""
    train, val = read_events(run_dir / "train"), read_events(run_dir / "validation")
    assert set(train) == expected_train_tags
    assert set(val) == {"epoch_loss", "epoch_accuracy"}
    for tag, events in {**train, **{f"val/{t}": e for t, e in val.items()}}.items():
        for _, value in events:
            if value.dtype.kind == "f":
                assert np.all(np.isfinite(value)), tag
    # the PNGs beside them: the training curves, and the last picture of each kind the run drew
    pngs = {"training_curves.png"} | ({"decision_boundary.png"} if "snapshots/decision_boundary" in train else set()) \
        | ({"network.png"} if "network" in train else set())
    assert sorted(p.name for p in run_dir.glob("*.png")) == sorted(pngs)
    for tag, file in (("snapshots/decision_boundary", "decision_boundary.png"), ("network", "network.png")):
        if tag in train:
            assert train[tag][-1][1][2] == (run_dir / file).read_bytes()      # the same picture
    return train, val


def _logits(model, x):
    w, b = (v.astype(np.float64) for v in model.get_layer("output").get_weights())
    return (x @ w + b).ravel()


def test_day1_tiny_run_writes_the_documented_tags(tmp_path, capsys):
    config = Config(epochs=2, learning_rate=0.5, logdir=str(tmp_path), trace_steps=1, dataset="all")
    result = day1_perceptron.run(config)
    out = capsys.readouterr().out
    assert set(result.runs) == {"blobs", "breast_cancer", "xor"}
    assert all(d.parent == tmp_path / "day1_perceptron" for d in result.run_dirs)
    small = STEP | EPOCH | TEXT_AND_IMAGES | layer_tags(["output"]) | SNAPSHOTS
    check_run(result.runs["blobs"].run_dir, small | entries("parameters", 2) | entries("gradients", 2))
    check_run(result.runs["xor"].run_dir, small | entries("parameters", 2) | entries("gradients", 2))
    # 31 parameters: histograms but no per-parameter scalars, and no 2-D boundary; 30 inputs: a diagram
    check_run(result.runs["breast_cancer"].run_dir, STEP | EPOCH | TEXT_AND_IMAGES | layer_tags(["output"]))
    assert out.count("step 1 (epoch 1, batch 1/") == 3             # one traced step per run
    assert "output/kernel[0,0]: " in out and " - 0.5 x (" in out
    assert "one linear boundary cannot separate XOR" in out
    # XOR: 2 x 10 full-batch epochs of one step each
    assert [s for s, _ in read_events(result.runs["xor"].run_dir / "validation")["epoch_loss"]] == list(range(1, 21))


@pytest.mark.trained
def test_day1_default_flags_meet_the_lessons_bars(tmp_path, capsys, trained_seed, claim):
    seed = trained_seed
    result = day1_perceptron.run(day1_perceptron.DEFAULTS.replace(logdir=str(tmp_path), quiet=True, seed=seed))
    n = result.numbers
    claim("blobs validation accuracy", n["blobs_val_accuracy"], ">=", 0.95)
    claim("breast cancer validation accuracy", n["breast_cancer_val_accuracy"], ">=", 0.90)
    assert n["xor_accuracy"] <= 0.75                                   # a line gets at most 3 of the 4 corners
    # scikit-learn's Perceptron on the same split, printed beside ours
    ds = data.breast_cancer(seed=seed)
    assert n["breast_cancer_sklearn_accuracy"] == Perceptron(random_state=seed).fit(ds.x_train, ds.y_train).score(
        ds.x_val, ds.y_val)
    # on XOR the neuron ends up a coin flip: cross-entropy near log 2
    claim("XOR cross-entropy - log 2", abs(n["xor_bce"] - np.log(2)), "<=", 0.01)
    # the printed criterion and cross-entropy, recomputed from the trained weights
    model, blobs = result.runs["blobs"].model, data.blobs(seed=seed)
    z, t = _logits(model, blobs.x_val), 2 * blobs.y_val - 1
    assert n["blobs_criterion"] == pytest.approx(np.mean(np.maximum(0, -t * z)), rel=1e-6)
    p = 1 / (1 + np.exp(-z))
    assert n["blobs_bce"] == pytest.approx(-np.mean(blobs.y_val * np.log(p) + (1 - blobs.y_val) * np.log(1 - p)),
                                           rel=1e-6)
    assert n["blobs_val_accuracy"] == pytest.approx(np.mean((z >= 0) == blobs.y_val), abs=1e-6)
    out = capsys.readouterr().out
    assert f"scikit-learn Perceptron {n['breast_cancer_sklearn_accuracy']:.3f}" in out
    assert "perceptron criterion mean max(0, -t*z) =" in out and "binary cross-entropy =" in out
    assert "step 1 (" not in out                                        # --quiet


def _logged_values(run_dir):
    """Every logged value: numbers as raw bytes, text and images (string tensors) as their bytes."""
    def raw(value):
        return tuple(value.ravel()) if value.dtype == object else value.tobytes()
    return {tag: [(s, raw(v)) for s, v in events] for tag, events in read_events(run_dir / "train").items()}


def day1_in_a_fresh_process():
    logdir = BACKGROUND.job_dir("seed")
    proc = python("-m", "lessons.day1_perceptron", "--dataset", "blobs", "--epochs", "2", "--quiet", "--seed", "1",
                  "--logdir", str(logdir), timeout=180, nice=True)
    return proc, logdir


@fresh_process(day1_in_a_fresh_process)
def test_same_seed_same_logged_values_across_processes_other_seed_differs(tmp_path):
    proc, logdir = BACKGROUND.result(day1_in_a_fresh_process)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    (fresh,) = (logdir / "day1_perceptron").iterdir()

    def here(seed, logdir):                           # the same lesson in this process, after everything else ran
        with contextlib.redirect_stdout(io.StringIO()):
            result = day1_perceptron.run(day1_perceptron.DEFAULTS.replace(
                dataset="blobs", epochs=2, quiet=True, seed=seed, logdir=str(logdir)))
        return _logged_values(result.runs["blobs"].run_dir)

    a, b, c = _logged_values(fresh), here(1, tmp_path / "b"), here(2, tmp_path / "c")
    assert a == b                       # bit-identical: every parameter path, every loss, every picture
    assert a["parameters/output/kernel[0,0]"] != c["parameters/output/kernel[0,0]"]


def test_a_diverging_learning_rate_gives_huge_numbers_not_a_crash(tmp_path, capsys):
    config = Config(epochs=2, learning_rate=1e30, logdir=str(tmp_path), trace_steps=1, dataset="all")
    result = day1_perceptron.run(config)
    assert "Takeaways:" in capsys.readouterr().out
    assert set(result.runs) == {"blobs", "breast_cancer", "xor"}
    for name, run in result.runs.items():              # the perceptron's gradient stays bounded: no divergence
        assert run.history.stopped == "" and np.all(np.isfinite(run.history.loss)), name
    xor, ds = result.runs["xor"].model, data.xor()
    z, t = _logits(xor, ds.x_train), 2 * ds.y_train - 1
    assert result.numbers["xor_criterion"] == pytest.approx(np.mean(np.maximum(0, -t * z)), rel=1e-6)
    assert result.numbers["xor_criterion"] > 1e20 and result.numbers["xor_accuracy"] <= 0.75


def test_a_learning_rate_beyond_float32_is_reported_with_every_step_logged(tmp_path, capsys):
    config = day1_perceptron.DEFAULTS.replace(dataset="xor", log_every_step=True, learning_rate=1e308, epochs=2,
                                              logdir=str(tmp_path))
    result = day1_perceptron.run(config)
    out = capsys.readouterr().out
    history = result.runs["xor"].history
    assert history.stopped.startswith("diverged at step 1 (epoch 1, batch 1): the loss is ")
    assert "the weights of output/kernel, output/bias are not finite" in history.stopped
    assert f"Stopped early: {history.stopped}" in out
    assert ("Takeaways (what the lesson shows at workable settings; here xor stopped early, so the numbers above "
            "cannot show them all):") in out
    train = read_events(result.runs["xor"].run_dir / "train")
    assert [(s, v.item().decode()) for s, v in train["run/stopped"]] == [(1, history.stopped)]
    assert [s for s, _ in train["parameters/output/kernel[0,0]"]] == [0]       # the initial value, then it stopped


def test_the_xor_table_shows_the_class_the_accuracy_counts(tmp_path, capsys):
    # with Adam every p prints 0.500, yet the accuracy is 0.25: the class column shows which side each p fell on
    day1_perceptron.run(day1_perceptron.DEFAULTS.replace(dataset="xor", optimizer="adam", logdir=str(tmp_path)))
    out = capsys.readouterr().out
    rows = re.findall(r"^ +([01]) +([01]) \| +([01]) \| +[+-]1 \| +\S+ +\S+ +([01]) \|", out, re.M)
    assert len(rows) == 4
    accuracy = float(re.search(r"accuracy on the 4 corners: (\S+)", out).group(1))
    assert sum(label == guess for _, _, label, guess in rows) / 4 == accuracy
    assert "so the corners' 0 and 1 become -1 and +1" in out and "-0.0000" not in out
