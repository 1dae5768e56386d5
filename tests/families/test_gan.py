"""course.families.gan: the GAN's step (two tapes, two optimizers) and loop, against NumPy cross-entropies
and statistics recomputed from the generator, and the logs read back."""
import numpy as np
import pytest

from course.core.config import Config
from course.core.runtime import keras, tf
from course.engine.records import Observer
from course.engine.steps import fit_steps
from course.families import gan
from course.families.builders import discriminator, generator
from course.reference.losses import binary_cross_entropy
from course.tensorboard.logger import RunLogger
from course.tensorboard.steps import StepsLogger
from course.trace.console import EpochPrinter
from tests.helpers import read_events, scalars


def test_target_samples_have_the_target_statistics():
    real = gan.target_samples(20000, seed=1)
    assert real.shape == (20000, 2) and real.dtype == np.float32
    np.testing.assert_allclose(real.mean(axis=0), gan.TARGET_MEAN, atol=0.03)
    np.testing.assert_allclose(real.std(axis=0), gan.TARGET_STD, atol=0.03)
    assert np.corrcoef(real.T)[0, 1] == pytest.approx(gan.TARGET_CORRELATION, abs=0.02)
    np.testing.assert_array_equal(gan.target_samples(10, seed=1), gan.target_samples(10, seed=1))
    with pytest.raises(ValueError, match="n must be an integer of at least 2"):
        gan.target_samples(1)
    with pytest.raises(ValueError, match="correlation must lie strictly between -1 and 1"):
        gan.target_samples(10, correlation=1.0)


def test_gan_step_losses_are_the_numpy_cross_entropies_before_the_update():
    G, D = generator(noise_dim=3, seed=1), discriminator(seed=2)
    real = gan.target_samples(16, seed=0)
    noise = np.random.default_rng(0).normal(size=(16, 3)).astype(np.float32)
    p_real = D(real).numpy().ravel()
    p_fake = D(G(noise)).numpy().ravel()
    g_opt, d_opt = gan.make_optimizers(Config(optimizer="sgd", learning_rate=0.1))
    d_before = [w.copy() for w in D.get_weights()]
    d_loss, g_loss, mean_real, mean_fake = gan.gan_step(G, D, g_opt, d_opt, tf.constant(real), tf.constant(noise),
                                                        keras.losses.BinaryCrossentropy())
    ones, zeros = np.ones(16), np.zeros(16)
    assert float(d_loss) == pytest.approx(binary_cross_entropy(ones, p_real) + binary_cross_entropy(zeros, p_fake),
                                          rel=1e-5)
    assert float(g_loss) == pytest.approx(binary_cross_entropy(ones, p_fake), rel=1e-5)
    assert (float(mean_real), float(mean_fake)) == pytest.approx((p_real.mean(), p_fake.mean()), rel=1e-5)
    assert any(not np.array_equal(a, b) for a, b in zip(D.get_weights(), d_before))     # both networks moved


def test_each_network_has_its_own_optimizer_adam_with_beta_1_one_half():
    g_opt, d_opt = gan.make_optimizers(Config(optimizer="adam", learning_rate=0.001))
    assert g_opt is not d_opt and (g_opt.beta_1, d_opt.beta_1) == (0.5, 0.5)
    assert float(g_opt.learning_rate) == pytest.approx(0.001)
    sgd = gan.make_optimizers(Config(optimizer="momentum"))
    assert all(type(o) is keras.optimizers.SGD and o.momentum == 0.9 for o in sgd) and sgd[0] is not sgd[1]


def test_the_measuring_noise_is_fixed_per_seed():
    G = generator(noise_dim=4)
    a, b = gan.fixed_noise(G, 0), gan.fixed_noise(G, 0)
    assert a.shape == (gan.SAMPLE_COUNT, 4) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, np.random.default_rng([0, 1]).normal(size=(1000, 4)).astype(np.float32))
    assert not np.array_equal(a, gan.fixed_noise(G, 1))


def test_sample_statistics_are_numpys():
    points = np.random.default_rng(0).normal((2.0, 1.0), (1.0, 0.5), size=(500, 2))
    stats = gan.sample_statistics(points)
    assert (stats["mean_x1"], stats["mean_x2"]) == tuple(points.mean(axis=0))
    assert (stats["std_x1"], stats["std_x2"]) == tuple(points.std(axis=0))
    assert stats["correlation"] == np.corrcoef(points.T)[0, 1] and stats["inside"] == gan.share_inside(points)


def _fit(G, D, real, config, observers=()):
    return fit_steps(gan.steps(G, D, real, config), config, observers)


