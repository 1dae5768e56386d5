"""A small network drawn as a diagram: units as nodes, weights as lines.

A line's width follows |w| and its colour the sign of w (red > 0, blue < 0), so the weights that
matter stand out; a unit's fill shows its bias the same way. Drawn at the end of training for
models of Dense layers with at most ``MAX_UNITS`` units per layer (inputs included).

    fig = network_diagram(model, feature_names=("x1", "x2"))
"""
from __future__ import annotations

import numpy as np

MAX_UNITS = 32
_RED, _BLUE = np.array([178, 24, 43]) / 255, np.array([33, 102, 172]) / 255


def supports(model) -> bool:
    """True for a model of Dense layers whose inputs and layers have at most ``MAX_UNITS`` units each."""
    try:
        return (int(model.input_shape[-1]) <= MAX_UNITS and len(model.layers) > 0
                and all(type(layer).__name__ == "Dense" and layer.units <= MAX_UNITS for layer in model.layers))
    except (AttributeError, TypeError):
        return False


def _colours(values, scale):
    """RGBA per value: red for > 0, blue for < 0, more opaque for larger |value| / scale."""
    values = np.asarray(values, np.float64).ravel()
    strength = np.clip(np.abs(values) / scale, 0, 1) if scale > 0 else np.zeros_like(values)
    rgb = np.where(values[:, None] >= 0, _RED, _BLUE)
    return np.column_stack([rgb, 0.25 + 0.75 * strength])


def network_diagram(model, *, ax=None, title="Network: line width = |w|, red w > 0, blue w < 0",
                    feature_names=None):
    """Draw a Dense model's units and weights.

    Args:
        model: a Keras model of Dense layers (``course.models``), at most ``MAX_UNITS`` units a layer.
        feature_names: labels of the input units (default x1, x2, ...).

    Returns:
        the matplotlib Figure.

    Example:
        >>> fig = network_diagram(models.mlp(2, hidden=(4,)))
    """
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    if not supports(model):
        raise ValueError(f"network_diagram draws models of Dense layers with at most {MAX_UNITS} units "
                         f"per layer (inputs included)")
    sizes = [int(model.input_shape[-1])] + [layer.units for layer in model.layers]
    if ax is None:
        fig = Figure(figsize=(1.8 + 1.9 * len(sizes), 1.2 + 0.22 * max(sizes)), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    spacing = 1.0
    heights = [(np.arange(n) - (n - 1) / 2) * -spacing for n in sizes]     # unit 0 at the top
    kernels = [np.asarray(layer.kernel.numpy(), np.float64) for layer in model.layers]
    biases = [np.asarray(layer.bias.numpy(), np.float64) if layer.use_bias else np.zeros(layer.units)
              for layer in model.layers]
    w_max = max(float(np.abs(k).max()) for k in kernels)
    segments, widths, weights = [], [], []
    for l, kernel in enumerate(kernels):                       # kernel: (units in, units out)
        for i in range(kernel.shape[0]):
            for j in range(kernel.shape[1]):
                segments.append([(l, heights[l][i]), (l + 1, heights[l + 1][j])])
                weights.append(kernel[i, j])
    weights = np.array(weights)
    widths = 0.3 + 4.0 * np.abs(weights) / w_max if w_max > 0 else np.full(len(weights), 0.3)
    ax.add_collection(LineCollection(segments, linewidths=widths, colors=_colours(weights, w_max), zorder=1))
    b_max = max(float(np.abs(b).max()) for b in biases)
    for l, n in enumerate(sizes):
        fill = [(1, 1, 1, 1)] * n if l == 0 else _colours(biases[l - 1], b_max)
        ax.scatter(np.full(n, l), heights[l], s=260, c=fill, edgecolors="black", linewidths=0.8, zorder=2)
    names = list(feature_names or [f"x{i + 1}" for i in range(sizes[0])])
    for i, name in enumerate(names[:sizes[0]]):
        ax.annotate(str(name), (0, heights[0][i]), xytext=(-14, 0), textcoords="offset points",
                    ha="right", va="center", fontsize=8)
    labels = [f"inputs\n({sizes[0]})"] + [f"{layer.name}\n({layer.units}, {layer.activation.__name__})"
                                          for layer in model.layers]
    low = min(h.min() for h in heights) - 0.9 * spacing
    for l, label in enumerate(labels):
        ax.text(l, low, label, ha="center", va="top", fontsize=8)
    ax.set(title=title, xlim=(-0.9, len(sizes) - 0.4), ylim=(low - 1.2 * spacing, -low + 0.4))
    ax.title.set_fontsize(9)
    ax.text(len(sizes) - 0.45, -low + 0.3, f"largest |w| = {w_max:.3g}\nunit fill: bias", ha="right", va="top",
            fontsize=7, color="0.3")
    ax.axis("off")
    return fig
