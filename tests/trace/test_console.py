"""course.trace.console: the printed update steps and epoch lines, against the numbers worked by hand
and the rule the printed numbers must obey."""
import numpy as np
import pytest

from course.core.config import Config
from course.core.datasets import blobs
from course.core.models import perceptron
from course.engine.loop import fit
from course.engine.records import EpochRecord
from course.trace.console import EpochPrinter, TracePrinter, format_epoch, format_step, format_update
from tests.helpers import step_record


def test_sgd_update_line_in_the_lessons_notation():
    assert (format_update("output/kernel", "0,0", 0.512, -0.231, 0.5351, 0.1)
            == "output/kernel[0,0]: 0.5120 - 0.1 x (-0.2310) = 0.5351")


def test_small_model_prints_every_parameter():
    w0, b0 = np.array([[0.5], [-0.25]]), np.array([0.0])
    g_w, g_b = np.array([[0.1], [-0.2]]), np.array([0.3])
    lines = format_step(step_record([w0, b0], [g_w, g_b], [w0 - 0.1 * g_w, b0 - 0.1 * g_b],
                                ["output/kernel", "output/bias"]))
    assert lines == [
        "step 1 (epoch 1, batch 1/5): loss 0.6931, gradient norm 0.5000",
        "  output/kernel[0,0]: 0.5000 - 0.1 x (0.1000) = 0.4900",
        "  output/kernel[1,0]: -0.2500 - 0.1 x (-0.2000) = -0.2300",
        "  output/bias[0]: 0.0000 - 0.1 x (0.3000) = -0.0300",
    ]


def test_large_model_prints_norms_ratio_and_first_entries():
    w0 = np.full((5, 5), 0.2)        # 25 parameters: more than the small-model limit
    g = np.full((5, 5), 0.4)
    w1 = w0 - 0.1 * g
    lines = format_step(step_record([w0], [g], [w1], ["hidden_1/kernel"]))
    assert lines[1] == ("  hidden_1/kernel (5x5): |w| 1.0000  |g| 2.0000  |change| 0.2000  "
                        "|change|/|w| 2.00e-01")
    assert lines[2:] == ["      hidden_1/kernel[0,0]: 0.2000 - 0.1 x (0.4000) = 0.1600",
                         "      hidden_1/kernel[0,1]: 0.2000 - 0.1 x (0.4000) = 0.1600"]


def test_large_model_shows_the_entries_with_the_largest_gradient():
    w0 = np.zeros((5, 5))
    g = np.zeros((5, 5))
    g[3, 1], g[0, 4], g[2, 2] = -0.9, 0.5, 0.1       # the first entries have no gradient at all
    w1 = w0 - 0.1 * g
    lines = format_step(step_record([w0], [g], [w1], ["hidden_1/kernel"]))
    assert lines[2:] == ["      hidden_1/kernel[0,4]: 0.0000 - 0.1 x (0.5000) = -0.0500",
                         "      hidden_1/kernel[3,1]: 0.0000 - 0.1 x (-0.9000) = 0.0900"]


def test_trace_printer_prints_exactly_k_steps_from_real_training():
    out = []
    model = perceptron(2, seed=0)
    fit(model, blobs(n_samples=100), Config(epochs=2, batch_size=20),
        observers=[TracePrinter(2, print_fn=out.append)])
    steps = [line for line in out if line.startswith("step ")]
    assert [s.split(" (")[0] for s in steps] == ["step 1", "step 2"]
    assert out[0] == "The first 2 update steps (w <- w - lr * dL/dw with lr = 0.1):"
    assert len(out) == 1 + 2 * 4   # header + (step line + 3 parameters) per step
    # the printed numbers obey the printed rule
    for line in out:
        if " x (" in line:
            before, rest = line.split(": ")[1].split(" - 0.1 x (")
            grad, after = rest.split(") = ")
            assert abs(float(before) - 0.1 * float(grad) - float(after)) < 2e-4


