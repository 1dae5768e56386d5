"""A generative adversarial network on 2-D points: two networks, two optimizers, one custom step.

The discriminator D learns to tell real points from generated ones (P(real)); the generator G
learns to turn random noise into points D takes for real. Each step updates both::

    d_loss, g_loss, d_real, d_generated = gan_step(G, D, g_optimizer, d_optimizer, real, noise, loss_fn)

    real = target_samples(2000, seed=0)                   # (2000, 2) from a tilted 2-D Gaussian
    history = fit_steps(steps(families.generator(), families.discriminator(), real, config), config)
    history.mean_x1[-1], history.std_x1[-1]               # compare with TARGET_MEAN, TARGET_STD

The course's loop (``course.engine.steps``) does the rest: the shuffle, the compiled epoch, a Stop when a loss
stops being finite, the history, and TensorBoard (``TAGS``, through ``tensorboard.steps.StepsLogger``).
"""
from __future__ import annotations

import numpy as np

from course.checks import check_seed
from course.core.optimizers import make_optimizer
from course.core.runtime import keras, tf
from course.engine.steps import Steps
from course.tensorboard.steps import ValueTags

TARGET_MEAN = (2.0, 1.0)       # the real points' mean (x1, x2)
TARGET_STD = (1.0, 0.5)        # their standard deviations
TARGET_CORRELATION = 0.6       # and the correlation of x1 and x2: a tilted ellipse
SAMPLE_COUNT = 1000            # generated points measured (and drawn) after each epoch


def target_samples(n, seed=0, mean=TARGET_MEAN, std=TARGET_STD, correlation=TARGET_CORRELATION) -> np.ndarray:
    """``n`` points from the 2-D Gaussian the GAN learns to imitate, (n, 2) float32.

    Example:
        >>> target_samples(5000).mean(axis=0).round(1)
        array([2., 1.], dtype=float32)
    """
    check_seed(seed)
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"n must be an integer of at least 2, got {n!r}")
    if not -1 < correlation < 1:
        raise ValueError(f"correlation must lie strictly between -1 and 1, got {correlation!r}")
    s1, s2 = std
    cov = np.array([[s1 * s1, correlation * s1 * s2], [correlation * s1 * s2, s2 * s2]])
    return np.random.default_rng(seed).multivariate_normal(mean, cov, size=n).astype(np.float32)


INSIDE_A_GAUSSIAN = 1 - float(np.exp(-2.0))   # 0.8647: the share of a 2-D Gaussian's points within 2 "sigmas"


def share_inside(points, mean=TARGET_MEAN, std=TARGET_STD, correlation=TARGET_CORRELATION) -> float:
    """The share of ``points`` (n, 2) inside the real distribution's 2-standard-deviation ellipse (Mahalanobis
    distance below 2): ``INSIDE_A_GAUSSIAN`` = 0.865 for points drawn from it, near 0 for points elsewhere.

    Example:
        >>> round(share_inside(target_samples(100_000)), 2)
        0.86
    """
    s1, s2 = std
    cov = np.array([[s1 * s1, correlation * s1 * s2], [correlation * s1 * s2, s2 * s2]])
    d = np.asarray(points, np.float64) - np.asarray(mean, np.float64)            # (n, 2)
    return float(np.mean(np.einsum("ni,ij,nj->n", d, np.linalg.inv(cov), d) < 4.0))


def gan_step(generator, discriminator, g_optimizer, d_optimizer, real, noise, loss_fn):
    """One round of the game: D learns to separate real from generated points, G to fool D.

    Args:
        real: (batch, 2) points from the data; noise: (batch, noise_dim) random inputs for G.
        loss_fn: binary cross-entropy, loss_fn(labels, probabilities).

    Returns:
        d_loss, g_loss, mean D(real), mean D(generated)   (scalars)
    """
    real_label, fake_label = tf.ones_like(real[:, :1]), tf.zeros_like(real[:, :1])      # (batch, 1)
    with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:   # 1. record both forward passes
        fake = generator(noise, training=True)                         # (batch, noise_dim) -> (batch, 2)
        p_real = discriminator(real, training=True)                    # (batch, 2) -> (batch, 1): P(real)
        p_fake = discriminator(fake, training=True)
        # 2. two losses: D wants P(real) = 1 on real points and 0 on generated ones;
        #    G wants D to say 1 on its points (the "non-saturating" generator loss)
        d_loss = loss_fn(real_label, p_real) + loss_fn(fake_label, p_fake)
        g_loss = loss_fn(real_label, p_fake)
    d_grads = d_tape.gradient(d_loss, discriminator.trainable_variables)   # 3. each network's gradient
    g_grads = g_tape.gradient(g_loss, generator.trainable_variables)       #    of its own loss
    d_optimizer.apply_gradients(zip(d_grads, discriminator.trainable_variables))   # 4. two optimizers,
    g_optimizer.apply_gradients(zip(g_grads, generator.trainable_variables))       #    one per network
    return d_loss, g_loss, tf.reduce_mean(p_real), tf.reduce_mean(p_fake)


