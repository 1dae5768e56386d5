"""course.trace.rules: each optimizer's update written out with its numbers. The oracles: Keras's own updates
(the weights a real run moved to) and the printed formulas recomputed on a "calculator" from the printed numbers."""
import re

import numpy as np
import pytest

from course.core.config import Config
from course.core.datasets import blobs
from course.core.models import perceptron
from course.engine.loop import fit
from course.engine.records import Recorder
from course.trace import rules as trace_rules
from course.core.runtime import keras, tf
from course.engine.records import StepRecord
from course.trace.rules import Rules, adam_corrections, bracket, digits, number
from tests.helpers import kerass_adam_corrections

def _traced(optimizer, steps=3, lr=0.1):
    recorder = Recorder(full_steps=steps)
    fit(perceptron(2, seed=0), blobs(seed=0, n_samples=100), Config(epochs=1, batch_size=20, learning_rate=lr,
                                                                    optimizer=optimizer), observers=[recorder])
    return recorder.steps


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "rmsprop", "adam"])
def test_the_rebuilt_state_gives_the_updates_keras_applied(optimizer):
    rules = Rules(optimizer, 0.1)
    for record in _traced(optimizer):
        parts = rules.step(record)
        for k, (w0, g, w1) in enumerate(zip(record.before, record.grads, record.after)):
            w0, g, w1 = (np.asarray(a, np.float64) for a in (w0, g, w1))
            if optimizer == "sgd":
                assert parts[k] == {}
                np.testing.assert_allclose(w1, w0 - 0.1 * g, rtol=1e-6, atol=1e-7)
            elif optimizer == "momentum":
                np.testing.assert_allclose(w1 - w0, parts[k]["velocity"], rtol=1e-4, atol=1e-7)
            else:
                np.testing.assert_allclose(w0 - w1, parts[k]["step"], rtol=1e-4, atol=1e-7)
                assert parts[k]["t"] == record.step


def _numbers(line):
    return [float(v) for v in re.findall(r"-?\d+\.?\d*(?:e[-+]\d+)?", line)]


def test_printed_momentum_lines_check_on_a_calculator():
    rules = Rules("momentum", 0.1)
    for record in _traced("momentum"):
        parts = rules.step(record)
        line, = rules.describe(parts[0], "output/kernel[0,0]", 0, float(record.before[0].flat[0]),
                               float(record.grads[0].flat[0]), float(record.after[0].flat[0]))
        m = re.fullmatch(r"output/kernel\[0,0\]: g = (\S+);  velocity = 0\.9 x \(?(\S+?)\)? - 0\.1 x g = (\S+);  "
                         r"w = (\S+) \+ \(?(\S+?)\)? = (\S+)", line)
        g, v0, v, w0, v_again, w1 = (float(x) for x in m.groups())
        assert v == pytest.approx(0.9 * v0 - 0.1 * g, rel=1e-5, abs=1e-9) and v_again == v
        places = len(m.group(6).split(".")[1])          # a calculator on the printed digits gives the printed w
        assert f"{w0 + v:.{places}f}" == m.group(6) and f"{0.9 * v0 - 0.1 * g:.6g}" == m.group(3)
        assert w1 == pytest.approx(float(record.after[0].flat[0]), abs=1e-4)       # Keras's weight after


