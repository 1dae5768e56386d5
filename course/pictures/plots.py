"""Matplotlib figures of what a model learned. Each helper takes ``ax=None`` and returns the figure;
nothing here saves a file or calls ``show()`` (lessons save PNGs into their run directory). More
charts (per-layer bars, confusion matrices, optimizer paths) are in ``course.pictures.charts``.

    fig = decision_boundary(model, ds.x_val, ds.y_val, title="MLP on moons")
    fig.savefig("boundary.png")
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure


def axes_of(ax, size=(5.5, 4.5)):
    """(figure, axes): those of ``ax``, or a new figure of ``size`` inches with one axes."""
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.add_subplot()


def class_probability(predict, points):
    """P(class 1) for a binary model, or the winning class for a softmax model, as a (n,) array."""
    out = np.asarray(predict(points.astype(np.float32)))
    if out.ndim == 2 and out.shape[1] > 1:
        return np.argmax(out, axis=1).astype(np.float64)
    return out.reshape(-1).astype(np.float64)


def decision_boundary(predict, x, y, *, ax=None, title="Decision boundary", resolution=200,
                      class_names=None, feature_names=("x1", "x2")):
    """Shade what ``predict`` says over the plane and scatter the 2-D points on top.

    Args:
        predict: a callable (n, 2) -> (n, 1) probabilities or (n, k) class scores; a Keras model works.
        x: (n, 2) points; y: (n,) integer labels.

    Example:
        >>> fig = decision_boundary(model, ds.x_val, ds.y_val, title="perceptron on blobs")
    """
    if not callable(predict):
        raise TypeError(f"predict must be a callable such as a Keras model, got {type(predict).__name__}")
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"x must have shape (n, 2) for a decision-boundary plot, got {x.shape}")
    if y.shape != (x.shape[0],):
        raise ValueError(f"y must have shape ({x.shape[0]},), got {y.shape}")
    fig, ax = axes_of(ax)
    pad = 0.5
    x1 = np.linspace(x[:, 0].min() - pad, x[:, 0].max() + pad, resolution)
    x2 = np.linspace(x[:, 1].min() - pad, x[:, 1].max() + pad, resolution)
    g1, g2 = np.meshgrid(x1, x2)
    grid = np.column_stack([g1.ravel(), g2.ravel()])           # (resolution**2, 2)
    p = class_probability(predict, grid).reshape(g1.shape)
    binary = int(y.max()) <= 1
    if binary:
        shade = ax.contourf(g1, g2, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
        ax.contour(g1, g2, p, levels=[0.5], colors="black", linewidths=1.5)
        fig.colorbar(shade, ax=ax, label="P(class 1)")
    else:
        ax.contourf(g1, g2, p, levels=np.arange(int(y.max()) + 2) - 0.5, cmap="tab10", alpha=0.35)
    names = class_names or [str(c) for c in range(int(y.max()) + 1)]
    cmap = ["tab:blue", "tab:red"] if binary else [f"C{i}" for i in range(10)]
    for c in np.unique(y):
        pts = x[y == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=18 if len(x) > 50 else 80, c=cmap[int(c) % len(cmap)], edgecolors="white",
                   linewidths=0.5, label=f"class {names[int(c)]}")
    ax.set(title=title, xlabel=f"{feature_names[0]} (standardised)", ylabel=f"{feature_names[1]} (standardised)",
           xlim=(x1[0], x1[-1]), ylim=(x2[0], x2[-1]))
    ax.legend(loc="upper right", fontsize=8, framealpha=0.8)
    return fig


def training_curves(history, *, axes=None, title="Training curves"):
    """Loss and accuracy per epoch, training and validation side by side.

    Args:
        history: a ``training.History``.
        axes: optional pair of matplotlib axes (loss, accuracy); a new figure when None.

    Example:
        >>> fig = training_curves(fit(model, ds, config))
    """
    for field in ("epoch", "loss", "accuracy", "val_loss", "val_accuracy"):
        if not hasattr(history, field):
            raise TypeError(f"history must be a training.History (with .{field}), got {type(history).__name__}")
    if axes is None:
        fig = Figure(figsize=(10, 4))       # a fixed layout: drawn once a run, constrained layout would double its cost
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.84, wspace=0.22)
        ax_loss, ax_acc = fig.subplots(1, 2)
    else:
        ax_loss, ax_acc = axes
        fig = ax_loss.figure
    for ax, train, val, label in ((ax_loss, history.loss, history.val_loss, "loss"),
                                  (ax_acc, history.accuracy, history.val_accuracy, "accuracy")):
        ax.plot(history.epoch, train, label="train", marker="." if len(train) < 30 else None)
        ax.plot(history.epoch, val, label="validation", marker="." if len(val) < 30 else None)
        ax.set(xlabel="epoch", ylabel=label, title=f"{label} per epoch")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    return fig


def neuron_response(fn, params, *, x=None, ax=None, title="f(w*x + b)", name="f"):
    """One neuron's output ``fn(w * x + b)`` against its input x, one curve per (w, b).

    The unit switches on where w*x + b = 0, at x = -b/w: the bias moves that point (b > 0
    earlier, b < 0 later for w > 0), the weight sets how sharply it switches.

    Args:
        fn: elementwise activation, (n,) -> (n,), e.g. ``activations.FUNCTIONS["relu"]``.
        params: (w, b) pairs, one curve each.
        x: (n,) inputs to draw over; -6..6 when None.

    Example:
        >>> fig = neuron_response(activations.FUNCTIONS["sigmoid"], [(1, -2), (1, 0), (1, 2)])
    """
    if not callable(fn):
        raise TypeError(f"fn must be a callable activation, got {type(fn).__name__}")
    params = [(float(w), float(b)) for w, b in params]
    if not params:
        raise ValueError("params must hold at least one (w, b) pair")
    x = np.linspace(-6, 6, 241) if x is None else np.asarray(x, dtype=np.float64)
    fig, ax = axes_of(ax)
    for w, b in params:
        ax.plot(x, np.asarray(fn(w * x + b)), label=f"w={w:g}, b={b:g}")
    ax.axvline(0, color="grey", lw=0.5)
    ax.axhline(0, color="grey", lw=0.5)
    ax.set(title=title, xlabel="input x", ylabel=f"{name}(w*x + b)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def activation_curves(curves, *, axes=None, title="Activation functions and their derivatives"):
    """A grid of small plots, one per activation: f(z) and its derivative f'(z).

    Args:
        curves: {name: (z (n,), f(z) (n,), f'(z) (n,))}.
        axes: optional flat sequence of at least len(curves) matplotlib axes; a new figure when None.

    Example:
        >>> z = np.linspace(-5, 5, 201)
        >>> fig = activation_curves({"tanh": (z, np.tanh(z), 1 - np.tanh(z) ** 2)})
    """
    if not curves:
        raise ValueError("curves must hold at least one activation")
    if axes is None:
        cols = min(4, len(curves))
        rows = -(-len(curves) // cols)
        fig = Figure(figsize=(3.2 * cols, 2.8 * rows), layout="constrained")
        axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
        for ax in axes[len(curves):]:
            ax.set_visible(False)
    else:
        axes = list(axes)
        if len(axes) < len(curves):
            raise ValueError(f"axes must hold at least {len(curves)} axes, got {len(axes)}")
        fig = axes[0].figure
    for ax, (name, (z, f, df)) in zip(axes, curves.items()):
        ax.plot(z, f, label=f"{name}(z)")
        ax.plot(z, df, "--", label="derivative")
        ax.axhline(0, color="grey", lw=0.5)
        ax.axvline(0, color="grey", lw=0.5)
        ax.set(title=name, xlabel="z")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(title)
    return fig
