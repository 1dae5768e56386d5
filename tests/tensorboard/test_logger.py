"""course.tensorboard.logger: RunLogger, what a run writes to TensorBoard and how often, read back with
TensorBoard's EventAccumulator and compared with the history, the model and the numbers logged."""
import numpy as np
import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.plugins.hparams import plugin_data_pb2

from course.core import datasets as data
from course.core import models
from course.core.config import Config
from course.engine.loop import fit
from course.engine.records import EpochRecord
from course.pictures import plots
from course.tensorboard import logger as tblog
from tests.helpers import PNG_SIGNATURE, event_files, read_events, scalars, text

SCALARS_PER_STEP = {"batch_loss", "batch_accuracy", "gradient_norm"}
SCALARS_PER_EPOCH = {"epoch_loss", "epoch_accuracy", "learning_rate"}


def _train(tmp_path, model, ds, config, histogram_every=1):
    logger = tblog.RunLogger(tmp_path / "run", hparams={"epochs": config.epochs, "optimizer": config.optimizer},
                             goal="learn the blobs", histogram_every=histogram_every)
    history = fit(model, ds, config, observers=[logger])
    logger.log_figure("decision_boundary", plots.decision_boundary(model, ds.x_val, ds.y_val),
                      step=history.steps)
    logger.close()
    return history, read_events(tmp_path / "run" / "train"), read_events(tmp_path / "run" / "validation")


def test_perceptron_run_has_exactly_the_documented_tags_and_values(tmp_path):
    ds = data.blobs(seed=0, n_samples=100)            # 80 train -> 4 steps of 20 per epoch
    model = models.perceptron(2, seed=0)
    initial = [w.copy() for w in model.get_weights()]
    config = Config(epochs=3, batch_size=20, learning_rate=0.2)
    history, train, val = _train(tmp_path, model, ds, config)
    entries = ["output/kernel[0,0]", "output/kernel[1,0]", "output/bias[0]"]
    assert set(train) == (SCALARS_PER_STEP | SCALARS_PER_EPOCH
                          | {"weights/output", "biases/output", "gradients/output/kernel", "gradients/output/bias"}
                          | {f"parameters/{e}" for e in entries} | {f"gradients/{e}" for e in entries}
                          | {"run/hyperparameters", "run/goal", "decision_boundary"})
    assert set(val) == {"epoch_loss", "epoch_accuracy"}

    # per-step series: one value per update step, steps 1..12
    assert [s for s, _ in train["batch_loss"]] == list(range(1, 13))
    # per-epoch twins equal the returned history
    np.testing.assert_allclose([float(v) for _, v in train["epoch_loss"]], history.loss, rtol=1e-6)
    np.testing.assert_allclose([float(v) for _, v in val["epoch_accuracy"]], history.val_accuracy, rtol=1e-6)
    assert [s for s, _ in val["epoch_loss"]] == [1, 2, 3]
    assert [float(v) for _, v in train["learning_rate"]] == pytest.approx([0.2] * 3)
    # each weight's path starts at its initial value (step 0) and ends at the trained value
    path = train["parameters/output/kernel[1,0]"]
    assert [s for s, _ in path] == list(range(0, 13))
    assert float(path[0][1]) == pytest.approx(float(initial[0][1, 0]))
    assert float(path[-1][1]) == pytest.approx(float(model.get_weights()[0][1, 0]))
    # histograms at the end of each epoch, keyed by update step (4 a epoch); the weights also at step 0
    # (initial values, no gradient yet); [left, right, count] buckets adding up to the variable's size
    for tag, size in (("weights/output", 2), ("biases/output", 1), ("gradients/output/kernel", 2)):
        steps = [s for s, _ in train[tag]]
        assert steps == ([4, 8, 12] if tag.startswith("gradients") else [0, 4, 8, 12])
        buckets = train[tag][-1][1]
        assert buckets.shape[1] == 3 and buckets[:, 2].sum() == size
    # every scalar is finite
    for tag, logged in train.items():
        if tag not in ("run/hyperparameters", "run/goal", "decision_boundary") and not tag.startswith(
                ("weights", "biases")):
            assert all(np.all(np.isfinite(v)) for _, v in logged), tag
    table = text(train, "run/hyperparameters")
    assert table == "| setting | value |\n|---|---|\n| epochs | 3 |\n| optimizer | sgd |"
    assert text(train, "run/goal") == "learn the blobs"
    image = train["decision_boundary"][0][1]          # [width, height, png bytes]
    assert image[2][:8] == PNG_SIGNATURE and train["decision_boundary"][0][0] == 12
    # the last histogram is np.histogram of the trained kernel; the last validation accuracy a NumPy recount
    kernel = model.get_weights()[0].astype(np.float64)
    counts, edges = np.histogram(kernel, bins=30)
    np.testing.assert_allclose(train["weights/output"][-1][1][:, 0], edges[:-1], rtol=1e-6)
    np.testing.assert_array_equal(train["weights/output"][-1][1][:, 2], counts)
    w, b = (v.astype(np.float64) for v in model.get_weights())
    p = 1 / (1 + np.exp(-(ds.x_val @ w + b))).ravel()
    assert scalars(val, "epoch_accuracy")[-1] == (3, pytest.approx(np.mean((p >= 0.5) == ds.y_val), abs=1e-6))


