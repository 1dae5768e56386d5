"""course.runs.experiment: one logged training run end to end (train_and_log), its description, the
observers it logs with and the limits of --log-every-step."""
import numpy as np
import pytest

from course.core import datasets as data
from course.core import models
from course.core.config import Config
from course.engine.records import Recorder
from course.reference.forward import layers_from_keras, predict
from course.reference.losses import binary_cross_entropy
from course.runs.experiment import describe_model, every_step_limits, tensorboard_observers, train_and_log
from course.tensorboard.logger import RunLogger
from course.tensorboard.snapshots import Snapshots
from tests.helpers import PNG_SIGNATURE, event_files, read_events, scalars, text


def test_describe_model():
    assert describe_model(models.mlp(2, hidden=(16,), activation="tanh")) == \
        "2 -> hidden_1 (16, tanh) -> output (1, sigmoid)"
    from course.families.builders import cnn
    assert describe_model(cnn()) == ("64 -> image (8x8x1) -> conv_1 (8x8x8) -> pool_1 (4x4x8) -> conv_2 (4x4x16) "
                                     "-> pool_2 (2x2x16) -> flatten (64) -> output (10, softmax)")


def test_train_and_log_writes_a_new_run_with_figures_and_prints_the_trace(tmp_path):
    ds = data.blobs(n_samples=100)
    config = Config(epochs=2, batch_size=40, logdir=str(tmp_path), trace_steps=1)
    out = []
    model = models.perceptron(2)
    first = train_and_log(model, ds, config, lesson="test", name="blobs", goal="g", print_fn=out.append)
    second = train_and_log(models.perceptron(2), ds, config, lesson="test", name="blobs", print_fn=out.append)
    assert first.run_dir != second.run_dir and first.run_dir.parent == tmp_path / "test"
    names = sorted(p.name for p in first.run_dir.iterdir())
    # the run directory's own event file holds the HParams session and the custom-scalars layout
    assert [n for n in names if n.startswith("events.out.tfevents.")] == [names[1]]
    assert names[:1] + names[2:] == ["decision_boundary.png", "network.png", "train", "training_curves.png",
                                     "validation"]
    assert first.model is model and first.name == "blobs" and isinstance(first.logger, RunLogger)
    # the metrics: the last epoch, recomputed from the trained model with the NumPy forward pass
    p = predict(ds.x_val, layers_from_keras(model)).ravel()
    assert set(first.metrics) == {"epoch", "loss", "accuracy", "val_loss", "val_accuracy"}
    assert first.metrics["epoch"] == 2
    assert first.metrics["val_loss"] == pytest.approx(binary_cross_entropy(ds.y_val, p), abs=1e-5)
    assert first.metrics["val_accuracy"] == pytest.approx(np.mean((p >= 0.5) == ds.y_val), abs=1e-6)
    train, val = read_events(first.run_dir / "train"), read_events(first.run_dir / "validation")
    assert scalars(train, "epoch_loss")[-1] == (2, pytest.approx(first.metrics["loss"], rel=1e-6))
    assert scalars(val, "epoch_accuracy")[-1] == (2, pytest.approx(first.metrics["val_accuracy"], rel=1e-6))
    assert out[0].startswith("The first update step (") and out[1].startswith("  Each step shows all 3 parameters.")
    assert out[3].startswith("step 1 (epoch 1, batch 1/2)")
    m = first.metrics
    assert (f"epoch 2/2  loss {m['loss']:.4f}  acc {m['accuracy']:.3f}  | val loss {m['val_loss']:.4f}  "
            f"val acc {m['val_accuracy']:.3f}") in out
    table = text(train, "run/hyperparameters")
    assert "| model | 2 -> output (1, sigmoid) |" in table and "| parameters | 3 |" in table
    assert "| lesson | test |" in table and "| run | blobs |" in table and "| log_every_step | False |" in table
    assert text(train, "run/goal") == "g"
    # the pictures of the trained model are its last snapshots, saved beside the logs as the same PNGs
    assert "decision_boundary" not in train                   # no matplotlib figure for a model the plane draws
    for tag, file in (("snapshots/decision_boundary", "decision_boundary.png"), ("network", "network.png")):
        step, image = train[tag][-1]
        assert step == 2 * 2                                   # the last step: 2 epochs of 2 steps
        assert image[2][:8] == PNG_SIGNATURE and (first.run_dir / file).read_bytes() == image[2]
    np.testing.assert_array_equal(_decoded(train["snapshots/decision_boundary"][-1][1][2]),
                                  _decoded(_plane_picture(model, ds)))           # drawn from the trained weights
    assert len(event_files(first.run_dir / "train")) == 1


def _decoded(png):
    import io

    from PIL import Image
    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image)


def _plane_picture(model, ds):
    from course.core.models import variable_name
    from course.pictures.planes import Plane, dense_layers
    names = [variable_name(v) for v in model.trainable_variables]
    plane = Plane(ds.x_val, ds.y_val, ds.class_names)
    return plane.pictures(dense_layers(model, names), [v.numpy() for v in model.trainable_variables])[
        "snapshots/decision_boundary"]


def test_a_model_the_plane_cannot_draw_gets_a_matplotlib_decision_boundary(tmp_path):
    from course.core.runtime import keras
    ds = data.blobs(n_samples=100)
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1, activation="sigmoid", name="output")])
    model.layers[0].activation = keras.activations.hard_sigmoid                 # not one of the registry's
    result = train_and_log(model, ds, Config(epochs=1, batch_size=40, logdir=str(tmp_path), quiet=True),
                           lesson="t", name="hard")
    train = read_events(result.run_dir / "train")
    ((step, image),) = train["decision_boundary"]
    assert step == 2 and image[2] == (result.run_dir / "decision_boundary.png").read_bytes()
    assert "snapshots/decision_boundary" not in train


