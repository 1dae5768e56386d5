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
    assert out[1:3] == ["  Each step shows all 3 parameters. Numbers have 4 decimals; an input gets a digit or two more",
                        "  where 4 would change the result's last digit on a calculator."]
    assert len(out) == 3 + 2 * 4   # header, how to read it + (step line + 3 parameters) per step
    # the printed numbers obey the printed rule
    for line in out:
        if " x (" in line:
            before, rest = line.split(": ")[1].split(" - 0.1 x (")
            grad, after = rest.split(") = ")
            assert abs(float(before) - 0.1 * float(grad) - float(after)) < 2e-4


def test_how_to_read_the_trace_follows_the_models_size():
    """Up to 8 parameters every entry at every step; up to 20 every entry at step 1 only (iris's 15 parameters
    would print 45 lines in 3 steps), then per variable its norms and the 2 entries with the largest |g|."""
    from course.trace.console import reading_notes
    def text(parameters, steps):
        return " ".join(line.strip() for line in reading_notes(parameters, steps))
    assert text(15, 3).startswith("Step 1 shows all 15 parameters; later steps show each "
                                                     "variable's norms |w|, |g| and |change| (over all its entries), "
                                                     "then its 2 entries with the largest |g|.")
    assert text(15, 1).startswith("Each step shows all 15 parameters.")
    assert text(33, 3).startswith("Each step shows each variable's norms")
    assert all(len(line) <= 100 for n in (3, 15, 33) for line in reading_notes(n, 3))
    w0, b0 = np.full((4, 3), 0.5), np.zeros(3)                     # 15 parameters
    g_w, g_b = np.arange(12.0).reshape(4, 3) / 100, np.array([0.3, -0.1, 0.0])
    record = step_record([w0, b0], [g_w, g_b], [w0 - 0.1 * g_w, b0 - 0.1 * g_b], ["output/kernel", "output/bias"])
    assert len(format_step(record)) == 1 + 15                      # step 1: every entry
    record.step = 2
    lines = format_step(record)
    assert len(lines) == 1 + 2 * 3 and lines[1].startswith("  output/kernel (4x3): |w| 1.7321  |g| ")
    assert lines[2:4] == ["      output/kernel[3,1]: 0.5000 - 0.1 x (0.1000) = 0.4900",
                          "      output/kernel[3,2]: 0.5000 - 0.1 x (0.1100) = 0.4890"]


def test_a_gradient_of_exactly_zero_says_so():
    w0, g = np.full((5, 5), 0.2), np.zeros((5, 5))
    lines = format_step(step_record([w0], [g], [w0], ["hidden_1/kernel"]))
    assert lines[1] == ("  hidden_1/kernel (5x5): |w| 1.0000  |g| 0 (exactly: no change this step)  |change| 0.0000  "
                        "|change|/|w| 0.00e+00")


def test_the_epoch_columns_are_explained_once_in_a_process(monkeypatch):
    monkeypatch.setattr(EpochPrinter, "explained", False)
    out = []
    for _ in range(2):
        printer = EpochPrinter(print_fn=out.append)
        printer.on_train_begin(None, Config(epochs=2), [], [])
        printer.on_epoch_end(_epoch(1))
    assert out == ["Training 2 epochs:",
                   "  (loss and acc: the mean over the epoch's update steps, while the weights changed; val loss\n"
                   "   and val acc: measured after its last step, so they can be the lower pair)",
                   format_epoch(_epoch(1), 2), "Training 2 epochs:", format_epoch(_epoch(1), 2)]


def test_a_clipped_step_says_so_and_writes_out_the_gradient_the_optimizer_used():
    """With clip_norm 1 a gradient of norm 5 is scaled by 0.2 before the update (Keras's global_clipnorm): the
    step line says so, the update lines use the scaled gradient, and the weight after is what a real Keras SGD
    with global_clipnorm=1 applied."""
    from course.core.runtime import keras
    w = keras.Variable(np.array([0.5, -0.25, 1.0, 2.0], np.float32))
    g = np.array([3.0, 0.0, 4.0, 0.0], np.float32)                 # norm 5
    before = w.numpy()
    keras.optimizers.SGD(0.1, global_clipnorm=1.0).apply_gradients([(g, w)])
    record = step_record([before], [g], [w.numpy()], ["w"], lr=0.1)
    record.clip_norm, record.grad_norm = 1.0, 5.0
    lines = format_step(record)
    assert lines[0] == ("step 1 (epoch 1, batch 1/5): loss 0.6931, gradient norm 5.0000 (above 1: clipped, every g "
                        "below is the gradient x 0.2)")
    assert lines[1:] == ["  w[0]: 0.5000 - 0.1 x (0.6000) = 0.4400", "  w[1]: -0.2500 - 0.1 x (0.0000) = -0.2500",
                         "  w[2]: 1.0000 - 0.1 x (0.8000) = 0.9200", "  w[3]: 2.0000 - 0.1 x (0.0000) = 2.0000"]
    np.testing.assert_allclose(w.numpy(), [0.44, -0.25, 0.92, 2.0], rtol=1e-6)


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
        assert out[0] == (f"Training {epochs} epochs (a line every 10 epochs):" if epochs == 100
                          else f"Training {epochs} epochs:")


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
    printer.on_train_begin(None, Config(optimizer="momentum", learning_rate=0.01), ["output/bias"], [np.zeros(1)])
    assert out[0] == ("The first update step (SGD with momentum, as Keras applies it: velocity <- 0.9 velocity - lr "
                      "* g; w <- w + velocity, lr = 0.01, the velocity starting at 0):")
    assert out[1].startswith("  Each step shows the model's one parameter.")
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