def make_optimizers(config):
    """One optimizer per network. Adam gets beta_1 = 0.5 (instead of 0.9), the usual choice for GANs:
    a shorter gradient memory, because each network's loss changes as the other one learns."""
    if config.optimizer == "adam":
        clip = {"global_clipnorm": config.clip_norm} if config.clip_norm else {}
        return (keras.optimizers.Adam(config.learning_rate, beta_1=0.5, **clip),
                keras.optimizers.Adam(config.learning_rate, beta_1=0.5, **clip))
    return tuple(make_optimizer(config.optimizer, config.learning_rate, config.clip_norm) for _ in range(2))


def fixed_noise(generator, seed, n=SAMPLE_COUNT) -> np.ndarray:
    """The same (n, noise_dim) noise every epoch, so the drawn points move only because G learns."""
    return np.random.default_rng([check_seed(seed), 1]).normal(size=(n, int(generator.input_shape[-1]))).astype(
        np.float32)


TAGS = ValueTags(per_step={"d_loss": "d_loss", "g_loss": "g_loss"}, per_epoch={
    "d_loss": ("train", "epoch_d_loss"), "g_loss": ("train", "epoch_g_loss"), "d_real": ("train", "epoch_d_real"),
    "d_generated": ("train", "epoch_d_generated"), "mean_x1": ("train", "epoch_samples/mean_x1"),
    "mean_x2": ("train", "epoch_samples/mean_x2"), "std_x1": ("train", "epoch_samples/std_x1"),
    "std_x2": ("train", "epoch_samples/std_x2")})
NAMES = ("d_loss", "g_loss", "d_real", "d_generated")   # what each step returns: gan_step's four numbers
STATISTICS = ("mean_x1", "mean_x2", "std_x1", "std_x2", "correlation", "inside")   # of the generated points


def generated(generator, noise) -> np.ndarray:
    """The points ``generator`` makes from ``noise``: (n, 2) float64."""
    return np.asarray(generator(noise, training=False), np.float64)


def sample_statistics(points) -> dict:
    """Mean, standard deviation and correlation of (n, 2) points, and their share inside the real 2-sd ellipse."""
    mean, std = points.mean(axis=0), points.std(axis=0)
    return {"mean_x1": float(mean[0]), "mean_x2": float(mean[1]), "std_x1": float(std[0]), "std_x2": float(std[1]),
            "correlation": float(np.corrcoef(points.T)[0, 1]), "inside": share_inside(points)}


def steps(generator, discriminator, real, config) -> Steps:
    """What the GAN brings to the course's loop (``engine.fit_steps``): one step that trains both networks,
    fresh noise every epoch, and ``SAMPLE_COUNT`` points generated from the same noise after each epoch,
    measured (``sample_statistics``). The loop's history then holds, per epoch, the means of ``d_loss``,
    ``g_loss``, ``d_real`` (D on real points) and ``d_generated`` (D on generated ones) and the statistics.

    Example:
        >>> history = fit_steps(steps(families.generator(), families.discriminator(), real, config), config)
        >>> history.mean_x1[-1], history.inside[-1]
    """
    real = np.asarray(real, np.float32)
    if real.ndim != 2 or real.shape[1] != int(discriminator.input_shape[-1]) or not np.all(np.isfinite(real)):
        raise ValueError(f"real must be finite (n, {discriminator.input_shape[-1]}) points, got shape {real.shape}")
    if int(generator.output_shape[-1]) != real.shape[1]:
        raise ValueError(f"the generator makes {generator.output_shape[-1]}-D points, the data are {real.shape[1]}-D")
    loss_fn = keras.losses.BinaryCrossentropy()
    g_optimizer, d_optimizer = make_optimizers(config)
    g_optimizer.build(generator.trainable_variables)
    d_optimizer.build(discriminator.trainable_variables)
    noise_dim, measured = int(generator.input_shape[-1]), fixed_noise(generator, config.seed)

    def step(real_batch, noise):
        return dict(zip(NAMES, gan_step(generator, discriminator, g_optimizer, d_optimizer, real_batch, noise,
                                        loss_fn)))

    def noise(rng, n):                     # the draws a batch at a time would give
        return (rng.normal(size=(n, noise_dim)).astype(np.float32),)

    return Steps(step=step, names=NAMES, data=(real,), models=(generator, discriminator), check=("d_loss", "g_loss"),
                 fresh=noise, measure=lambda: sample_statistics(generated(generator, measured)), measured=STATISTICS)


def epoch_line(record, epochs) -> str:
    """What the printer shows of an epoch: the losses, D on real and generated points, the samples' moments."""
    m = record.measures
    return (f"epoch {record.epoch:>{len(str(epochs))}}/{epochs}  D loss {m['d_loss']:.3f}  G loss {m['g_loss']:.3f}  "
            f"D(real) {m['d_real']:.2f}  D(generated) {m['d_generated']:.2f}  | samples mean ({m['mean_x1']:.2f}, "
            f"{m['mean_x2']:.2f}) std ({m['std_x1']:.2f}, {m['std_x2']:.2f})")
