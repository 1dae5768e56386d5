"""Day 8: the NumPy update rules against hand-derived numbers and Keras, the loss surface, and the lesson."""
import numpy as np
import pytest
from conftest import read_events

from course import numpy_ref, optimizers, plots
from course.records import Recorder
from course.runtime import keras, tf
from course.training import make_optimizer
from lessons import day8_optimizers as day8

F32 = {"b1": float(np.float32(0.9)), "b2": float(np.float32(0.999))}


@pytest.mark.parametrize("name, expected", [
    ("sgd", 0.5 - 0.1 * -0.2),                                            # w - lr g
    ("momentum", 0.5 + (0.9 * 0 - 0.1 * -0.2)),                           # v = -lr g; w + v
    ("rmsprop", 0.5 - 0.1 * -0.2 / np.sqrt(0.1 * 0.04 + 1e-7)),           # eps inside the root
    ("adam", 0.5 - (0.1 * np.sqrt(1 - F32["b2"]) / (1 - F32["b1"])) * (0.1 * -0.2)
     / (np.sqrt(0.001 * 0.04) + 1e-7)),                                   # alpha m / (sqrt v + eps)
])
def test_first_update_matches_the_hand_derived_formula(name, expected):
    after, parts = optimizers.first_update(name, np.array(0.5), np.array(-0.2), 0.1)
    assert float(after) == pytest.approx(expected, abs=1e-12)
    if name == "adam":
        assert float(parts["m"]) == pytest.approx(0.1 * -0.2, abs=1e-12)
        assert float(parts["v"]) == pytest.approx(0.001 * 0.04, abs=1e-12)
        assert float(parts["m_hat"]) == pytest.approx(0.1 * -0.2 / (1 - F32["b1"]), abs=1e-12)
        assert float(parts["v_hat"]) == pytest.approx(0.001 * 0.04 / (1 - F32["b2"]), abs=1e-12)
        assert abs(float(after) - 0.5 - 0.1) < 1e-5          # Adam's first step is about lr against the sign of g


@pytest.mark.parametrize("name", ["sgd", "momentum", "rmsprop", "adam"])
def test_numpy_path_equals_keras_over_ten_steps(name):
    # f(w) = sum(c * (w - t)^2): gradients of very different sizes per coordinate
    c, t = np.array([0.01, 1.0, 15.0]), np.array([1.0, -2.0, 0.5])
    grad = lambda w: 2 * c * (w - t)
    w0 = np.array([0.3, 0.7, -0.4])
    ours = optimizers.path(name, grad, w0, 0.05, 10)                                   # (11, 3)
    var = tf.Variable(w0.astype(np.float32))
    opt = make_optimizer(name, 0.05)
    theirs = [var.numpy()]
    for _ in range(10):
        opt.apply_gradients([(tf.constant(grad(var.numpy().astype(np.float64)), tf.float32), var)])
        theirs.append(var.numpy())
    np.testing.assert_allclose(ours, np.array(theirs, np.float64), rtol=1e-6, atol=1e-6)


def test_update_rejects_bad_input():
    with pytest.raises(ValueError, match="optimizer must be one of"):
        optimizers.init_state("adagrad", 1.0)
    with pytest.raises(ValueError, match="t must be"):
        optimizers.update("adam", 1.0, 1.0, optimizers.init_state("adam", 1.0), 0, 0.1)
    with pytest.raises(ValueError, match="shape"):
        optimizers.update("sgd", np.zeros(2), np.zeros(3), {}, 1, 0.1)


def test_explain_first_update_prints_the_numbers():
    assert optimizers.explain_first_update("sgd", "b", 0.0, -0.148, 0.5) == [
        "b: w <- w - lr x g = 0.000000 - 0.5 x (-0.148000) = 0.074000"]
    lines = optimizers.explain_first_update("adam", "w", 3.0, 0.46, 0.3)
    assert lines[1].endswith("= 0.046") and lines[2].endswith("= 0.0002116")
    assert lines[5].endswith(f"= {3.0 - float(optimizers.first_update('adam', 3.0, 0.46, 0.3)[1]['step']):.6f}")