def test_printed_adam_lines_check_on_a_calculator():
    rules = Rules("adam", 0.1)
    for record in _traced("adam"):
        parts = rules.step(record)
        first, second = rules.describe(parts[1], "output/bias[0]", 0, float(record.before[1].flat[0]),
                                       float(record.grads[1].flat[0]), float(record.after[1].flat[0]))
        g, m0, m, v0, v = _numbers(first.split(": ", 1)[1].replace("0.9 x", "").replace("0.1 x g", "")
                                   .replace("0.999 x", "").replace("0.001 x g^2", "").replace("^2", ""))
        assert m == pytest.approx(0.9 * m0 + 0.1 * g, rel=1e-5, abs=1e-12)
        assert v == pytest.approx(0.999 * v0 + 0.001 * g * g, rel=1e-4, abs=1e-15)
        c1, m_hat, c2, v_hat, lr, eps, step, w0, step_again, w1 = _numbers(
            second.replace("sqrt", "").replace("m_hat /", "").replace("x m_hat", "").replace("v_hat", "")
            .replace("m_hat", "").replace("m /", "/").replace("v /", "/"))
        t = record.step
        assert (c1, c2) == pytest.approx(adam_corrections(t), rel=1e-8)
        assert (f"{c1:.9g}", f"{c2:.9g}") == tuple(f"{c:.9g}" for c in kerass_adam_corrections(t))
        assert m_hat == pytest.approx(m / c1, rel=1e-5) and v_hat == pytest.approx(v / c2, rel=1e-5)
        assert step == pytest.approx(lr * m_hat / (np.sqrt(v_hat) + eps), rel=1e-5) and step_again == step
        assert eps == pytest.approx(1e-7 / np.sqrt(c2), rel=1e-5)
        assert w1 == pytest.approx(w0 - step, abs=1e-4) and w1 == pytest.approx(float(record.after[1].flat[0]),
                                                                               abs=1e-4)


def test_headers_name_each_rule_with_kerass_constants():
    assert Rules("sgd", 0.5).header() == "w <- w - lr * dL/dw with lr = 0.5"
    assert "velocity <- 0.9 velocity - lr * g" in Rules("momentum", 0.1).header()
    assert "s <- 0.9 s + 0.1 g^2; w <- w - lr * g / sqrt(s + 1e-07)" in Rules("rmsprop", 0.1).header()
    assert "with 0.9 and 0.999 in float32 as Keras has them" in Rules("adam", 0.01).header()
    assert Rules("adam", 0.01).header().endswith("lr = 0.01")


def test_rmsprop_line_and_the_table_cells():
    rules = Rules("rmsprop", 0.1)
    (record,) = _traced("rmsprop", steps=1)
    parts = rules.step(record)
    line, = rules.describe(parts[1], "b", 0, float(record.before[1][0]), float(record.grads[1][0]),
                           float(record.after[1][0]))
    g = float(record.grads[1][0])
    s, step = 0.1 * g * g, 0.1 * g / np.sqrt(0.1 * g * g + 1e-7)
    assert line.startswith(f"b: g = {number(g)};  s = 0.9 x 0 + 0.1 x g^2 = {number(s)};  step = 0.1 x g / "
                           f"sqrt(s + 1e-07) = {number(step)};  w = ")
    assert rules.columns() == ["s before", "s", "step", "after"]
    cells = rules.cells(parts[1], 0, float(record.after[1][0]), float(record.before[1][0]))
    assert cells[:3] == ["0", number(s), number(step)]


def test_numbers_are_six_significant_digits_and_negatives_are_bracketed():
    assert number(0.1234567) == "0.123457" and number(1234567.0) == "1.23457e+06" and number(np.float32(2)) == "2"
    assert bracket("-0.5") == "(-0.5)" and bracket("0.5") == "0.5" and digits(0.123456789, 2) == "0.12345679"
    assert trace_rules.rules_of.ADAM_EPSILON == 1e-7


def _as_printed(text, value, decimals=None) -> bool:
    """``value`` printed as ``text`` was: to its fixed ``decimals``, else to its significant digits (at least 6,
    the trace's precision; more where the trace gave an input more digits)."""
    if decimals is not None:
        return f"{value:.{decimals}f}" == text
    significant = len(text.lower().split("e")[0].replace("-", "").replace(".", "").lstrip("0"))
    return float(text) == float(f"{value:.{max(6, significant)}g}")


ADAM_FIRST = re.compile(r"w\[(\d)\]: g = (\S+);  m = 0\.9 x \(?(\S+?)\)? \+ 0\.1 x g = (\S+);  "
                        r"v = 0\.999 x (\S+) \+ 0\.001 x g\^2 = (\S+)")
