"""Day 6: backpropagation. The lesson's hand-derived gradients against an independent GradientTape and
finite differences, its printed numbers, and its training run's logs. (The gradient check itself is tested
in tests/core/test_gradients.py.)"""
import contextlib
import io
import re

import numpy as np
import pytest

from course.core import datasets as data
from course.core.config import Config
from course.core.runtime import tf
from course.reference.forward import layers_from_keras, predict
from lessons import day6_backprop as day6
from tests.helpers import read_events, sgd_lines_hold

TOL = 1e-6


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _loss(W1, b1, W2, b2, x=day6.X, y=day6.Y):
    p = _sigmoid(_sigmoid(x @ W1 + b1) @ W2 + b2)[0]
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


@pytest.fixture(scope="module")
def lesson(tmp_path_factory):
    """One tiny run of the lesson (its defaults, 2 epochs): the worked numbers do not depend on the epochs."""
    config = day6.DEFAULTS.replace(epochs=2, trace_steps=1, logdir=str(tmp_path_factory.mktemp("logs")))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = day6.run(config)
    return result, out.getvalue()


def test_forward_values_and_deltas_match_hand_derivation(lesson):
    result, out = lesson
    n = result.numbers
    np.testing.assert_allclose(n["z1"], [1.3, 0.1, -0.5], atol=1e-12)      # 1*w + 2*w' + b, by hand
    np.testing.assert_allclose(n["a1"], _sigmoid(np.array([1.3, 0.1, -0.5])), atol=1e-12)
    assert n["p"][0] == pytest.approx(0.562800, abs=1e-6)
    assert n["loss"] == pytest.approx(0.574831, abs=1e-6)
    assert n["loss"] == pytest.approx(_loss(day6.W1, day6.B1, day6.W2, day6.B2), abs=1e-15)
    assert n["delta2"][0] == pytest.approx(n["p"][0] - 1, abs=1e-15)
    np.testing.assert_allclose(n["delta1"], [-0.044148, 0.087222, -0.041097], atol=1e-6)
    for line in ("z1[1] = 1*(-0.4) + 2*(0.3) + (-0.1) =  0.1000",
                 "delta2 = dL/dz2 = p - y = 0.562800 - 1 = -0.437200",
                 "dL/dW2[0] = a1[0] * delta2 = 0.785835 * (-0.437200) = -0.343567",
                 "delta1[1] = delta2 * W2[1] * a1[1](1 - a1[1]) = (-0.437200)*(-0.8)*0.249376 =  0.087222"):
        assert line in out


def test_hand_gradients_equal_an_independent_tape_and_finite_differences(lesson):
    result, _ = lesson
    grads = result.numbers["grads"]
    # GradientTape on plain float64 tensors, written here independently of course.gradcheck
    params = [tf.Variable(v) for v in (day6.W1, day6.B1, day6.W2, day6.B2)]
    with tf.GradientTape() as tape:
        h = tf.sigmoid(tf.constant(day6.X[None]) @ params[0] + params[1])
        p = tf.sigmoid(h @ params[2] + params[3])
        loss = -tf.math.log(p[0, 0])                                        # y = 1
    for name, g in zip(day6.NAMES, tape.gradient(loss, params)):
        np.testing.assert_allclose(grads[name], g.numpy(), rtol=1e-12, atol=1e-15)
    # centered finite differences in NumPy, entry by entry
    values = [day6.W1, day6.B1, day6.W2, day6.B2]
    for k, name in enumerate(day6.NAMES):
        numeric = np.zeros_like(values[k])
        for index in np.ndindex(values[k].shape):
            plus, minus = [v.copy() for v in values], [v.copy() for v in values]
            plus[k][index] += 1e-6
            minus[k][index] -= 1e-6
            numeric[index] = (_loss(*plus) - _loss(*minus)) / 2e-6
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-7)


def test_printed_relative_errors_are_within_1e_6(lesson):
    result, out = lesson
    n = result.numbers
    assert set(n["hand_vs_tape"]) == set(day6.NAMES) == set(n["finite_difference_vs_tape"])
    assert max(n["hand_vs_tape"].values()) <= 1e-12           # the same arithmetic, float64
    assert max(n["finite_difference_vs_tape"].values()) <= TOL
    assert n["numpy_ref_vs_hand"] <= 1e-12
    assert n["tape_loss"] == pytest.approx(_loss(day6.W1, day6.B1, day6.W2, day6.B2), abs=1e-14)
    assert n["forgotten_derivative_error"] > 0.5                 # the bug is caught: 0.83
    assert max(n["bigger_model_vs_finite_difference"].values()) <= TOL
    assert max(n["bigger_model_vs_numpy"].values()) <= 1e-10
    assert set(n["bigger_model_vs_numpy"]) == {f"{l}/{k}" for l in ("hidden_1", "hidden_2", "output")
                                               for k in ("kernel", "bias")}
    assert max(n["trained_vs_finite_difference"].values()) <= TOL
    assert "(at most 1e-06): all agree" in out and "largest" in out and "all within 1e-6" in out
    assert out.count("  hidden_1/kernel[") == 6 + 6        # 6 table rows + 6 lines of the traced step 1
    assert "Takeaways:" in out
    # every summary quotes the column it sums up: the worst entry of "f.d. vs tape" as printed
    column = [float(line.split()[-1]) for line in out.splitlines()
              if re.match(r"  (hidden_1|output)/(kernel|bias)\[[0-9,]+\] +-?[0-9]", line) and len(line.split()) == 6]
    assert len(column) == 13                                        # 6 + 3 + 3 + 1 parameters
    assert f"(entry by entry, as in the columns above: at most {max(column):.1e};" in out
    assert f"agree (here every entry to {max(column):.1e} or better" in " ".join(out.split())   # a takeaway


def test_training_run_logs_every_gradient_of_the_13_parameters(lesson):
    result, out = lesson
    run_ = result.runs["moons"]
    train = read_events(run_.run_dir / "train")
    tags = {t for t in train if t.startswith("gradients/") and "[" in t}
    assert len(tags) == 13 and "gradients/hidden_1/kernel[1,2]" in tags and "gradients/output/bias[0]" in tags
    assert "step 1 (epoch 1, batch 1/25)" in out
    moons = data.moons(seed=0)                                    # the run's accuracy, recounted in NumPy
    p = predict(moons.x_val, layers_from_keras(run_.model)).ravel()
    assert result.numbers["val_accuracy"] == pytest.approx(np.mean((p >= 0.5) == moons.y_val), abs=1e-6)


def test_the_traced_update_is_plain_sgd_and_holds(lesson):
    _, out = lesson
    assert "(w <- w - lr * dL/dw with lr = 1)" in out and "Adam" not in out
    assert sgd_lines_hold(out) == 13      # the traced step writes out all 13 parameters