def test_trace_zero_prints_nothing():
    out = []
    fit(perceptron(2), blobs(n_samples=100), Config(epochs=1, batch_size=20),
        observers=[TracePrinter(0, print_fn=out.append)])
    assert out == []


def _epoch(epoch, loss=0.5):
    z = np.zeros(1)
    return EpochRecord(epoch=epoch, first_step=epoch, step_loss=z, step_accuracy=z, step_grad_norm=z, step_sizes=z,
                       step_params=None, step_grads=None, loss=loss, accuracy=0.75, val_loss=0.625, val_accuracy=0.875,
                       learning_rate=0.1, names=[], variables=[], grads=[])


def test_epoch_lines_every_epoch_for_short_runs_and_about_ten_for_long_ones():
    assert format_epoch(_epoch(3), 20) == "epoch  3/20  loss 0.5000  acc 0.750  | val loss 0.6250  val acc 0.875"
    for epochs, expected in ((5, [1, 2, 3, 4, 5]), (100, [1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100])):
        out = []
        printer = EpochPrinter(print_fn=out.append)
        printer.on_train_begin(None, Config(epochs=epochs), [], [])
        for e in range(1, epochs + 1):
            printer.on_epoch_end(_epoch(e))
        printed = [int(line.split()[1].split("/")[0]) for line in out if line.startswith("epoch")]
        assert printed == expected


def test_printer_arguments_are_checked():
    with pytest.raises(ValueError, match="steps must be a non-negative integer"):
        TracePrinter(-1)
    with pytest.raises(ValueError, match="lines must be a positive integer"):
        EpochPrinter(lines=0)


def test_small_changes_get_more_decimals_instead_of_vanishing():
    # 0.01 x 0.0016 = 0.000016: invisible at 4 decimals, shown at 6
    assert (format_update("hidden_1/bias", "0", 0.0, 0.0016, -0.000016, 0.01)
            == "hidden_1/bias[0]: 0.000000 - 0.01 x (0.001600) = -0.000016")
    assert format_update("w", "0", 0.5, 0.0, 0.5, 0.1) == "w[0]: 0.5000 - 0.1 x (0.0000) = 0.5000"


def test_epoch_line_of_a_blown_up_loss_is_readable():
    assert format_epoch(_epoch(1, loss=246287954668.6063), 10) == (
        "epoch  1/10  loss 2.463e+11  acc 0.750  | val loss 0.6250  val acc 0.875")


def test_other_optimizers_print_their_own_rule_and_its_numbers():
    out = []
    printer = TracePrinter(1, print_fn=out.append)
    printer.on_train_begin(None, Config(optimizer="momentum", learning_rate=0.01), [], [])
    assert out == ["The first update step (SGD with momentum, as Keras applies it: velocity <- 0.9 velocity - lr "
                   "* g; w <- w + velocity, lr = 0.01, the velocity starting at 0):"]
    record = step_record([np.array([0.5])], [np.array([0.2])], [np.array([0.498])], ["output/bias"], lr=0.01,
                     optimizer="momentum")
    printer.on_step(record)
    # velocity = 0.9 x 0 - 0.01 x 0.2 = -0.002; w = 0.5 + (-0.002) = 0.498
    assert out[-1] == "  output/bias[0]: g = 0.2;  velocity = 0.9 x 0 - 0.01 x g = -0.002;  w = 0.5000 + (-0.002) = 0.4980"


def test_an_unfinished_epoch_prints_no_epoch_line():
    out = []
    printer = EpochPrinter(print_fn=out.append)
    printer.on_train_begin(None, Config(epochs=3), [], [])
    partial = _epoch(2)
    partial.complete = False
    printer.on_epoch_end(partial)
    assert out == []


def test_a_large_models_zero_weights_print_no_ratio():
    w0, g = np.zeros((5, 5)), np.full((5, 5), 0.1)
    lines = format_step(step_record([w0], [g], [w0 - 0.1 * g], ["hidden_1/kernel"]))
    assert lines[1].endswith("|change|/|w| n/a (w = 0)")