def test_large_models_get_histograms_but_no_per_parameter_scalars(tmp_path):
    ds = data.moons(seed=0, n_samples=100)
    model = models.mlp(2, hidden=(8,), seed=0)        # 33 parameters
    _, train, _ = _train(tmp_path, model, ds, Config(epochs=2, batch_size=40))
    assert not any(tag.startswith("parameters/") for tag in train)
    assert {"weights/hidden_1", "biases/hidden_1", "weights/output", "gradients/hidden_1/kernel",
            "gradients/hidden_1/bias", "gradients/output/kernel", "gradients/output/bias"} <= set(train)
    assert train["weights/hidden_1"][-1][1][:, 2].sum() == 16


def test_histogram_cadence_must_be_positive(tmp_path):
    with pytest.raises(ValueError, match="histogram_every must be a positive integer"):
        tblog.RunLogger(tmp_path / "r", histogram_every=0)


def test_log_figure_rejects_what_is_not_a_figure(tmp_path):
    logger = tblog.RunLogger(tmp_path / "r")
    with pytest.raises(TypeError, match="figure must be a matplotlib Figure"):
        logger.log_figure("x", [1, 2, 3])
    logger.close()


def test_default_histogram_cadence_is_about_every_100_steps_and_the_last_epoch(tmp_path):
    assert [tblog.histogram_cadence(n) for n in (1, 4, 10, 25, 100, 282)] == [100, 25, 10, 4, 1, 1]
    ds = data.blobs(seed=0, n_samples=100)            # 80 train / 20 per batch = 4 steps an epoch
    _, train, _ = _train(tmp_path, models.perceptron(2, seed=0), ds, Config(epochs=30, batch_size=20),
                         histogram_every=None)
    assert [s for s, _ in train["weights/output"]] == [0, 100, 120]     # steps: epochs 25 and 30 end there
    assert [s for s, _ in train["gradients/output/bias"]] == [100, 120]
    assert len(train["batch_loss"]) == 120 and len(train["epoch_loss"]) == 30   # scalars: all of them


def test_the_run_directory_holds_the_hparams_session_and_the_custom_scalars_layout(tmp_path):
    run_dir = tmp_path / "day0" / "20261121-181500_blobs"
    logger = tblog.RunLogger(run_dir, hparams={"lr": 0.5, "optimizer": "sgd"})
    logger.close()
    assert len(event_files(run_dir)) == 1 and len(event_files(run_dir / "train")) == 1
    acc = EventAccumulator(str(run_dir), size_guidance={"tensors": 0})
    acc.Reload()
    assert set(acc.Tags()["tensors"]) == {"_hparams_/session_start_info", "custom_scalars__config__"}
    (event,) = acc.Tensors("_hparams_/session_start_info")
    metadata = acc.SummaryMetadata("_hparams_/session_start_info")
    info = plugin_data_pb2.HParamsPluginData.FromString(metadata.plugin_data.content).session_start_info
    assert info.group_name == ""                     # the trial takes its TensorBoard run's name: unique
    assert info.hparams["lr"].number_value == 0.5 and info.hparams["optimizer"].string_value == "sgd"
    assert event.step == 0


def test_the_graph_of_the_training_step_is_logged(tmp_path):
    logger = tblog.RunLogger(tmp_path / "run")
    fit(models.perceptron(2, seed=0), data.blobs(seed=0, n_samples=100), Config(epochs=1, batch_size=40),
        observers=[logger])
    logger.close()
    acc = EventAccumulator(str(tmp_path / "run" / "train"))
    acc.Reload()
    assert {"MatMul", "Sigmoid", "AssignSubVariableOp"} <= {node.op for node in acc.Graph().node}


