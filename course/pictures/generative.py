"""Figures for models that make data: an autoencoder's reconstructions, a GAN's generated points.

Like ``course.plots``: each helper returns a matplotlib Figure and never saves or shows it.

    fig = reconstructions(x_val[:10], model(x_val[:10]), image_shape=(8, 8))
    fig = generated_points(real, generated, discriminator=D, title="epoch 5")
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure


def reconstructions(originals, reconstructed, *, image_shape=(8, 8), title="Originals (top) and reconstructions"):
    """Two rows of grey images: the inputs, and what the autoencoder made of them.

    Args:
        originals, reconstructed: (k, height * width) arrays with values in [0, 1].

    Example:
        >>> fig = reconstructions(x_val[:10], np.asarray(model(x_val[:10])))
    """
    originals, reconstructed = np.asarray(originals), np.asarray(reconstructed)
    if originals.shape != reconstructed.shape or originals.ndim != 2:
        raise ValueError(f"originals and reconstructed must be (k, n_pixels) arrays of one shape, got "
                         f"{originals.shape} and {reconstructed.shape}")
    if originals.shape[1] != image_shape[0] * image_shape[1]:
        raise ValueError(f"each image must have {image_shape[0] * image_shape[1]} pixels for image_shape "
                         f"{image_shape}, got {originals.shape[1]}")
    k = originals.shape[0]
    fig = Figure(figsize=(1.0 * k + 0.6, 2.6), layout="constrained")
    axes = fig.subplots(2, k, squeeze=False)
    for row, images, label in ((0, originals, "input"), (1, reconstructed, "output")):
        for j in range(k):
            ax = axes[row, j]
            ax.imshow(images[j].reshape(image_shape), cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[row, 0].set_ylabel(label)
    fig.suptitle(title)
    return fig


def generated_points(real, generated, *, discriminator=None, ax=None, title="Real and generated points",
                     limits=((-2.0, 6.0), (-1.5, 3.5)), resolution=60, colorbar=True):
    """Real points and generated points on one plane, over the discriminator's P(real) if given.

    Args:
        real, generated: (n, 2) arrays.
        discriminator: optional callable (m, 2) -> (m, 1) P(real), e.g. the GAN's discriminator.
        limits: ((x1 min, x1 max), (x2 min, x2 max)), fixed so that epochs compare.
        colorbar: draw the colour scale of P(real) (leave it out on small panels).

    Example:
        >>> fig = generated_points(real, np.asarray(G(noise)), discriminator=D, title="epoch 10")
    """
    real, generated = np.asarray(real), np.asarray(generated)
    for name, points in (("real", real), ("generated", generated)):
        if points.ndim != 2 or points.shape[1] != 2:
            raise ValueError(f"{name} must have shape (n, 2), got {points.shape}")
    if ax is None:
        # A fixed layout: the GAN draws this every epoch, and constrained layout would double its cost.
        fig = Figure(figsize=(5.5, 4.2))
        fig.subplots_adjust(left=0.11, right=0.98, bottom=0.11, top=0.92)
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    (x_lo, x_hi), (y_lo, y_hi) = limits
    if discriminator is not None:
        g1, g2 = np.meshgrid(np.linspace(x_lo, x_hi, resolution), np.linspace(y_lo, y_hi, resolution))
        grid = np.column_stack([g1.ravel(), g2.ravel()]).astype(np.float32)            # (resolution**2, 2)
        p = np.asarray(discriminator(grid)).reshape(g1.shape)
        shade = ax.imshow(p, extent=(x_lo, x_hi, y_lo, y_hi), origin="lower", cmap="Greens", vmin=0, vmax=1,
                          alpha=0.5, aspect="auto", interpolation="bilinear")
        if colorbar:
            fig.colorbar(shade, ax=ax, label="discriminator: P(real)")
    ax.scatter(real[:, 0], real[:, 1], s=5, c="tab:blue", alpha=0.4, label="real")
    ax.scatter(generated[:, 0], generated[:, 1], s=5, c="tab:orange", alpha=0.6, label="generated")
    ax.set(title=title, xlabel="x1", ylabel="x2", xlim=(x_lo, x_hi), ylim=(y_lo, y_hi))
    ax.legend(loc="upper left", fontsize=8, markerscale=3)
    return fig
