"""Day 4: activation functions. NumPy against keras.activations, derivatives against finite
differences and the tape, the collapse of linear layers, per-layer gradient norms against NumPy
backprop, and the lesson's numbers and logs at its default flags."""
import numpy as np
import pytest
from conftest import read_events

from course import activations, models, numpy_ref, plots
from course.layer_gradients import layer_gradient_norms, log_layer_norms
from course.runtime import keras, tf
from lessons import day4_activations as day4

Z = np.linspace(-6.0, 6.0, 241)
ELEMENTWISE = [n for n in activations.FUNCTIONS if n != "softmax"]


@pytest.mark.parametrize("name", list(activations.FUNCTIONS))
def test_numpy_equals_keras_activation(name):
    keras_out = np.asarray(activations.keras_activation(name)(tf.constant(Z, tf.float64)))
    np.testing.assert_allclose(activations.FUNCTIONS[name](Z), keras_out, rtol=0, atol=1e-6)


def test_keras_defaults_differ_where_the_course_passes_its_own():
    z = np.array([-2.0, -1.0])
    np.testing.assert_allclose(activations.FUNCTIONS["leaky_relu"](z), [-0.02, -0.01])
    np.testing.assert_allclose(keras.activations.leaky_relu(z), [-0.4, -0.2], atol=1e-7)   # Keras 3: 0.2
    approx = np.asarray(keras.activations.gelu(tf.constant(Z), approximate=True))
    assert np.max(np.abs(approx - activations.gelu(Z))) > 1e-4     # tanh form differs; we match erf


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivatives_equal_finite_differences_and_the_tape(name):
    z = Z[np.abs(Z) > 1e-3]                       # off the kink of relu / leaky relu at 0
    h = 1e-6
    f, df = activations.FUNCTIONS[name], activations.DERIVATIVES[name]
    np.testing.assert_allclose(df(z), (f(z + h) - f(z - h)) / (2 * h), atol=1e-6)
    t = tf.constant(Z, tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(t)
        out = activations.keras_activation(name)(t)
    np.testing.assert_allclose(df(Z), tape.gradient(out, t).numpy(), atol=1e-6)


def test_softmax_jacobian_and_its_diagonal():
    z = np.array([-5.0, -1.0, 0.0, 1.0, 5.0])
    t = tf.constant(z)
    with tf.GradientTape() as tape:
        tape.watch(t)
        out = keras.activations.softmax(t)
    np.testing.assert_allclose(activations.softmax_jacobian(z), tape.jacobian(out, t).numpy(), atol=1e-12)
    np.testing.assert_allclose(np.diag(activations.softmax_jacobian(z)), activations.DERIVATIVES["softmax"](z))
    np.testing.assert_allclose(activations.softmax(z).sum(), 1.0)


def test_worked_values():
    s = activations.FUNCTIONS["sigmoid"](np.array([-5.0, 5.0]))
    assert (round(s[0], 4), round(s[1], 4)) == (0.0067, 0.9933)
    assert s[0] == pytest.approx(1 / (1 + np.exp(5)), abs=1e-15)
    assert activations.DERIVATIVES["sigmoid"](0.0) == 0.25       # its largest value
    assert activations.gelu(1.0) == pytest.approx(0.8413447460685429, abs=1e-12)   # 1 * Phi(1)
    assert activations.swish(1.0) == pytest.approx(1 / (1 + np.exp(-1)), abs=1e-15)
    assert activations.elu(-1.0) == pytest.approx(np.exp(-1) - 1, abs=1e-15)
    assert set(activations.TABLE) == set(activations.FUNCTIONS)


def test_layer_gradient_norms_equal_numpy_backprop(rng):
    model = models.mlp(2, hidden=(5,) * 3, activation="sigmoid", seed=3)
    x = rng.normal(size=(40, 2)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    norms = layer_gradient_norms(model, x, y)
    _, grads = numpy_ref.loss_and_gradients(x, y, numpy_ref.layers_from_keras(model))
    expected = [np.linalg.norm(dW) for dW, _ in grads]
    assert list(norms) == ["hidden_1", "hidden_2", "hidden_3", "output"]
    np.testing.assert_allclose(list(norms.values()), expected, rtol=1e-4)


def test_log_layer_norms_reads_back(tmp_path):
    tags = log_layer_norms(tmp_path, {"hidden_1": 0.5, "output": 2.0}, step=7)
    events = read_events(tmp_path / "train")
    assert set(events) == set(tags) == {"gradient_norm/hidden_1", "gradient_norm/output", "gradient_norm_by_depth"}
    assert [(s, float(v)) for s, v in events["gradient_norm/output"]] == [(7, 2.0)]
    assert [(s, float(v)) for s, v in events["gradient_norm_by_depth"]] == [(1, 0.5), (2, 2.0)]


def test_activation_curves_plot_f_and_derivative():
    fig = plots.activation_curves({"tanh": (Z, np.tanh(Z), 1 - np.tanh(Z) ** 2), "relu": (Z, np.maximum(Z, 0),
                                                                                          (Z > 0) * 1.0)})
    first = fig.axes[0].get_lines()
    np.testing.assert_allclose(first[0].get_data()[1], np.tanh(Z))
    np.testing.assert_allclose(first[1].get_data()[1], 1 - np.tanh(Z) ** 2)
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == ["tanh", "relu"]


def test_default_run_numbers_and_logs(tmp_path, capsys):
    result = day4.run(day4.DEFAULTS.replace(logdir=str(tmp_path), quiet=True))
    n = result.numbers
    out = capsys.readouterr().out
    # 1. the table and the comparison with Keras
    assert max(max(d) for d in n["keras_diffs"].values()) <= 1e-6
    np.testing.assert_allclose(n["worked_values"]["sigmoid"], 1 / (1 + np.exp(-day4.WORKED_Z)), atol=1e-15)
    assert "sigmoid(-5) = 0.0067 and sigmoid(5) = 0.9933" in out
    for name, facts in activations.TABLE.items():
        assert f"{name:<10} | {facts.formula:<28} | {facts.output_range:<18}" in out
    # 2. two linear layers are one: W1 @ W2, b1 @ W2 + b2, same outputs; linear fails, ReLU succeeds
    linear = result.runs["linear_xor_noisy"].model
    (W1, b1, _), (W2, b2, _) = numpy_ref.layers_from_keras(linear)
    np.testing.assert_allclose(n["collapsed_kernel"], W1 @ W2, atol=1e-12)
    np.testing.assert_allclose(n["collapsed_bias"], b1 @ W2 + b2, atol=1e-12)
    assert n["collapse_max_abs_diff"] <= 1e-6
    assert n["linear_val_accuracy"] <= 0.6
    assert n["relu_val_accuracy"] >= 0.95
    # 3. vanishing gradients: the same numbers as a fresh measurement, and logged
    ratio = n["first_to_last_ratio"]
    assert ratio["sigmoid"] < 1e-3 and ratio["relu"] > 0.1
    for activation in ("sigmoid", "relu"):
        norms = n["gradient_norms"][activation]
        run_dir = result.runs[f"deep_{activation}"].run_dir
        events = read_events(run_dir / "train")
        layers = [f"hidden_{i}" for i in range(1, 9)] + ["output"]
        assert set(events) == {f"gradient_norm/{layer}" for layer in layers} | {"gradient_norm_by_depth"}
        np.testing.assert_allclose([float(v) for _, v in events["gradient_norm_by_depth"]],
                                   [norms[layer] for layer in layers], rtol=1e-6)
    sigmoid = n["gradient_norms"]["sigmoid"]
    assert all(sigmoid[f"hidden_{i}"] < sigmoid[f"hidden_{i + 1}"] for i in range(1, 8))   # shrinks going down
    linear_events = read_events(result.runs["linear_xor_noisy"].run_dir / "train")
    assert {"decision_boundary", "weights/hidden_1", "gradients/hidden_1/kernel"} <= set(linear_events)
    figures = result.runs["figures"].run_dir
    assert sorted(p.name for p in figures.glob("*.png")) == ["activations.png", "gradient_norms.png"]
    assert "Takeaways:" in out