def test_traced_steps_become_text_tables_and_a_stopped_run_says_why(tmp_path):
    ds = data.blobs(seed=0, n_samples=100)
    model = models.mlp(2, hidden=(8,), seed=0)
    logger = tblog.RunLogger(tmp_path / "run", trace_steps=2)
    assert logger.full_steps == 2
    fit(model, ds, Config(epochs=1, batch_size=20), observers=[logger])
    logger.close()
    train = read_events(tmp_path / "run" / "train")
    assert [s for s, _ in train["trace/update_step"]] == [1, 2]
    assert text(train, "trace/update_step").startswith("**step 1** (epoch 1, batch 1/4): loss ")
    assert "run/stopped" not in train
    logger = tblog.RunLogger(tmp_path / "diverged")
    history = fit(model, ds, Config(epochs=3, batch_size=20, learning_rate=1e30), observers=[logger])
    logger.close()
    train = read_events(tmp_path / "diverged" / "train")
    assert text(train, "run/stopped") == history.stopped and history.stopped.startswith("diverged at step ")
    assert train["run/stopped"][0][0] == history.stopped_at == history.steps + 1    # at the step that diverged


def test_a_partial_epoch_logs_its_steps_but_no_epoch_metrics(tmp_path):
    logger = tblog.RunLogger(tmp_path / "run")
    names, initial = ["output/kernel", "output/bias"], [np.zeros((2, 1)), np.zeros(1)]
    logger.on_train_begin(None, Config(epochs=3), names, initial)
    nan = float("nan")
    partial = EpochRecord(epoch=1, first_step=1, step_loss=np.array([0.7, 0.6]), step_accuracy=np.array([0.5, 0.5]),
                          step_grad_norm=np.array([1.0, 0.9]), step_sizes=np.array([32, 32]),
                          step_params=np.array([[0.1, 0.2, 0.3], [0.2, 0.3, 0.4]]), step_grads=np.zeros((2, 3)),
                          loss=nan, accuracy=nan, val_loss=nan, val_accuracy=nan, learning_rate=0.1, names=names,
                          variables=initial, grads=[], complete=False)
    logger.on_epoch_end(partial)
    logger.close()
    train = read_events(tmp_path / "run" / "train")
    assert scalars(train, "batch_loss") == [(1, pytest.approx(0.7)), (2, pytest.approx(0.6))]
    assert scalars(train, "parameters/output/bias[0]") == [(0, 0.0), (1, pytest.approx(0.3)), (2, pytest.approx(0.4))]
    assert "epoch_loss" not in train and "epoch_loss" not in read_events(tmp_path / "run" / "validation")


def test_log_layer_norms_reads_back_by_layer_and_by_depth(tmp_path):
    logger = tblog.RunLogger(tmp_path / "run")
    tags = logger.log_layer_norms({"hidden_1": 0.5, "hidden_2": 0.25, "output": 2.0}, step=7)
    logger.close()
    events = read_events(tmp_path / "run" / "train")
    assert tags == ["gradient_norm/hidden_1", "gradient_norm/hidden_2", "gradient_norm/output",
                    "gradient_norm_by_depth"]
    assert set(events) == set(tags)
    assert scalars(events, "gradient_norm/output") == [(7, 2.0)]
    assert scalars(events, "gradient_norm/hidden_2") == [(7, 0.25)]
    assert scalars(events, "gradient_norm_by_depth") == [(1, 0.5), (2, 0.25), (3, 2.0)]   # x axis: the depth


def test_log_scalars_and_splits(tmp_path):
    logger = tblog.RunLogger(tmp_path / "run")
    logger.log_scalars(3, {"d_loss": 1.25, "g_loss": 0.5})
    logger.log_scalars(1, {"epoch_loss": 0.75}, split="validation")
    logger.split("test").scalars(2, [[0.125]], ["epoch_loss"])
    for bad in ("run", "../x", "a/b", ""):
        with pytest.raises(ValueError, match="split must be a name like 'train' or 'validation'"):
            logger.split(bad)
    logger.close()
    assert scalars(read_events(tmp_path / "run" / "train"), "d_loss") == [(3, 1.25)]
    assert scalars(read_events(tmp_path / "run" / "train"), "g_loss") == [(3, 0.5)]
    assert scalars(read_events(tmp_path / "run" / "validation"), "epoch_loss") == [(1, 0.75)]
    assert scalars(read_events(tmp_path / "run" / "test"), "epoch_loss") == [(2, 0.125)]


def test_a_closed_logger_reopens_its_own_files_to_append(tmp_path):
    logger = tblog.RunLogger(tmp_path / "run", goal="first")
    logger.close()
    logger.log_text("run/note", "after the run")                     # a figure joins a finished run
    logger.close()
    assert len(event_files(tmp_path / "run" / "train")) == 1
    train = read_events(tmp_path / "run" / "train")
    assert (text(train, "run/goal"), text(train, "run/note")) == ("first", "after the run")


