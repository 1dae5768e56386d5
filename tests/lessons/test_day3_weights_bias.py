"""Day 3: weights and bias. The by-hand formulas against finite differences and NumPy backprop,
the lesson's numbers at its default flags, and the runs' tags read back from TensorBoard."""
import numpy as np
import pytest
from conftest import read_events

from course import data, models, neuron, numpy_ref, plots
from course.activations import FUNCTIONS
from lessons import day3_weights_bias as day3

X, Y = day3.HAND_X, day3.HAND_Y


def _numeric(loss, w, b, eps=1e-6):
    f = lambda w_, b_: neuron.loss_and_gradients(X, Y, w_, b_, loss)["loss"]   # noqa: E731
    return (f(w + eps, b) - f(w - eps, b)) / (2 * eps), (f(w, b + eps) - f(w, b - eps)) / (2 * eps)


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_hand_gradients_equal_finite_differences(loss):
    for w, b in [(0.5, 0.0), (-1.3, 0.7), (2.0, -3.0)]:
        g = neuron.loss_and_gradients(X, Y, w, b, loss)
        dw, db = _numeric(loss, w, b)
        assert g["dw"] == pytest.approx(dw, abs=1e-7)
        assert g["db"] == pytest.approx(db, abs=1e-7)


def test_hand_bce_step_equals_numpy_backprop_and_worked_numbers():
    g = neuron.loss_and_gradients(X, Y, 0.5, 0.0, "bce")
    loss, [(dW, db)] = numpy_ref.loss_and_gradients(X.reshape(-1, 1), Y, [(np.array([[0.5]]), np.zeros(1), "sigmoid")])
    assert g["loss"] == pytest.approx(loss, abs=1e-12)
    assert (g["dw"], g["db"]) == pytest.approx((dW[0, 0], db[0]), abs=1e-12)
    # the printed worked numbers, from the formulas written out
    p = 1 / (1 + np.exp(-(0.5 * X)))
    assert g["loss"] == pytest.approx(-np.mean(Y * np.log(p) + (1 - Y) * np.log(1 - p)), abs=1e-12)
    assert (round(g["loss"], 4), round(g["dw"], 4), round(g["db"], 4)) == (0.5787, -0.0454, 0.1833)
    mse = neuron.loss_and_gradients(X, Y, 0.5, 0.0, "mse")
    assert (round(mse["loss"], 4), round(mse["dw"], 4), round(mse["db"], 4)) == (0.2023, 0.0140, 0.1023)
    steps = neuron.descend(X, Y, 0.5, 0.0, 0.5, 3)
    for s, nxt in zip(steps, steps[1:]):
        assert (s.w_new, s.b_new) == (s.w - 0.5 * s.dw, s.b - 0.5 * s.db)
        assert (nxt.w, nxt.b) == (s.w_new, s.b_new)
    with pytest.raises(ValueError, match="loss must be one of"):
        neuron.loss_and_gradients(X, Y, 0.5, 0.0, "hinge")


def test_no_bias_perceptron_is_sigmoid_of_x_at_w():
    model = models.perceptron(2, seed=0, use_bias=False)
    assert [models.variable_name(v) for v in model.trainable_variables] == ["output/kernel"]
    x = np.array([[0.5, -1.0], [2.0, 3.0]], dtype=np.float32)
    (W, b, act), = numpy_ref.layers_from_keras(model)
    np.testing.assert_array_equal(b, [0.0])
    np.testing.assert_allclose(np.asarray(model(x)), numpy_ref.predict(x, [(W, b, act)]), atol=1e-6)
    with pytest.raises(ValueError, match="use_bias must be True or False"):
        models.mlp(2, use_bias=1)


def test_moved_blobs_keep_the_standardisation_and_sit_on_one_ray():
    ds = data.blobs(seed=0)
    moved = day3.away_from_origin(ds)
    raw = ds.x_train * ds.std + ds.mean                        # back to the generated points
    np.testing.assert_allclose((raw - moved.mean) / moved.std, moved.x_train, atol=1e-5)
    c0, c1 = (moved.x_train[moved.y_train == c].mean(axis=0) for c in (0, 1))
    assert abs(c0[0] * c1[1] - c0[1] * c1[0]) < 1e-5          # same direction from the origin
    assert np.linalg.norm(moved.x_train.mean(axis=0)) == pytest.approx(day3.SHIFT, abs=1e-5)


def test_neuron_response_plot_draws_f_of_wx_plus_b():
    fig = plots.neuron_response(FUNCTIONS["relu"], [(1.0, 2.0), (1.0, -2.0)])
    lines = fig.axes[0].get_lines()
    x, y = lines[0].get_data()
    np.testing.assert_allclose(y, np.maximum(x + 2.0, 0))
    np.testing.assert_allclose(lines[1].get_data()[1], np.maximum(x - 2.0, 0))
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["w=1, b=2", "w=1, b=-2"]


def test_default_run_numbers_and_logs(tmp_path, capsys):
    result = day3.run(day3.DEFAULTS.replace(logdir=str(tmp_path), quiet=True))
    n = result.numbers
    out = capsys.readouterr().out
    # 1. the switching points x = -b/w
    assert n["switch_points"] == {(0.5, 0.0): 0.0, (1.0, 0.0): 0.0, (3.0, 0.0): 0.0, (1.0, 2.0): -2.0,
                                  (1.0, -2.0): 2.0}
    assert "sigmoid(w*0+b)" in out and "0.8808" in out and "0.1192" in out    # sigmoid(+-2)
    # 2. no bias fails, bias succeeds; the no-bias line passes through the origin
    assert n["no_bias_val_accuracy"] <= 0.6
    assert n["with_bias_val_accuracy"] >= 0.9
    assert n["no_bias_distance"] == 0.0 and n["with_bias_distance"] > 1.0
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
    assert n["mse_tape_gradients"] == pytest.approx((n["mse"]["dw"], n["mse"]["db"]), abs=1e-6)
    assert "by hand and the loop: equal within 1e-6" in out
    assert "w_new = w - lr * dL/dw = 0.5000 - 0.5 x (-0.0454) = 0.5227" in out
    # logs: the by-hand run's parameter path is the by-hand sequence of w
    hand = read_events(result.runs["by_hand"].run_dir / "train")
    path = [float(v) for _, v in sorted(hand["parameters/output/kernel[0,0]"])]
    np.testing.assert_allclose(path, [0.5] + [s.w_new for s in n["hand_steps"]], atol=1e-6)
    no_bias = read_events(result.runs["no_bias"].run_dir / "train")
    assert {t for t in no_bias if t.startswith("parameters/")} == {"parameters/output/kernel[0,0]",
                                                                 "parameters/output/kernel[1,0]"}
    assert "decision_boundary" in no_bias
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
