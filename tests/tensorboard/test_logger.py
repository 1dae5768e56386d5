import numpy as np
import pytest
from conftest import read_events

from course import data, events, models, plots, tblog, training
from course.runtime import tf
from course.config import Config

SCALARS_PER_STEP = {"batch_loss", "batch_accuracy", "gradient_norm"}
SCALARS_PER_EPOCH = {"epoch_loss", "epoch_accuracy", "learning_rate"}


def _train(tmp_path, model, ds, config, histogram_every=1):
    logger = tblog.RunLogger(tmp_path / "run", hparams={"epochs": config.epochs, "optimizer": config.optimizer},
                             goal="learn the blobs", histogram_every=histogram_every)
    history = training.fit(model, ds, config, observers=[logger])
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
    text = train["run/hyperparameters"][0][1].item().decode()
    assert "| epochs | 3 |" in text and "| optimizer | sgd |" in text
    assert train["run/goal"][0][1].item().decode() == "learn the blobs"
    image = train["decision_boundary"][0][1]          # [width, height, png bytes]
    assert image[2][:8] == b"\x89PNG\r\n\x1a\n"


def test_large_models_get_histograms_but_no_per_parameter_scalars(tmp_path):
    ds = data.moons(seed=0, n_samples=100)
    model = models.mlp(2, hidden=(8,), seed=0)        # 33 parameters
    _, train, _ = _train(tmp_path, model, ds, Config(epochs=2, batch_size=40))
    assert not any(tag.startswith("parameters/") for tag in train)
    assert {"weights/hidden_1", "biases/hidden_1", "weights/output", "gradients/hidden_1/kernel",
            "gradients/hidden_1/bias", "gradients/output/kernel", "gradients/output/bias"} <= set(train)
    assert train["weights/hidden_1"][-1][1][:, 2].sum() == 16


def test_histogram_buckets_count_every_value():
    values = np.array([0.0, 0.1, 0.1, 0.5, 1.0])
    buckets = tblog.histogram_buckets(values, bucket_count=5)
    np.testing.assert_allclose(buckets[:, 0], [0.0, 0.2, 0.4, 0.6, 0.8])
    np.testing.assert_allclose(buckets[:, 2], [3, 0, 1, 0, 1])
    constant = tblog.histogram_buckets(np.zeros(4))
    assert constant[:, 2].sum() == 4 and constant[0, 0] == -0.5 and constant[-1, 1] == 0.5
    assert tblog.histogram_buckets(np.array([np.nan, np.inf])).shape == (0, 3)


def test_histogram_buckets_equal_numpy_histogram():
    rng = np.random.default_rng(0)
    for values in (rng.normal(size=(64, 10)), rng.uniform(-3, 5, 1000),
                   np.round(rng.normal(size=400), 1), np.arange(31) / 10):   # values on bucket edges
        counts, edges = np.histogram(values, bins=30)
        buckets = tblog.histogram_buckets(values)
        np.testing.assert_allclose(buckets[:, 0], edges[:-1], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(buckets[:, 1], edges[1:], rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(buckets[:, 2], counts)


def test_markdown_table():
    assert tblog.markdown_table({"lr": 0.1}) == "| setting | value |\n|---|---|\n| lr | 0.1 |"


def test_histogram_cadence_must_be_positive(tmp_path):
    with pytest.raises(ValueError, match="histogram_every must be a positive integer"):
        tblog.RunLogger(tmp_path / "r", histogram_every=0)


def test_log_figure_rejects_what_is_not_a_figure(tmp_path):
    logger = tblog.RunLogger(tmp_path / "r")
    with pytest.raises(TypeError, match="figure must be a matplotlib Figure"):
        logger.log_figure("x", [1, 2, 3])
    logger.close()


def test_histogram_buckets_of_huge_or_extreme_values_do_not_fail():
    huge = tblog.histogram_buckets(np.array([3.3e28, 3.3e28 * (1 + 1e-15)]))
    assert huge[:, 2].sum() == 2
    extreme = tblog.histogram_buckets(np.array([-1e308, 1e308, np.nan, np.inf]))
    assert extreme[:, 2].sum() == 2          # non-finite values are left out, finite ones all counted
    same = tblog.histogram_buckets(np.full(3, 2.5e29, np.float32))   # a diverging weight, all equal
    assert same[:, 2].sum() == 3 and same[0, 0] < 2.5e29 < same[-1, 1]


def test_default_histogram_cadence_is_about_every_100_steps_and_the_last_epoch(tmp_path):
    assert [tblog.histogram_cadence(n) for n in (1, 4, 10, 25, 100, 282)] == [100, 25, 10, 4, 1, 1]
    ds = data.blobs(seed=0, n_samples=100)            # 80 train / 20 per batch = 4 steps an epoch
    _, train, _ = _train(tmp_path, models.perceptron(2, seed=0), ds, Config(epochs=30, batch_size=20),
                         histogram_every=None)
    assert [s for s, _ in train["weights/output"]] == [0, 100, 120]     # steps: epochs 25 and 30 end there
    assert [s for s, _ in train["gradients/output/bias"]] == [100, 120]
    assert len(train["batch_loss"]) == 120 and len(train["epoch_loss"]) == 30   # scalars: all of them


def test_events_parse_as_tensorboard_scalars_and_histograms(tmp_path):
    from tensorboard.compat.proto import event_pb2
    from tensorboard.util import tensor_util

    tags = ["batch_loss", "parameters/output/kernel[0,0]"]
    rows = np.array([[0.6931, -1.5], [1e-30, 3.4e38], [0.0, -0.0]], np.float32)
    file = events.EventFile(tmp_path / "train")
    file.scalars(5, rows, tags)
    file.scalars(0, np.array([[0.25]]), tags[1:])
    buckets = events.histogram_buckets(np.array([0.0, 0.1, 0.1, 0.5, 1.0]), 5)
    file.histograms(7, {"weights/output": buckets, "biases/output": np.zeros((0, 3))})
    file.close()
    records = [event_pb2.Event.FromString(r.numpy()) for r in tf.data.TFRecordDataset(str(file.path))]
    assert records[0].file_version == "brain.Event:2"
    assert [e.step for e in records[1:]] == [5, 6, 7, 0, 7]
    for row, event in zip(rows, records[1:4]):
        assert [v.tag for v in event.summary.value] == tags
        assert all(v.metadata.plugin_data.plugin_name == "scalars" for v in event.summary.value)
        np.testing.assert_array_equal([tensor_util.make_ndarray(v.tensor) for v in event.summary.value], row)
    assert [v.tag for v in records[4].summary.value] == tags[1:]
    assert records[1].wall_time <= records[2].wall_time <= records[3].wall_time
    histogram, empty = records[5].summary.value
    assert (histogram.tag, histogram.metadata.plugin_data.plugin_name) == ("weights/output", "histograms")
    np.testing.assert_array_equal(tensor_util.make_ndarray(histogram.tensor), buckets)
    assert tensor_util.make_ndarray(empty.tensor).shape == (0, 3)
    assert file.path.name.startswith("events.out.tfevents.") and file.path.name.endswith(".course.v2")


def test_event_steps_must_be_non_negative_integers(tmp_path):
    file = events.EventFile(tmp_path / "train")
    for step in (-1, 1.5, True):
        with pytest.raises(ValueError, match="step must be an integer >= 0"):
            file.scalars(step, [[1.0]], ["batch_loss"])
    file.close()