def test_loss_surface_equals_the_numpy_reference_and_keras():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(50, 1)), rng.integers(0, 2, 50)
    W, B = np.meshgrid([-2.0, 0.5, 3.0], [-1.0, 0.0, 2.0])
    surface = optimizers.logistic_loss_surface(x, y, W, B)
    for i in range(3):
        for j in range(3):
            layers = [(np.array([[W[i, j]]]), np.array([B[i, j]]), "sigmoid")]
            assert surface[i, j] == pytest.approx(numpy_ref.loss_and_gradients(x, y, layers)[0], abs=1e-12)
    p = tf.sigmoid(tf.constant(W[1, 2] * x + B[1, 2], tf.float32))
    keras_loss = float(keras.losses.BinaryCrossentropy()(y.reshape(-1, 1).astype(np.float32), p))
    assert surface[1, 2] == pytest.approx(keras_loss, abs=1e-5)
    with pytest.raises(ValueError, match="same shape"):
        optimizers.logistic_loss_surface(x, y, W, B[:2])


def test_optimizer_paths_plot():
    W, B = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 4))
    fig = plots.optimizer_paths(W, B, W ** 2 + B ** 2, {"sgd": np.array([[1.0, 1.0], [0.5, 0.5]])})
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.lines[0].get_xydata(), [[1.0, 1.0], [0.5, 0.5]])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["sgd", "start"]
    with pytest.raises(ValueError, match=r"\(steps \+ 1, 2\)"):
        plots.optimizer_paths(W, B, W, {"bad": np.zeros((3, 3))})


def test_lesson_at_default_settings(tmp_path, capsys):
    config = day8.DEFAULTS.replace(logdir=str(tmp_path), quiet=True)
    result = day8.run(config)
    out = capsys.readouterr().out
    n = result.numbers
    assert list(result.runs) == ["sgd", "momentum", "rmsprop", "adam"]
    ds = day8.one_feature(day8.data.load("breast_cancer", seed=0), day8.FEATURE)
    layers0 = lambda w: [(np.array([[w[0]]]), np.array([w[1]]), "sigmoid")]
    def grad(w):
        (dw, db), = numpy_ref.loss_and_gradients(ds.x_train, ds.y_train, layers0(w))[1]
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
            numpy_ref.loss_and_gradients(ds.x_train, ds.y_train, layers0(path[-2]))[0], abs=1e-5)
    # the story the table tells at these settings
    assert n["rmsprop_loss"] < n["sgd_loss"] and n["adam_loss"] < n["sgd_loss"]
    assert n["momentum_travelled"] > n["sgd_travelled"]
    assert n["grid_min"][2] == pytest.approx(0.2805, abs=5e-4) and n["rmsprop_loss"] < n["grid_min"][2] + 1e-3
    assert out.count("equal within 1e-6") == 4 and "NOT equal" not in out
    assert "m <- 0.9 x m + 0.1 x g" in out and "bias correction: m_hat = m / (1 - 0.9^1)" in out
    assert "velocity <- 0.9 x velocity - lr x g" in out and "s <- 0.9 x s + 0.1 x g^2" in out
    assert "Takeaways:" in out


def test_recorder_path_and_losses():
    rec = Recorder(full_steps=2)
    rec.on_train_begin(None, None, ["a", "b"], [np.array([[1.0]]), np.array([2.0])])
    from course.records import EpochRecord
    rec.on_epoch_end(EpochRecord(1, 1, np.array([0.5, 0.4]), np.zeros(2), np.zeros(2),
                                 np.array([[1.1, 2.1], [1.2, 2.2]]), np.zeros((2, 2)), 0.45, 0, 0, 0, 0.1, [], [], []))
    np.testing.assert_array_equal(rec.path(), [[1.0, 2.0], [1.1, 2.1], [1.2, 2.2]])
    np.testing.assert_array_equal(rec.step_losses(1), [0.5, 0.4])
    assert rec.step_losses(2).shape == (0,)
