"""course.engine.stop: why a run stopped early, as a value (kind, step, epoch, batch, cause) whose str() is the
message the learner reads; the same for every loop."""
import numpy as np
import pytest

from course.core.runtime import tf
from course.engine import stop
from course.engine.stop import Stop


def said(*args):
    return str(stop.diverged(*args))


def test_divergence_names_what_is_not_finite():
    names = ["hidden_1/kernel", "output/bias"]
    finite = [tf.Variable([1.0, 2.0]), tf.Variable([0.5])]
    one_bad = [np.array([np.inf, 0.0]), np.array([1.0])]
    assert said(37, 2, 5, float("nan"), names, finite, one_bad) == (
        "diverged at step 37 (epoch 2, batch 5): the loss is nan, and the gradient of hidden_1/kernel is not finite; "
        "lower the learning rate (--learning-rate), e.g. ten times smaller")
    both_bad = [np.array([np.nan, 0.0]), np.array([np.inf])]
    assert "the gradients of hidden_1/kernel, output/bias are not finite;" in said(1, 1, 1, 1e38, names,
                                                                                        finite, both_bad)
    weights = [tf.Variable([np.inf, 2.0]), tf.Variable([0.5])]
    assert ("the loss is 1e+38, and the gradient of hidden_1/kernel is not finite and the weight of hidden_1/kernel "
            "is not finite;") in said(1, 1, 1, 1e38, names, weights, one_bad)
    assert "the loss is 1e+38, and the weight of hidden_1/kernel is not finite;" in said(
        1, 1, 1, 1e38, names, weights, [np.zeros(2), np.zeros(1)])
    huge = [tf.Variable([3e30, 2.0]), tf.Variable([0.5])]
    assert ("every weight is finite but they are so large (up to 3e+30) that the forward pass overflowed float32"
            in said(1, 1, 1, float("inf"), names, huge, [np.zeros(2), np.zeros(1)]))
    assert "every gradient entry is finite but too large for their norm to fit in float32" in said(
        1, 1, 1, 0.5, names, finite, [np.zeros(2), np.zeros(1)])
    six = [f"layer_{k}/kernel" for k in range(6)]
    nan_grads = [np.array([np.nan])] * 6
    assert "the gradients of all 6 variables are not finite;" in said(
        1, 1, 1, float("nan"), six, [tf.Variable([1.0])] * 6, nan_grads)
    assert "the gradients of layer_1/kernel, layer_2/kernel, layer_3/kernel and 2 more are not finite;" in said(
        1, 1, 1, float("nan"), six, [tf.Variable([1.0])] * 6, [np.zeros(1)] + nan_grads[1:])


def test_a_stop_is_a_value_and_its_message():
    s = stop.diverged(37, 2, 5, float("nan"), ["w"], [np.ones(1)], [np.array([np.inf])])
    assert (s.kind, s.step, s.epoch, s.batch, s.where) == ("diverged", 37, 2, 5, "step 37 (epoch 2, batch 5)")
    assert s.cause == "the loss is nan, and the gradient of w is not finite"
    assert str(s) == f"diverged at step 37 (epoch 2, batch 5): {s.cause}; {stop.ADVICE}"
    assert str(stop.interrupted(3, 2)) == "interrupted at step 3 (epoch 2)"
    assert str(stop.interrupted(0, 0)) == "interrupted before the first step"
    family = stop.values_diverged(9, 1, 9, {"d_loss": float("nan"), "g_loss": 0.7})
    assert str(family) == f"diverged at step 9 (epoch 1, batch 9): the d_loss is nan; {stop.ADVICE}"
    with pytest.raises(ValueError, match="kind must be one of diverged, interrupted"):
        Stop("tired", 1, 1)
