"""Day 3: weights and bias. The lesson's by-hand numbers against the formulas, the loop's steps against
the by-hand ones, its bars at default flags, and the runs' tags read back from TensorBoard. (The NumPy
neuron itself is tested in tests/reference/test_neuron.py.)"""
import numpy as np
import pytest

from course.core import datasets as data
from course.reference import neuron
from course.reference.backprop import loss_and_gradients
from lessons import day3_weights_bias as day3
from tests.helpers import read_events

X, Y = day3.HAND_X, day3.HAND_Y


def test_the_lessons_worked_numbers_from_the_formulas_written_out():
    # the by-hand data of the lesson: the numbers it prints, each computed here from its formula
    g = neuron.loss_and_gradients(X, Y, day3.HAND_W, day3.HAND_B, "bce")
    loss, [(dW, db)] = loss_and_gradients(X.reshape(-1, 1), Y, [(np.array([[0.5]]), np.zeros(1), "sigmoid")])
    assert g["loss"] == pytest.approx(loss, abs=1e-12)
    assert (g["dw"], g["db"]) == pytest.approx((dW[0, 0], db[0]), abs=1e-12)
    p = 1 / (1 + np.exp(-(0.5 * X)))
    assert g["loss"] == pytest.approx(-np.mean(Y * np.log(p) + (1 - Y) * np.log(1 - p)), abs=1e-12)
    assert g["dw"] == pytest.approx(np.mean((p - Y) * X), abs=1e-12) and g["db"] == pytest.approx(np.mean(p - Y))
    assert (round(g["loss"], 4), round(g["dw"], 4), round(g["db"], 4)) == (0.5787, -0.0454, 0.1833)
    mse = neuron.loss_and_gradients(X, Y, 0.5, 0.0, "mse")
    assert mse["dw"] == pytest.approx(np.mean(2 * (p - Y) * p * (1 - p) * X), abs=1e-12)
    assert (round(mse["loss"], 4), round(mse["dw"], 4), round(mse["db"], 4)) == (0.2023, 0.0140, 0.1023)


def test_moved_blobs_keep_the_standardisation_and_sit_on_one_ray():
    ds = data.blobs(seed=0)
    moved = day3.away_from_origin(ds)
    raw = ds.x_train * ds.std + ds.mean                        # back to the generated points
    np.testing.assert_allclose((raw - moved.mean) / moved.std, moved.x_train, atol=1e-5)
    c0, c1 = (moved.x_train[moved.y_train == c].mean(axis=0) for c in (0, 1))
    assert abs(c0[0] * c1[1] - c0[1] * c1[0]) < 1e-5          # same direction from the origin
    assert np.linalg.norm(moved.x_train.mean(axis=0)) == pytest.approx(day3.SHIFT, abs=1e-5)