def test_the_courses_loop_measures_the_generator_logs_and_prints(tmp_path):
    G, D = generator(noise_dim=4, seed=0), discriminator(seed=100)
    real = gan.target_samples(200, seed=0)
    logger, lines, drawn = RunLogger(tmp_path / "run"), [], []

    class Drawn(Observer):
        def on_epoch_end(self, record):
            drawn.append((record.epoch, gan.generated(G, gan.fixed_noise(G, 0))))

    config = Config(epochs=2, batch_size=64, optimizer="adam", learning_rate=0.001, seed=0)
    history = _fit(G, D, real, config, [StepsLogger(logger, gan.TAGS), Drawn(),
                                        EpochPrinter(print_fn=lines.append, line=gan.epoch_line)])
    logger.close()
    assert history.epoch == [1, 2] and history.steps == 2 * 4 and history.stop is None   # 200 = 64 x 3 + 8
    generated = G(gan.fixed_noise(G, 0)).numpy().astype(np.float64)      # the measurement, recomputed
    final = history.final()
    np.testing.assert_allclose([final["mean_x1"], final["mean_x2"]], generated.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose([final["std_x1"], final["std_x2"]], generated.std(axis=0), rtol=1e-12)
    assert final["correlation"] == pytest.approx(np.corrcoef(generated.T)[0, 1], rel=1e-12)
    np.testing.assert_allclose(drawn[-1][1], generated, rtol=1e-12)
    train = read_events(tmp_path / "run" / "train")
    assert [s for s, _ in scalars(train, "d_loss")] == list(range(1, 9))
    d_losses = np.array([v for _, v in scalars(train, "d_loss")])
    # the epoch's value is the mean over its examples: steps weighted by their batch sizes, 64, 64, 64 and 8
    np.testing.assert_allclose(history.d_loss, d_losses.reshape(2, 4) @ np.array([64, 64, 64, 8]) / 200, rtol=1e-5)
    assert scalars(train, "epoch_samples/mean_x1")[-1] == (2, pytest.approx(generated[:, 0].mean(), rel=1e-5))
    assert scalars(train, "epoch_samples/std_x2")[-1] == (2, pytest.approx(generated[:, 1].std(), rel=1e-5))
    assert scalars(train, "epoch_d_real")[0] == (1, pytest.approx(history.d_real[0], rel=1e-6))
    assert not (tmp_path / "run" / "validation").exists()               # a GAN has no validation split
    assert lines[-1] == (f"epoch 2/2  D loss {history.d_loss[-1]:.3f}  G loss {history.g_loss[-1]:.3f}  D(real) "
                         f"{history.d_real[-1]:.2f}  D(generated) {history.d_generated[-1]:.2f}  | samples mean "
                         f"({final['mean_x1']:.2f}, {final['mean_x2']:.2f}) std ({final['std_x1']:.2f}, "
                         f"{final['std_x2']:.2f})")


def test_a_diverging_gan_stops_with_a_stop_and_has_no_final_numbers():
    history = _fit(generator(), discriminator(), gan.target_samples(64), Config(epochs=1, learning_rate=1e6,
                                                                                 batch_size=16))
    assert history.stop.kind == "diverged" and str(history.stop).startswith(
        f"diverged at step {history.stop.step} (epoch 1, batch {history.stop.batch}): the ")
    assert np.isnan(history.final()["mean_x1"]) and history.epoch == []


def test_the_steps_refuse_points_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"real must be finite \(n, 2\) points, got shape \(10, 3\)"):
        gan.steps(generator(), discriminator(), np.zeros((10, 3)), Config(epochs=1))
    with pytest.raises(ValueError, match="the generator makes 3-D points, the data are 2-D"):
        gan.steps(generator(n_outputs=3), discriminator(), np.zeros((10, 2)), Config(epochs=1))


def test_the_share_inside_the_2_sd_ellipse_is_that_of_a_gaussian_for_real_points():
    """Oracle: a 2-D Gaussian holds 1 - e^-2 of its points within Mahalanobis distance 2 (a chi-square with 2
    degrees of freedom); a cloud 4 standard deviations below the mean in x2 holds none."""
    assert gan.INSIDE_A_GAUSSIAN == pytest.approx(1 - np.exp(-2))
    assert gan.share_inside(gan.target_samples(200_000, seed=1)) == pytest.approx(1 - np.exp(-2), abs=0.005)
    assert gan.share_inside(np.random.default_rng(0).normal((2.0, -1.0), 0.2, size=(1000, 2))) == 0.0
    assert gan.share_inside(np.array([[2.0, 1.0], [2.0, 2.5]])) == 0.5          # the mean; 3 sd above it
