"""course.trace.table: one traced step as a Markdown table for TensorBoard's Text tab, the numbers of the trace."""
import numpy as np
import pytest

from course.trace.table import update_table
from tests.helpers import step_record


def test_update_table_holds_the_steps_numbers_as_markdown():
    w0, b0 = np.array([[0.5], [-0.25]]), np.array([0.0])
    g_w, g_b = np.array([[0.1], [-0.2]]), np.array([0.3])
    table = update_table(step_record([w0, b0], [g_w, g_b], [w0 - 0.1 * g_w, b0 - 0.1 * g_b],
                                 ["output/kernel", "output/bias"]))
    head, rows = table.split("\n\n")
    assert head == "**step 1** (epoch 1, batch 1/5): loss 0.69314, gradient norm 0.5; w <- w - lr * dL/dw with lr = 0.1"
    lines = rows.splitlines()
    assert lines[0] == "| parameter | before | gradient dL/dw | learning rate | after | change |"
    assert lines[1] == "|---|---|---|---|---|---|"
    parsed = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
    assert [p[0] for p in parsed] == ["output/kernel[0,0]", "output/kernel[1,0]", "output/bias[0]"]
    for (name, before, grad, lr, after, change), w, g in zip(parsed, [0.5, -0.25, 0.0], [0.1, -0.2, 0.3]):
        assert (float(before), float(grad), float(lr)) == (w, g, 0.1)
        assert float(after) == np.round(w - 0.1 * g, 6) and float(change) == np.round(-0.1 * g, 6)


def test_update_table_shows_a_tiny_update_instead_of_zero():
    record = step_record([np.array([0.5])], [np.array([2e-4])], [np.array([0.5 - 1e-3 * 2e-4])], ["output/bias"],
                     lr=1e-3)
    row = update_table(record).splitlines()[-1]
    assert row == "| output/bias[0] | 0.50000000 | 0.00020000 | 0.001 | 0.49999980 | -2e-07 |"


def test_adams_table_shows_its_moments_and_a_large_models_largest_gradients():
    w0, g = np.zeros((5, 5)), np.zeros((5, 5))
    g[3, 1], g[0, 4] = -0.9, 0.5
    table = update_table(step_record([w0], [g], [w0 - 0.1 * np.sign(g)], ["hidden_1/kernel"], optimizer="adam"))
    lines = table.splitlines()
    assert lines[0].startswith("**step 1** (epoch 1, batch 1/5): loss 0.69314, gradient norm 0.5; Adam, as Keras "
                               "applies it: m <- 0.9 m + 0.1 g")
    assert lines[2] == "| parameter | before | gradient dL/dw | m | v | m_hat | v_hat | step | after |"
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[4:]]
    assert [r[0] for r in rows] == ["hidden_1/kernel[0,4]", "hidden_1/kernel[3,1]"]
    b1, b2 = float(np.float32(0.9)), float(np.float32(0.999))           # Keras's betas, in float32
    for row, grad in zip(rows, (0.5, -0.9)):
        m, v, m_hat, v_hat, step = (float(c) for c in row[3:8])
        assert m == pytest.approx(0.1 * grad, rel=1e-5) and v == pytest.approx(0.001 * grad ** 2, rel=1e-5)
        assert m_hat == pytest.approx(0.1 * grad / (1 - b1), rel=1e-5)
        assert v_hat == pytest.approx(0.001 * grad ** 2 / (1 - b2), rel=1e-5)
        assert step == pytest.approx(0.1 * m_hat / (np.sqrt(v_hat) + 1e-7 / np.sqrt(1 - b2)), rel=1e-5)