ADAM_SECOND = re.compile(r"    m_hat = m / (\S+) = (\S+);  v_hat = v / (\S+) = (\S+);  step = 0\.01 x m_hat / "
                         r"\(sqrt\(v_hat\) \+ (\S+)\) = (\S+);  w = (\S+) - \(?(\S+?)\)? = (\S+)")


@pytest.mark.parametrize("compiled", [False, True])
def test_every_printed_adam_number_is_the_one_a_real_keras_adam_used_at_steps_1_2_3_and_10(compiled):
    """A real keras.optimizers.Adam fed seeded gradients for 10 steps; at steps 1, 2, 3 and 10 every number the
    trace prints (g, m, v, 1 - beta^t, m_hat, v_hat, epsilon / sqrt(1 - 0.999^t), the step, w before and after)
    is Keras's own to the printed digits: m and v read from the optimizer's variables, 1 - beta^t and the step
    computed by Keras's own ops as its update_step does, and w after - w before equal to that step bit for bit."""
    ops = keras.ops
    grads = np.random.default_rng(0).normal(0, 0.3, size=(10, 4)).astype(np.float32)
    w = keras.Variable(np.array([0.5, -0.25, 1.5, 0.0], np.float32), name="w")
    adam = keras.optimizers.Adam(0.01)
    adam.build([w])
    m_var, v_var = (next(v for v in adam.variables if kind in v.path) for kind in ("momentum", "velocity"))
    apply = adam.apply_gradients if not compiled else tf.function(lambda g: adam.apply_gradients([(g, w)]))
    rules, checked = Rules("adam", 0.01), 0
    for t, g in enumerate(grads, start=1):
        before, m0, v0 = w.numpy(), m_var.numpy(), v_var.numpy()
        apply([(tf.constant(g), w)]) if not compiled else apply(tf.constant(g))
        after, m, v = w.numpy(), m_var.numpy(), v_var.numpy()
        record = StepRecord(t, 1, t, 10, 0.5, 0.1, ["w"], [before], [g], [after], 0.01, "adam")
        parts = rules.step(record)
        if t not in (1, 2, 3, 10):
            continue
        step_t = ops.cast(t, "float32")
        c1, c2 = (1 - ops.power(ops.cast(beta, "float32"), step_t) for beta in (adam.beta_1, adam.beta_2))
        alpha = ops.cast(0.01, "float32") * ops.sqrt(c2) / c1                      # Keras's update_step, verbatim
        step = ops.divide(ops.multiply(m, alpha), ops.add(ops.sqrt(v), adam.epsilon)).numpy()
        np.testing.assert_array_equal(before - step, after)                        # the step Keras applied
        c1, c2 = float(c1), float(c2)
        for i in range(4):
            first, second = rules.describe(parts[0], f"w[{i}]", i, float(before[i]), float(g[i]), float(after[i]))
            a, b = ADAM_FIRST.fullmatch(first), ADAM_SECOND.fullmatch(second)
            assert a and b, (first, second)
            _, g_t, m0_t, m_t, v0_t, v_t = a.groups()
            c1_t, m_hat_t, c2_t, v_hat_t, eps_t, step_t, w0_t, step_again, w1_t = b.groups()
            assert all(_as_printed(text, float(value)) for text, value in (
                (g_t, g[i]), (m0_t, m0[i]), (m_t, m[i]), (v0_t, v0[i]), (v_t, v[i]), (m_hat_t, m[i] / c1),
                (v_hat_t, v[i] / c2), (eps_t, 1e-7 / np.sqrt(c2)), (step_t, step[i]))), (first, second)
            assert (c1_t, c2_t) == (f"{c1:.9g}", f"{c2:.9g}") and step_again == step_t
            assert _as_printed(w1_t, float(after[i]), len(w1_t.split(".")[1]))      # (w before may have more digits)
            assert _as_printed(w0_t, float(before[i]), len(w0_t.split(".")[1]))
            checked += 1
    assert checked == 16
