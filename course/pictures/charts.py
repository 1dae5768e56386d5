"""Charts for the lessons' comparisons: bars per layer, a confusion matrix, optimizer paths on a loss surface.

Like ``course.pictures.plots``: each helper takes ``ax=None`` and returns the figure; nothing here saves
a file or calls ``show()``.

    fig = confusion_matrix(numpy_ref.confusion_matrix(y_val, predicted, 3), class_names=ds.class_names)
"""
from __future__ import annotations

import numpy as np

from course.pictures.plots import axes_of


def layer_norms(norms, *, ax=None, title="Gradient norm per layer", ylabel="|dL/dW|"):
    """Bars of one number per layer for several models side by side, on a log scale.

    Args:
        norms: {model label: {layer name: value}}, the same layer names in every model.

    Example:
        >>> fig = layer_norms({"sigmoid": {"hidden_1": 1e-4, "output": 0.1}})
    """
    if not norms:
        raise ValueError("norms must hold at least one model")
    fig, ax = axes_of(ax, size=(7, 4))
    layers = list(next(iter(norms.values())))
    width = 0.8 / len(norms)
    for k, (label, values) in enumerate(norms.items()):
        ax.bar(np.arange(len(layers)) + k * width, [values[name] for name in layers], width, label=label)
    ax.set_xticks(np.arange(len(layers)) + width * (len(norms) - 1) / 2, layers, rotation=45, fontsize=8)
    ax.set(yscale="log", title=title, ylabel=ylabel)
    ax.grid(alpha=0.3, axis="y")
    ax.legend()
    return fig


def confusion_matrix(counts, *, class_names=None, ax=None, title="Confusion matrix"):
    """A confusion matrix as a heat map with the count written in every cell.

    Args:
        counts: (k, k) integers, counts[i, j] = examples of true class i predicted as class j
            (``numpy_ref.confusion_matrix``).
        class_names: k labels for the axes (default 0..k-1).

    Example:
        >>> fig = confusion_matrix(numpy_ref.confusion_matrix(y_val, predicted, 3), class_names=ds.class_names)
    """
    counts = np.asarray(counts)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or counts.shape[0] == 0:
        raise ValueError(f"counts must be a square (k, k) matrix, got shape {counts.shape}")
    k = counts.shape[0]
    names = [str(c) for c in (class_names if class_names is not None else range(k))]
    if len(names) != k:
        raise ValueError(f"class_names must hold {k} names, got {len(names)}")
    fig, ax = axes_of(ax, size=(4.5 + 0.25 * k, 4 + 0.25 * k))
    image = ax.imshow(counts, cmap="Blues")
    fig.colorbar(image, ax=ax, label="examples")
    threshold = counts.max() / 2 if counts.size else 0
    for i in range(k):
        for j in range(k):
            ax.text(j, i, str(int(counts[i, j])), ha="center", va="center", fontsize=8 if k > 6 else 10,
                    color="white" if counts[i, j] > threshold else "black")
    ax.set(xticks=range(k), yticks=range(k), xlabel="predicted class", ylabel="true class", title=title)
    ax.set_xticklabels(names, rotation=45 if max(len(n) for n in names) > 3 else 0, ha="right" if
                       max(len(n) for n in names) > 3 else "center")
    ax.set_yticklabels(names)
    return fig


def optimizer_paths(w_grid, b_grid, losses, paths: dict, *, ax=None, title="Optimizer paths on the loss surface",
                    labels=("w", "b")):
    """Contours of a 2-parameter loss surface with each optimizer's path of (w, b) drawn over it.

    Args:
        w_grid, b_grid, losses: (G1, G2) arrays, e.g. ``np.meshgrid`` and ``optimizers.logistic_loss_surface``.
        paths: name -> (steps + 1, 2) array of (w, b), the starting point first.

    Example:
        >>> fig = optimizer_paths(W, B, L, {"sgd": recorder.path()})
    """
    w_grid, b_grid, losses = np.asarray(w_grid), np.asarray(b_grid), np.asarray(losses)
    if not w_grid.shape == b_grid.shape == losses.shape or w_grid.ndim != 2:
        raise ValueError(f"w_grid, b_grid and losses must be 2-D arrays of one shape, got "
                         f"{w_grid.shape}, {b_grid.shape} and {losses.shape}")
    fig, ax = axes_of(ax, size=(6.5, 5.5))
    levels = np.quantile(losses, np.linspace(0, 1, 25) ** 2)     # denser levels near the minimum
    shade = ax.contourf(w_grid, b_grid, losses, levels=np.unique(levels), cmap="viridis_r", alpha=0.8)
    fig.colorbar(shade, ax=ax, label="training loss")
    for k, (name, path) in enumerate(paths.items()):
        path = np.asarray(path)
        if path.ndim != 2 or path.shape[1] != 2:
            raise ValueError(f"paths[{name!r}] must have shape (steps + 1, 2), got {path.shape}")
        ax.plot(path[:, 0], path[:, 1], marker=".", markersize=3, linewidth=1.5, color=f"C{k}", label=name)
        ax.plot(path[-1, 0], path[-1, 1], marker="o", markersize=7, color=f"C{k}", markeredgecolor="white")
    first = np.asarray(next(iter(paths.values())))[0] if paths else None
    if first is not None:
        ax.plot(*first, marker="*", markersize=14, color="black", label="start")
    ax.set(title=title, xlabel=labels[0], ylabel=labels[1],
           xlim=(w_grid.min(), w_grid.max()), ylim=(b_grid.min(), b_grid.max()))
    ax.legend(loc="lower right", fontsize=8, framealpha=0.8)
    return fig
