"""course.families.autoencoding: the reconstruction step and its loop, against NumPy (the mean squared error
and its gradient by hand), and the logs read back."""
import numpy as np
import pytest

from course.core.config import Config
from course.core.optimizers import make_optimizer
from course.core.runtime import tf
from course.families import autoencoding
from course.engine.records import Observer
from course.engine.steps import fit_steps, printed_epoch
from course.families.builders import autoencoder
from course.tensorboard.logger import RunLogger
from course.tensorboard.steps import StepsLogger
from course.trace.console import EpochPrinter
from tests.helpers import event_files, read_events, scalars


def _pixels(n=40, d=6, seed=0):
    return np.random.default_rng(seed).random((n, d)).astype(np.float32)


def test_losses_against_numpy():
    model = autoencoder(n_features=6, hidden=4, code=2)
    x = _pixels(5)
    expected = float(np.mean((np.asarray(model(x)) - x) ** 2))
    assert autoencoding.mean_squared_error(model, x) == pytest.approx(expected, rel=1e-6)
    assert autoencoding.mean_image_error(x, x) == pytest.approx(float(np.mean((x - x.mean(axis=0)) ** 2)), rel=1e-6)
    train, val = _pixels(30, seed=1), _pixels(10, seed=2)
    train, val = train.astype(np.float64), val.astype(np.float64)
    assert autoencoding.mean_image_error(train, val) == pytest.approx(
        float(np.mean((val - train.mean(axis=0)) ** 2)), rel=1e-12)


def test_reconstruction_step_is_the_mse_and_its_gradient_by_hand():
    model = autoencoder(n_features=6, hidden=4, code=2, seed=1)
    x = _pixels(8)
    h = x
    for layer in model.layers[:-1]:                       # up to the decoder: the last layer's input
        h = layer(h).numpy().astype(np.float64)
    W, b = (v.astype(np.float64) for v in model.layers[-1].get_weights())
    r = 1 / (1 + np.exp(-(h @ W + b)))                    # sigmoid reconstruction, (8, 6)
    loss_by_hand = np.mean((x - r) ** 2)
    dz = 2 * (r - x) * r * (1 - r) / x.size              # d mean((x - r)^2) / dz, z the last pre-activation
    loss = autoencoding.reconstruction_step(model, make_optimizer("sgd", 0.5), tf.constant(x))
    assert float(loss) == pytest.approx(loss_by_hand, rel=1e-5)
    W1, b1 = model.layers[-1].get_weights()
    np.testing.assert_allclose(b1, b - 0.5 * dz.sum(axis=0), atol=1e-6)
    np.testing.assert_allclose(W1, W - 0.5 * h.T @ dz, atol=1e-6)


def _fit(model, x_train, x_val, config, observers=()):
    return fit_steps(autoencoding.steps(model, x_train, x_val, config), config, observers)


def test_the_courses_loop_logs_every_step_and_epoch_and_prints_about_ten_lines(tmp_path):
    model = autoencoder(n_features=6, hidden=4, code=2)
    x_train, x_val = _pixels(40), _pixels(10, seed=3)
    logger, lines, seen = RunLogger(tmp_path / "run"), [], []

    class Seen(Observer):
        def on_epoch_end(self, record):
            seen.append(record.epoch)

    config = Config(epochs=3, batch_size=16, optimizer="adam", learning_rate=0.01)
    history = _fit(model, x_train, x_val, config, [StepsLogger(logger, autoencoding.TAGS), Seen(),
                                                   EpochPrinter(print_fn=lines.append, line=autoencoding.epoch_line)])
    logger.close()
    assert history.epoch == [1, 2, 3] and history.steps == 3 * 3 and history.stop is None   # 40 = 16 + 16 + 8
    assert seen == [1, 2, 3]
    assert history.final()["val_loss"] == history.val_loss[-1]
    assert history.val_loss[-1] == pytest.approx(float(np.mean((np.asarray(model(x_val)) - x_val) ** 2)), rel=1e-6)
    train, val = read_events(tmp_path / "run" / "train"), read_events(tmp_path / "run" / "validation")
    assert [s for s, _ in scalars(train, "batch_loss")] == list(range(1, 10))
    np.testing.assert_allclose([v for _, v in scalars(train, "epoch_loss")], history.loss, rtol=1e-6)
    np.testing.assert_allclose([v for _, v in scalars(val, "epoch_loss")], history.val_loss, rtol=1e-6)
    assert [s for s, _ in scalars(train, "epoch_loss")] == [1, 2, 3]
    losses = np.array([v for _, v in scalars(train, "batch_loss")]).reshape(3, 3)
    np.testing.assert_allclose(history.loss, losses @ np.array([16, 16, 8]) / 40, rtol=1e-5)   # size-weighted
    # the weights at step 0 (initial) and after each epoch, keyed by update step; 8 code weights (4 x 2)
    assert [s for s, _ in train["weights/code"]] == [0, 3, 6, 9] and train["weights/code"][-1][1][:, 2].sum() == 8
    counts, _ = np.histogram(model.get_layer("code").kernel.numpy(), bins=30)
    np.testing.assert_array_equal(train["weights/code"][-1][1][:, 2], counts)
    assert set(train) == {"batch_loss", "epoch_loss"} | {f"{kind}/{layer}" for kind in ("weights", "biases")
                                                          for layer in ("encoder", "code", "decoder", "reconstruction")}
    assert len(event_files(tmp_path / "run" / "train")) == 1
    assert lines == [f"epoch {e}/3  loss {history.loss[e - 1]:.4f}  | val loss {history.val_loss[e - 1]:.4f}"
                     for e in (1, 2, 3)]


def test_printed_epochs_are_the_first_every_kth_and_the_last():
    assert [e for e in range(1, 101) if printed_epoch(e, 100)] == [1] + list(range(10, 101, 10))
    assert [e for e in range(1, 6) if printed_epoch(e, 5)] == [1, 2, 3, 4, 5]
    assert [e for e in range(1, 26) if printed_epoch(e, 25)] == [1, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 25]


def test_a_diverging_run_stops_with_a_stop_and_has_no_final_error():
    model = autoencoder(n_features=6, hidden=4, code=2)
    history = _fit(model, _pixels(40), _pixels(10), Config(epochs=3, learning_rate=1e30, batch_size=8))
    stop = history.stop
    assert stop.kind == "diverged" and stop.epoch == 1 and stop.batch == stop.step and stop.step >= 1
    assert str(stop).startswith(f"diverged at step {stop.step} (epoch 1, batch {stop.batch}): the loss is ")
    assert history.epoch == [] and np.isnan(history.final()["val_loss"]) and history.steps == stop.step - 1


def test_the_steps_refuse_what_cannot_be_reconstructed():
    with pytest.raises(ValueError, match="model must map 5 features to 5, it maps 6 to 6"):
        autoencoding.steps(autoencoder(n_features=6), _pixels(d=5), _pixels(d=5), Config(epochs=1))
    with pytest.raises(ValueError, match="x_val must be a non-empty, finite"):
        autoencoding.steps(autoencoder(n_features=6), _pixels(), np.full((3, 6), np.nan), Config(epochs=1))
