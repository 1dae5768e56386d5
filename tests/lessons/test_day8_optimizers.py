"""Day 8: optimizers. The four runs at the lesson's default settings against the NumPy update rules with NumPy
gradients, the loss surface's minimum, and the logs. (The update rules themselves are tested in
tests/reference/test_optimizers.py.)"""
import re

import numpy as np
import pytest

from course.core.dataset import select_features
from course.core.datasets import breast_cancer
from course.reference import optimizers
from course.reference.backprop import loss_and_gradients
from lessons import day8_optimizers as day8
from tests.helpers import read_events


@pytest.mark.trained
def test_lesson_at_default_settings(tmp_path, capsys, trained_seed, claim):
    config = day8.DEFAULTS.replace(logdir=str(tmp_path), quiet=True, seed=trained_seed)
    result = day8.run(config)
    out = capsys.readouterr().out
    n = result.numbers
    assert list(result.runs) == ["sgd", "momentum", "rmsprop", "adam"]
    ds = select_features(breast_cancer(seed=trained_seed), [day8.FEATURE])

    def layers0(w):
        return [(np.array([[w[0]]]), np.array([w[1]]), "sigmoid")]

    def grad(w):
        (dw, db), = loss_and_gradients(ds.x_train, ds.y_train, layers0(w))[1]
        return np.array([dw[0, 0], db[0]])

    for name, run_ in result.runs.items():
        # the first step: NumPy from Keras's before/grads equals what Keras applied, to 1e-6
        assert n[f"{name}_first_step_max_abs_diff"] <= 1e-6
        # the whole full-batch path: the NumPy rules with NumPy gradients reproduce Keras's 60 steps
        path = optimizers.path(name, grad, np.array(day8.START), config.learning_rate, config.epochs)
        assert (n[f"{name}_final_w"], n[f"{name}_final_b"]) == pytest.approx(tuple(path[-1]), abs=1e-4)
        assert n[f"{name}_travelled"] == pytest.approx(
            np.sum(np.linalg.norm(np.diff(path, axis=0), axis=1)), abs=1e-3)
        # logged: the per-parameter path, which ends where the run ends, and the paths figure
        train = read_events(run_.run_dir / "train")
        kernel = train["parameters/output/kernel[0,0]"]
        assert kernel[0] == (0, pytest.approx(day8.START[0])) and len(kernel) == config.epochs + 1
        assert float(kernel[-1][1]) == pytest.approx(n[f"{name}_final_w"], abs=1e-6)
        assert "optimizer_paths" in train and train["optimizer_paths"][0][0] == config.epochs
        assert sorted(p.name for p in run_.run_dir.glob("*.png")) == ["network.png", "optimizer_paths.png",
                                                                       "training_curves.png"]
        assert n[f"{name}_loss"] == pytest.approx(
            loss_and_gradients(ds.x_train, ds.y_train, layers0(path[-2]))[0], abs=1e-5)
    # the story the table tells at these settings
    claim("SGD's final loss - RMSprop's", n["sgd_loss"] - n["rmsprop_loss"], ">", 0)
    claim("SGD's final loss - Adam's", n["sgd_loss"] - n["adam_loss"], ">", 0)
    claim("momentum's path - SGD's", n["momentum_travelled"] - n["sgd_travelled"], ">", 0)
    # the surface's lowest grid point sits just above the true minimum, which scikit-learn finds
    from sklearn.linear_model import LogisticRegression
    fitted = LogisticRegression(C=np.inf, tol=1e-10, max_iter=1000).fit(ds.x_train, ds.y_train)
    best = loss_and_gradients(ds.x_train, ds.y_train, layers0([fitted.coef_[0, 0], fitted.intercept_[0]]))[0]
    assert best <= n["grid_min"][2] <= best + 1e-3
    assert loss_and_gradients(ds.x_train, ds.y_train, layers0(n["grid_min"][:2]))[0] == pytest.approx(
        n["grid_min"][2], rel=1e-9)
    claim("RMSprop's final loss - the grid's lowest", n["rmsprop_loss"] - n["grid_min"][2], "<", 1e-3)
    assert out.count("equal within 1e-6") == 4 and "NOT equal" not in out
    c1 = 1 - float(np.float32(0.9))                                      # Keras's beta_1 is float32
    assert "m <- 0.9 x m + 0.1 x g" in out and f"bias correction: 1 - 0.9^1 = {c1:.9g}" in out
    assert "velocity <- 0.9 x velocity - lr x g" in out and "s <- 0.9 x s + 0.1 x g^2" in out
    assert "Takeaways:" in out
    _step_sizes_follow_the_run(out, result, grad, config.learning_rate)