def test_every_step_writes_histograms_after_each_update(tmp_path):
    ds = data.blobs(seed=0, n_samples=100)                           # 2 steps of 40 an epoch
    logger = tblog.RunLogger(tmp_path / "run", every_step=True)
    model = models.perceptron(2, seed=0)
    fit(model, ds, Config(epochs=2, batch_size=40), observers=[logger])
    logger.close()
    train = read_events(tmp_path / "run" / "train")
    assert [s for s, _ in train["weights/output"]] == [0, 1, 2, 3, 4]
    assert [s for s, _ in train["gradients/output/bias"]] == [1, 2, 3, 4]
    final = train["weights/output"][-1][1]
    assert (final[0, 0], final[-1, 1]) == tuple(np.sort(model.get_weights()[0].ravel()))   # the trained kernel


def test_logger_rejects_bad_trace_steps_and_writes_nothing(tmp_path):
    with pytest.raises(ValueError, match="trace_steps must be a non-negative integer"):
        tblog.RunLogger(tmp_path / "r", trace_steps=-1)
    assert not (tmp_path / "r").exists()


def test_runs_of_other_batch_sizes_compare_against_examples_seen_and_log10_of_the_loss(tmp_path):
    ds = data.blobs(seed=0, n_samples=100)                           # 80 train: batches of 32, 32, 16
    logger = tblog.RunLogger(tmp_path / "run", hparams={"lr": 0.1}, examples_axis=True, log10_batch_loss=True,
                             log10_epoch_loss=True)
    history = fit(models.perceptron(2, seed=0), ds, Config(epochs=2, batch_size=32), observers=[logger])
    logger.close()
    train, val = read_events(tmp_path / "run" / "train"), read_events(tmp_path / "run" / "validation")
    losses = [v for _, v in scalars(train, "batch_loss")]
    assert [s for s, _ in scalars(train, "by_examples/batch_loss")] == [32, 64, 80, 112, 144, 160]
    np.testing.assert_allclose([v for _, v in scalars(train, "by_examples/batch_loss")], losses, rtol=1e-6)
    np.testing.assert_allclose([v for _, v in scalars(train, "log10/batch_loss")], np.log10(losses), rtol=1e-5)
    assert [s for s, _ in scalars(train, "log10/batch_loss")] == list(range(1, 7))
    # the epoch losses at the examples seen by the end of each epoch, in train and validation
    assert scalars(train, "by_examples/epoch_loss") == [(80, pytest.approx(history.loss[0], rel=1e-6)),
                                                        (160, pytest.approx(history.loss[1], rel=1e-6))]
    assert scalars(val, "by_examples/epoch_loss") == [(80, pytest.approx(history.val_loss[0], rel=1e-6)),
                                                      (160, pytest.approx(history.val_loss[1], rel=1e-6))]
    assert [v for _, v in scalars(val, "log10/epoch_loss")] == pytest.approx(np.log10(history.val_loss), rel=1e-5)
    # and the Custom Scalars dashboard gets a chart of each
    from tensorboard.plugins.custom_scalar import layout_pb2
    from tensorboard.util import tensor_util
    acc = EventAccumulator(str(tmp_path / "run"), size_guidance={"tensors": 0})
    acc.Reload()
    (event,) = acc.Tensors("custom_scalars__config__")
    layout = layout_pb2.Layout.FromString(tensor_util.make_ndarray(event.tensor_proto).item())
    tags = [tag for category in layout.category for chart in category.chart for tag in chart.multiline.tag]
    assert tags == ["^log10/epoch_loss$", "^epoch_accuracy$", "^by_examples/batch_loss$", "^by_examples/epoch_loss$",
                    "^log10/batch_loss$"]


def test_log10_keeps_a_blown_up_loss_on_the_chart():
    assert tblog._log10(np.array([100.0, 0.0, np.inf])).tolist() == [2.0, -30.0, np.inf]


def test_close_closes_every_file_when_one_fails_then_raises_the_first_error(tmp_path):
    logger = tblog.RunLogger(tmp_path / "run", hparams={"lr": 0.1})
    logger.on_train_begin(None, Config(epochs=1), ["output/bias"], [np.zeros(1)])
    train = logger.events["train"]
    broken = OSError(28, "No space left on device", str(train.path))

    def fail():
        train.closed = True
        raise broken

    train.close = fail
    with pytest.raises(OSError) as err:
        logger.close()
    assert err.value is broken
    assert logger.events["validation"].closed                                     # the other closed all the same
    assert "run" not in logger.events         # the run's own file (hyperparameters) was written whole and closed at once