def test_quiet_prints_nothing_but_still_logs(tmp_path):
    out = []
    result = train_and_log(models.perceptron(2), data.blobs(n_samples=100),
                           Config(epochs=1, batch_size=40, logdir=str(tmp_path), quiet=True),
                           lesson="t", name="q", print_fn=out.append)
    assert out == []
    assert [s for s, _ in read_events(result.run_dir / "validation")["epoch_loss"]] == [1]


def test_more_observers_see_the_same_run(tmp_path):
    recorder = Recorder(full_steps=1)
    result = train_and_log(models.perceptron(2, seed=0), data.blobs(n_samples=100),
                           Config(epochs=2, batch_size=40, logdir=str(tmp_path), quiet=True),
                           lesson="t", name="r", observers=[recorder])
    logged = [v for _, v in scalars(read_events(result.run_dir / "train"), "batch_loss")]
    np.testing.assert_allclose(recorder.step_losses(), logged, rtol=1e-6)
    assert len(recorder.steps) == 1


def test_a_diverging_run_says_so_and_keeps_its_log(tmp_path):
    out = []
    result = train_and_log(models.mlp(2, hidden=(8,), seed=0), data.blobs(seed=0, n_samples=100),
                           Config(epochs=5, batch_size=20, learning_rate=1e30, logdir=str(tmp_path), trace_steps=0),
                           lesson="t", name="diverge", print_fn=out.append)
    history = result.history
    assert history.diverged and f"Stopped early: {history.stopped}" in out
    assert text(read_events(result.run_dir / "train"), "run/stopped") == history.stopped
    assert np.isnan(result.metrics["val_accuracy"]) == (history.epoch == [])


def test_ctrl_c_while_the_figures_are_drawn_leaves_the_run_saying_so(tmp_path, monkeypatch):
    from course.runs import experiment

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(experiment.plots, "training_curves", interrupted)
    out = []
    with pytest.raises(KeyboardInterrupt):
        train_and_log(models.perceptron(2, seed=0), data.blobs(n_samples=100),
                      Config(epochs=1, batch_size=40, logdir=str(tmp_path), quiet=True), lesson="t", name="late",
                      print_fn=out.append)
    (run_dir,) = (tmp_path / "t").iterdir()
    assert out == [f"\nInterrupted: the partial run is in {run_dir} (TensorBoard can read it)."]
    train = read_events(run_dir / "train")
    assert text(train, "run/stopped") == ("interrupted after the last step, 2, while the end-of-run figures were "
                                          "drawn")
    assert train["run/stopped"][0][0] == 2 and len(scalars(train, "batch_loss")) == 2    # the training is all there


def test_a_rejected_run_writes_nothing(tmp_path):
    with pytest.raises(ValueError, match="2 features but the model expects 3"):
        train_and_log(models.perceptron(3), data.blobs(), Config(logdir=str(tmp_path / "logs")), lesson="t", name="x")
    assert not (tmp_path / "logs").exists()


def test_every_step_mode_falls_back_for_large_runs_and_says_why(tmp_path):
    ds = data.digits(seed=0)
    model = models.softmax_classifier(64, 10, hidden=(16,))
    config = Config(epochs=1, logdir=str(tmp_path), quiet=True, log_every_step=True)
    assert every_step_limits(model, ds, config) == (
        "--log-every-step is for tiny runs (at most 1,000 parameters and 2,000 update steps); this run has 1,210 "
        "parameters and 45 steps, so it logs at the default cadence")          # 64*16+16+16*10+10; ceil(1437/32)
    assert every_step_limits(models.perceptron(2), data.blobs(), Config(epochs=200)) == ""    # 200 x 10 = 2000 steps
    assert "2,010 steps" in every_step_limits(models.perceptron(2), data.blobs(), Config(epochs=201))
    out = []
    result = train_and_log(model, ds, config, lesson="t", name="digits", print_fn=out.append)
    assert out[0] == f"Note: {every_step_limits(model, ds, config)}."
    assert "| log_every_step | False |" in text(read_events(result.run_dir / "train"), "run/hyperparameters")


def test_tensorboard_observers_add_the_pictures_a_model_supports(tmp_path):
    config = Config(trace_steps=2)
    two_d = tensorboard_observers(tmp_path / "a", models.mlp(2, hidden=(3,)), data.blobs(n_samples=100), config)
    assert [type(o) for o in two_d] == [RunLogger, Snapshots] and two_d[0].trace_steps == 2
    assert two_d[1].plane is not None and two_d[1].network                 # the plane's pictures and the diagram
    small = tensorboard_observers(tmp_path / "b", models.softmax_classifier(4, 3), data.iris(), config,
                                  every_step=True)
    assert [type(o) for o in small] == [RunLogger, Snapshots] and small[0].every_step
    assert small[1].plane is None and small[1].network                     # 4 inputs: the diagram only
    wide = tensorboard_observers(tmp_path / "c", models.softmax_classifier(64, 10), data.digits(), config,
                                 log_options={"log10_batch_loss": True})
    assert [type(o) for o in wide] == [RunLogger] and wide[0].log10_batch_loss   # 64 inputs: no picture at all
    for observers in (two_d, small, wide):
        observers[0].close()