STEP_ROW = re.compile(r"^  (sgd|momentum|rmsprop|adam) +\| +([0-9.]+) +([0-9.]+) \| +([0-9.]+) +([0-9.]+)$", re.M)


def _step_sizes_follow_the_run(out, result, grad, lr):
    """The first-step table holds against the NumPy rules, and the takeaways quote the table."""
    rows = {name: tuple(float(v) for v in values) for name, *values in STEP_ROW.findall(out)}
    assert list(rows) == ["sgd", "momentum", "rmsprop", "adam"]
    for name, (gw, step_w, gb, step_b) in rows.items():
        first, second = optimizers.path(name, grad, np.array(day8.START), lr, 1)
        g = grad(np.array(day8.START))
        assert (gw, gb) == pytest.approx(np.abs(g), abs=5e-5)
        assert (step_w, step_b) == pytest.approx(np.abs(second - first) / lr, abs=5e-4)
    sgd, rmsprop, adam = rows["sgd"], rows["rmsprop"], rows["adam"]
    assert f"here its first steps are {sgd[1]:.3f} lr (w) and {sgd[3]:.3f} lr (b)" in out
    assert f"RMSprop's first steps: {rmsprop[1]:.3f} lr (w) and {rmsprop[3]:.3f} lr (b)" in out
    assert f"Adam's first steps: {adam[1]:.3f} lr (w) and {adam[3]:.3f} lr (b)" in out


def test_at_another_learning_rate_and_epochs_the_takeaways_still_follow_the_run(tmp_path, capsys):
    config = day8.DEFAULTS.replace(logdir=str(tmp_path), learning_rate=0.01, epochs=3, quiet=True)
    result = day8.run(config)
    out = capsys.readouterr().out
    ds = select_features(breast_cancer(seed=0), [day8.FEATURE])

    def grad(w):
        (dw, db), = loss_and_gradients(ds.x_train, ds.y_train, [(np.array([[w[0]]]), np.array([w[1]]), "sigmoid")])[1]
        return np.array([dw[0, 0], db[0]])

    _step_sizes_follow_the_run(out, result, grad, config.learning_rate)
    assert "start w = 3, b = 4; lr 0.01, 3 epochs, full batch" in out


def test_a_learning_rate_beyond_float32_stops_every_optimizer_at_its_first_step(tmp_path, capsys):
    result = day8.run(day8.DEFAULTS.replace(epochs=2, learning_rate=1e308, logdir=str(tmp_path), quiet=True))
    out = capsys.readouterr().out
    for name in ("sgd", "momentum", "rmsprop", "adam"):
        assert result.runs[name].history.stopped_at == 1
        assert f"  {name}: nothing to write out: diverged at step 1 (epoch 1, batch 1): the loss is " in out
    assert "(no first step to measure: every run diverged at step 1)" in out
    assert "Diverged: sgd, momentum, rmsprop, adam" in out and "SGD's step is lr x g: here" not in out
    assert result.numbers["first_steps"] == {}


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_at_a_learning_rate_of_1e38_the_numbers_print_in_e_notation_and_agree_relative_to_their_size(tmp_path, capsys):
    result = day8.run(day8.DEFAULTS.replace(epochs=2, learning_rate=1e38, logdir=str(tmp_path), quiet=True))
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) < 400                  # no 39-digit numbers
    # the gradient's last bit differs with oneDNN on (-4.602710e+37 off, -4.602711e+37 on): to its printed digits
    line = re.search(r"w: w <- w - lr x g = 3\.000000 - 1e\+38 x \((0\.\d{6})\) = (-\d\.\d{6}e\+37)\n", out)
    grad, after = float(line.group(1)), float(line.group(2))
    assert grad == pytest.approx(0.460271, abs=1e-6) and after == pytest.approx(3.0 - 1e38 * grad, rel=2e-6)
    assert out.count("largest relative difference (|NumPy - Keras| / |w|)") == 4 and "NOT equal" not in out
    for name in ("sgd", "momentum", "rmsprop", "adam"):
        assert result.runs[name].history.stopped_at == 2 and result.numbers[f"{name}_first_step_max_abs_diff"] <= 1e-6
    assert "Diverged: sgd, momentum, rmsprop, adam" in out