@pytest.mark.trained
def test_default_run_numbers_and_logs(tmp_path, capsys, trained_seed, claim):
    result = day3.run(day3.DEFAULTS.replace(logdir=str(tmp_path), quiet=True, seed=trained_seed))
    n = result.numbers
    out = capsys.readouterr().out
    # 1. the switching points x = -b/w
    assert n["switch_points"] == {(0.5, 0.0): 0.0, (1.0, 0.0): 0.0, (3.0, 0.0): 0.0, (1.0, 2.0): -2.0,
                                  (1.0, -2.0): 2.0}
    assert "sigmoid(w*0+b)" in out and "0.8808" in out and "0.1192" in out    # sigmoid(+-2)
    # 2. no bias fails, bias succeeds; the no-bias line passes through the origin
    claim("no-bias validation accuracy", n["no_bias_val_accuracy"], "<=", 0.6)
    claim("with-bias validation accuracy", n["with_bias_val_accuracy"], ">=", 0.9)
    assert n["no_bias_distance"] == 0.0 and n["with_bias_distance"] > 1.0
    w, b = result.runs["with_bias"].model.get_layer("output").get_weights()
    assert n["with_bias_distance"] == pytest.approx(abs(b[0]) / np.linalg.norm(w), rel=1e-6)   # |b| / |w|
    # 3. by hand == the GradientTape loop, every step, to 1e-6
    assert len(n["loop_steps"]) == day3.HAND_STEPS
    for hand, loop in zip(n["hand_steps"], n["loop_steps"]):
        assert float(loop.before[0].ravel()[0]) == pytest.approx(hand.w, abs=1e-6)
        assert float(loop.grads[0].ravel()[0]) == pytest.approx(hand.dw, abs=1e-6)
        assert float(loop.grads[1].ravel()[0]) == pytest.approx(hand.db, abs=1e-6)
        assert float(loop.after[0].ravel()[0]) == pytest.approx(hand.w_new, abs=1e-6)
        assert float(loop.after[1].ravel()[0]) == pytest.approx(hand.b_new, abs=1e-6)
        assert loop.loss == pytest.approx(hand.loss, abs=1e-6)
    assert n["hand_vs_loop_max_diff"] <= 1e-6
    p = 1 / (1 + np.exp(-(day3.HAND_W * X + day3.HAND_B)))
    mse_dz = 2 * (p - Y) * p * (1 - p) / len(X)                   # d mean((p - y)^2) / dz, by hand
    assert n["mse_tape_gradients"] == pytest.approx((np.sum(mse_dz * X), np.sum(mse_dz)), abs=1e-6)
    assert "by hand and the loop: equal within 1e-6" in out
    assert "w_new = w - lr * dL/dw = 0.5000 - 0.5 x (-0.0454) = 0.5227" in out
    # logs: the by-hand run's parameter path is the by-hand sequence of w
    hand = read_events(result.runs["by_hand"].run_dir / "train")
    path = [float(v) for _, v in sorted(hand["parameters/output/kernel[0,0]"])]
    np.testing.assert_allclose(path, [0.5] + [s.w_new for s in n["hand_steps"]], atol=1e-6)
    no_bias = read_events(result.runs["no_bias"].run_dir / "train")
    assert {t for t in no_bias if t.startswith("parameters/")} == {"parameters/output/kernel[0,0]",
                                                                 "parameters/output/kernel[1,0]"}
    assert "snapshots/decision_boundary" in no_bias
    figures = result.runs["figures"].run_dir
    assert {"neuron_response", "boundaries"} <= set(read_events(figures / "train"))
    assert sorted(p.name for p in figures.glob("*.png")) == ["boundaries.png", "neuron_response.png"]
    assert "Takeaways:" in out


def test_bad_flag_exits_2_and_writes_nothing(tmp_path, capsys):
    with pytest.raises(SystemExit) as err:
        day3.main(["--batch-size", "1000", "--logdir", str(tmp_path / "logs")])
    assert err.value.code == 2
    assert "batch_size 1000 is larger than the 320 training examples" in capsys.readouterr().err
    assert not (tmp_path / "logs").exists()


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_a_learning_rate_beyond_float32_is_reported_and_the_takeaways_say_what_was_left(tmp_path, capsys):
    result = day3.run(day3.DEFAULTS.replace(epochs=1, learning_rate=1e308, logdir=str(tmp_path)))
    out = capsys.readouterr().out
    assert out.count("Stopped early: diverged at step 1 (epoch 1, batch 1)") == 3     # no bias, bias, the loop
    hand = result.numbers["hand_steps"][0]                    # by hand in float64: 0.5 - 1e308 x dL/dw, 4 digits
    assert f"= {hand.w_new:.4g}" in out and len(max(out.splitlines(), key=len)) < 400
    assert "the loop stopped after 0 of 4 steps (see above); by hand, in float64, the numbers went on" in out
    assert "accuracies cannot be compared: the training stopped early (see section 2)." in " ".join(out.split())
    assert "exactly what the loop did here" not in out and np.isnan(result.numbers["hand_vs_loop_max_diff"])


def test_at_1e38_the_hand_and_loop_steps_agree_relative_to_their_size(tmp_path, capsys):
    # the numbers reach 1e38: float32 keeps about 7 digits of them, so the comparison is relative beyond 1
    result = day3.run(day3.DEFAULTS.replace(epochs=1, learning_rate=1e38, logdir=str(tmp_path)))
    out = capsys.readouterr().out
    steps, loop = result.numbers["hand_steps"], result.runs["by_hand"]
    assert loop.history.stopped_at == 3 and "the loop stopped after 2 of 4 steps" in out
    assert abs(steps[1].w_new) > 1e37                          # the plain difference would be about 1e30
    assert 0 < result.numbers["hand_vs_loop_max_diff"] <= 1e-6
    assert "* |by hand - by the loop| / max(1, |by hand|)" in out and "by hand and the loop: equal within 1e-6" in out
    assert "step 2 (epoch 2, batch 1/1): loss 3.4905e+36, gradient norm" in out   # e-notation, not 37 digits
