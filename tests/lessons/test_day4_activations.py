"""Day 4: activation functions. The lesson's table and its comparison with Keras, the collapse of linear
layers, vanishing gradients against a fresh NumPy measurement, and its logs, at its default flags. (The
registry itself is tested in tests/reference/test_activations.py.)"""
import re

import numpy as np
import pytest

from course.core import datasets as data
from course.reference import activations
from course.reference.backprop import loss_and_gradients
from course.reference.forward import layers_from_keras, predict
from lessons import day4_activations as day4
from tests.helpers import read_events, sgd_lines_hold


@pytest.mark.trained
def test_default_run_numbers_and_logs(tmp_path, capsys, trained_seed, claim):
    result = day4.run(day4.DEFAULTS.replace(logdir=str(tmp_path), seed=trained_seed))
    n = result.numbers
    out = capsys.readouterr().out
    # 1. the table and the comparison with Keras
    assert max(max(d) for d in n["keras_diffs"].values()) <= 1e-6
    np.testing.assert_allclose(n["worked_values"]["sigmoid"], 1 / (1 + np.exp(-day4.WORKED_Z)), atol=1e-15)
    assert "sigmoid(-5) = 0.0067 and sigmoid(5) = 0.9933" in out
    # plain SGD by default, and every traced update line holds: before - lr x (gradient) = after
    assert "(w <- w - lr * dL/dw with lr = 0.1)" in out and "Adam" not in out
    assert sgd_lines_hold(out) == len(re.findall(r"^ +\S+\[[0-9,]+\]: ", out, re.M)) > 0
    for name, facts in activations.TABLE.items():
        assert f"{name:<10} | {facts.formula:<28} | {facts.output_range:<18}" in out
    # 2. two linear layers are one: W1 @ W2, b1 @ W2 + b2, same outputs; linear fails, ReLU succeeds
    linear = result.runs["linear_xor_noisy"].model
    (W1, b1, _), (W2, b2, _) = layers_from_keras(linear)
    np.testing.assert_allclose(n["collapsed_kernel"], W1 @ W2, atol=1e-12)
    np.testing.assert_allclose(n["collapsed_bias"], b1 @ W2 + b2, atol=1e-12)
    assert n["collapse_max_abs_diff"] <= 1e-6
    xor_noisy = data.xor_noisy(seed=trained_seed)
    one_layer = predict(xor_noisy.x_val, [(W1 @ W2, b1 @ W2 + b2, "sigmoid")]).ravel()
    np.testing.assert_allclose(one_layer, np.asarray(linear(xor_noisy.x_val)).ravel(), atol=1e-6)
    assert n["linear_val_accuracy"] == pytest.approx(np.mean((one_layer >= 0.5) == xor_noisy.y_val), abs=1e-6)
    claim("linear validation accuracy", n["linear_val_accuracy"], "<=", 0.6)
    claim("ReLU validation accuracy", n["relu_val_accuracy"], ">=", 0.95)
    # 3. vanishing gradients: the same numbers as a fresh measurement, and logged
    ratio = n["first_to_last_ratio"]
    claim("sigmoid first/last layer gradient ratio", ratio["sigmoid"], "<", 1e-3)
    claim("ReLU first/last layer gradient ratio", ratio["relu"], ">", 0.1)
    moons = data.moons(seed=trained_seed)
    for activation in ("sigmoid", "relu"):
        norms = n["gradient_norms"][activation]
        model = result.runs[f"deep_{activation}"].model               # untrained: measured at initialisation
        _, grads = loss_and_gradients(moons.x_train, moons.y_train, layers_from_keras(model))
        layer_names = [layer.name for layer in model.layers]
        np.testing.assert_allclose([norms[name] for name in layer_names], [np.linalg.norm(dW) for dW, _ in grads],
                                   rtol=1e-4)
        assert ratio[activation] == pytest.approx(norms["hidden_1"] / norms["output"], rel=1e-12)
        run_dir = result.runs[f"deep_{activation}"].run_dir
        events = read_events(run_dir / "train")
        layers = [f"hidden_{i}" for i in range(1, 9)] + ["output"]
        assert set(events) == {f"gradient_norm/{layer}" for layer in layers} | {"gradient_norm_by_depth"}
        np.testing.assert_allclose([float(v) for _, v in events["gradient_norm_by_depth"]],
                                   [norms[layer] for layer in layers], rtol=1e-6)
    sigmoid = n["gradient_norms"]["sigmoid"]
    assert all(sigmoid[f"hidden_{i}"] < sigmoid[f"hidden_{i + 1}"] for i in range(1, 8))   # shrinks going down
    linear_events = read_events(result.runs["linear_xor_noisy"].run_dir / "train")
    assert {"snapshots/decision_boundary", "weights/hidden_1", "gradients/hidden_1/kernel"} <= set(linear_events)
    figures = result.runs["figures"].run_dir
    assert sorted(p.name for p in figures.glob("*.png")) == ["activations.png", "gradient_norms.png"]
    assert "Takeaways:" in out


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_a_learning_rate_beyond_float32_prints_nan_without_a_warning(tmp_path, capsys):
    result = day4.run(day4.DEFAULTS.replace(epochs=1, learning_rate=1e308, logdir=str(tmp_path)))
    out = capsys.readouterr().out
    assert "W = (nan, nan), b = b1 @ W2 + b2 = nan" in out and "largest difference nan" in out
    assert [name for name, run in result.runs.items() if run.history and run.history.diverged] == [
        "linear_xor_noisy", "relu_xor_noisy"]                              # the two trained runs; the rest draw
