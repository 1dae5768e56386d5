"""A generative adversarial network on 2-D points: two networks, two optimizers, one custom step.

The discriminator D learns to tell real points from generated ones (P(real)); the generator G
learns to turn random noise into points D takes for real. Each step updates both::

    d_loss, g_loss, p_real, p_fake = gan_step(G, D, g_optimizer, d_optimizer, real, noise)

    real = target_samples(2000, seed=0)                   # (2000, 2) from a tilted 2-D Gaussian
    history = fit(families.generator(), families.discriminator(), real, Config(epochs=30, optimizer="adam"))
    history.sample_mean[-1], history.sample_std[-1]       # compare with TARGET_MEAN, TARGET_STD
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from course.checks import check_seed
from course.core.optimizers import make_optimizer
from course.core.runtime import keras, tf
from course.engine.compiled import make_loop
from course.families.autoencoding import printed_epoch

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


@dataclass
class GANHistory:
    """Per-epoch means of the step outputs and the statistics of ``SAMPLE_COUNT`` generated points."""
    epoch: list = field(default_factory=list)
    d_loss: list = field(default_factory=list)
    g_loss: list = field(default_factory=list)
    p_real: list = field(default_factory=list)         # mean D(real): 1 = D is sure they are real
    p_fake: list = field(default_factory=list)         # mean D(generated)
    sample_mean: list = field(default_factory=list)    # (2,) arrays
    sample_std: list = field(default_factory=list)     # (2,) arrays
    sample_correlation: list = field(default_factory=list)
    sample_inside: list = field(default_factory=list)  # share inside the real 2-sigma ellipse (share_inside)
    steps: int = 0
    stopped: str = ""

    def final(self) -> dict:
        """The last epoch's numbers: sample mean, std and correlation, D(real), D(generated); NaN when
        training stopped before the end of epoch 1 (nothing was measured)."""
        nan = float("nan")
        return {"sample_mean": self.sample_mean[-1] if self.sample_mean else np.array([nan, nan]),
                "sample_std": self.sample_std[-1] if self.sample_std else np.array([nan, nan]),
                "sample_correlation": self.sample_correlation[-1] if self.sample_correlation else nan,
                "sample_inside": self.sample_inside[-1] if self.sample_inside else nan,
                "p_real": self.p_real[-1] if self.p_real else nan, "p_fake": self.p_fake[-1] if self.p_fake else nan}


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


def fit(generator, discriminator, real, config, *, logger=None, on_epoch=None, print_fn=None) -> GANHistory:
    """Train G and D against each other on ``real`` (n, 2) points, each with its own optimizer.

    Args:
        config: epochs, learning_rate (both networks), batch_size, optimizer, seed, eager.
        logger: optional ``RunLogger``: per step ``d_loss`` and ``g_loss``; per epoch ``epoch_d_loss``,
            ``epoch_g_loss``, ``epoch_d_real``, ``epoch_d_generated`` and the generated points'
            ``epoch_samples/mean_x1``, ``.../mean_x2``, ``.../std_x1``, ``.../std_x2``.
        on_epoch: optional callable(epoch, history, generated points (SAMPLE_COUNT, 2)) (figures).
        print_fn: optional print: an epoch line for about 10 of the epochs.
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

    noise_dim, n = int(generator.input_shape[-1]), len(real)
    batch_size = min(config.batch_size, n)
    # an epoch's steps in one compiled call; it stops after a step whose d_loss or g_loss is not finite
    epoch_loop = make_loop(lambda real_batch, noise: gan_step(generator, discriminator, g_optimizer, d_optimizer,
                                                             real_batch, noise, loss_fn),
                           batch_size, 4, check=2, eager=config.eager)
    rng = np.random.default_rng(config.seed)
    measure_noise = fixed_noise(generator, config.seed)
    history = GANHistory()
    tags = ["d_loss", "g_loss"]
    for epoch in range(1, config.epochs + 1):
        order = rng.permutation(n)
        noise = rng.normal(size=(n, noise_dim)).astype(np.float32)   # the draws a batch at a time would give
        rows = epoch_loop(tf.constant(real[order]), tf.constant(noise)).numpy().astype(np.float64)
        if not np.all(np.isfinite(rows[-1, :2])):     # (d_loss, g_loss, p_real, p_fake) per step
            history.stopped = (f"diverged at step {history.steps + len(rows)}: a loss is not finite; lower the "
                               "learning rate (--learning-rate), e.g. ten times smaller")
        history.steps += len(rows)
        if logger is not None:
            logger.split("train").scalars(history.steps - len(rows) + 1, rows[:, :2], tags)
        if history.stopped:
            break
        generated = np.asarray(generator(measure_noise, training=False))          # (SAMPLE_COUNT, 2)
        means = rows.mean(axis=0)
        history.epoch.append(epoch)
        for name, value in zip(("d_loss", "g_loss", "p_real", "p_fake"), means):
            getattr(history, name).append(float(value))
        history.sample_mean.append(generated.mean(axis=0))
        history.sample_std.append(generated.std(axis=0))
        history.sample_correlation.append(float(np.corrcoef(generated.T)[0, 1]))
        history.sample_inside.append(share_inside(generated))
        if logger is not None:
            logger.split("train").scalars(epoch, [[*means, *history.sample_mean[-1], *history.sample_std[-1]]],
                                          ["epoch_d_loss", "epoch_g_loss", "epoch_d_real", "epoch_d_generated",
                                           "epoch_samples/mean_x1", "epoch_samples/mean_x2", "epoch_samples/std_x1",
                                           "epoch_samples/std_x2"])
        if print_fn is not None and printed_epoch(epoch, config.epochs):
            m, sd = history.sample_mean[-1], history.sample_std[-1]
            print_fn(f"epoch {epoch:>{len(str(config.epochs))}}/{config.epochs}  D loss {history.d_loss[-1]:.3f}  "
                     f"G loss {history.g_loss[-1]:.3f}  D(real) {history.p_real[-1]:.2f}  D(generated) "
                     f"{history.p_fake[-1]:.2f}  | samples mean ({m[0]:.2f}, {m[1]:.2f}) std ({sd[0]:.2f}, {sd[1]:.2f})")
        if on_epoch is not None:
            on_epoch(epoch, history, generated)
    return history
