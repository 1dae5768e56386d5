"""A small network drawn as a diagram: units as numbered nodes, weights as lines, on a scale stated in the picture.

A line's width and strength follow |w| on a fixed scale (full from |w| = ``SCALE`` on), its colour the sign
of w (red > 0, blue < 0), so tiny weights look tiny and a run's pictures compare from one epoch to the
next; a unit's fill shows its bias the same way. Hidden units carry the numbers of their tiles in the
``snapshots/neurons_*`` pictures. Drawn with Pillow: a few milliseconds, so a run logs it at the same
epochs as its decision-boundary pictures.

    png = diagram_png(model, feature_names=("x1", "x2"))
"""
from __future__ import annotations

import functools
import io

import numpy as np
from PIL import Image, ImageDraw, ImageFont

MAX_UNITS = 32
SCALE = 2.0                      # |w| (or |b|) drawn at full width and strength
_RED, _BLUE = np.array([178, 24, 43]), np.array([33, 102, 172])
_LEFT, _TOP, _COLUMN, _ROW, _RADIUS = 90, 66, 190, 26, 9


def supports(model) -> bool:
    """True for a model of Dense layers whose inputs and layers have at most ``MAX_UNITS`` units each."""
    try:
        return (int(model.input_shape[-1]) <= MAX_UNITS and len(model.layers) > 0
                and all(type(layer).__name__ == "Dense" and layer.units <= MAX_UNITS for layer in model.layers))
    except (AttributeError, TypeError):
        return False


def line_style(w: float) -> tuple:
    """(width in pixels, opacity 0..1, RGB) of the line of weight ``w``: on the fixed scale ``SCALE``."""
    strength = min(abs(float(w)) / SCALE, 1.0) if np.isfinite(w) else 1.0
    return 1 + round(5 * strength), 0.12 + 0.88 * strength, tuple(int(c) for c in (_RED if w >= 0 else _BLUE))


@functools.lru_cache(maxsize=None)
def _font(size):
    return ImageFont.load_default(size=size)


def draw(sizes, kernels, biases, *, labels, feature_names=None, title="") -> Image.Image:
    """The diagram of a Dense stack: ``sizes`` units per layer (inputs first), ``kernels[l]`` (in, out),
    ``biases[l]`` (out,), ``labels`` one caption per layer after the inputs."""
    height = _TOP + _ROW * max(sizes) + 70
    width = max(_LEFT + _COLUMN * (len(sizes) - 1) + 150, 500)
    image = Image.new("RGBA", (width, height), "white")
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    lines, text = ImageDraw.Draw(overlay), ImageDraw.Draw(image)
    x = [_LEFT + _COLUMN * l for l in range(len(sizes))]
    y = [[_TOP + _ROW * (i + (max(sizes) - n) / 2) for i in range(n)] for n in sizes]
    for l, kernel in enumerate(kernels):                  # kernel: (units in, units out)
        for i in range(kernel.shape[0]):
            for j in range(kernel.shape[1]):
                w, alpha, rgb = line_style(kernel[i, j])
                lines.line([(x[l], y[l][i]), (x[l + 1], y[l + 1][j])], fill=(*rgb, round(255 * alpha)), width=w)
    scale = (0.1, 0.5, 1.0, SCALE)
    for k, w in enumerate(scale):                         # the scale itself, drawn below the network
        width_, alpha, rgb = line_style(w)
        lines.line([(10 + 120 * k, height - 18), (50 + 120 * k, height - 18)], fill=(*rgb, round(255 * alpha)),
                   width=width_)
    image = Image.alpha_composite(image, overlay)
    text = ImageDraw.Draw(image)
    small, caption = _font(11), _font(12)
    names = list(feature_names or [f"x{i + 1}" for i in range(sizes[0])])
    for l, n in enumerate(sizes):
        for i in range(n):
            if l == 0:
                fill = (255, 255, 255)
            else:
                b = biases[l - 1][i]
                strength = min(abs(float(b)) / SCALE, 1.0) if np.isfinite(b) else 1.0
                fill = tuple(round(255 - strength * (255 - c)) for c in line_style(b)[2])   # white: b = 0
            box = [x[l] - _RADIUS, y[l][i] - _RADIUS, x[l] + _RADIUS, y[l][i] + _RADIUS]
            text.ellipse(box, fill=fill, outline=(0, 0, 0), width=1)
            if l == 0:
                text.text((x[l] - _RADIUS - 4, y[l][i]), str(names[i])[:12], fill=(60, 60, 60), font=small, anchor="rm")
            elif l < len(sizes) - 1 or n > 1:          # hidden units: the numbers of their tiles
                text.text((x[l] + _RADIUS + 3, y[l][i]), str(i + 1), fill=(60, 60, 60), font=small, anchor="lm")
    bottom = _TOP + _ROW * max(sizes)
    for l, label in enumerate([f"inputs ({sizes[0]})", *labels]):
        text.text((x[l], bottom + 4), label, fill=(40, 40, 40), font=caption, anchor="ma")
    text.text((10, 8), title, fill=(0, 0, 0), font=_font(13))
    text.text((10, 26), f"line width and strength: |w| on a fixed scale, full from |w| = {SCALE:g}",
              fill=(70, 70, 70), font=small)
    text.text((10, 39), "red w > 0, blue w < 0; a unit's fill: its bias, on the same scale", fill=(70, 70, 70),
              font=small)
    for k, w in enumerate(scale):
        text.text((56 + 120 * k, height - 18), f"|w| = {w:g}", fill=(60, 60, 60), font=small, anchor="lm")
    return image.convert("RGB")


def weights_of(model, variables=None, names=None):
    """(sizes, kernels, biases) of a Dense model, from its variables or from host copies ``variables``."""
    sizes = [int(model.input_shape[-1])] + [layer.units for layer in model.layers]
    if variables is None:
        kernels = [np.asarray(layer.kernel.numpy(), np.float64) for layer in model.layers]
        biases = [np.asarray(layer.bias.numpy(), np.float64) if layer.use_bias else np.zeros(layer.units)
                  for layer in model.layers]
        return sizes, kernels, biases
    index = {name: k for k, name in enumerate(names)}
    kernels = [np.asarray(variables[index[f"{layer.name}/kernel"]], np.float64) for layer in model.layers]
    biases = [np.asarray(variables[index[f"{layer.name}/bias"]], np.float64) if f"{layer.name}/bias" in index
              else np.zeros(layer.units) for layer in model.layers]
    return sizes, kernels, biases


def layer_labels(model) -> list:
    return [f"{layer.name} ({layer.units}, {layer.activation.__name__})" for layer in model.layers]


def diagram_png(model, *, feature_names=None, variables=None, names=None, title="The network") -> bytes:
    """PNG bytes of the model's diagram (its current weights, or the host copies ``variables``/``names``).

    Example:
        >>> png = diagram_png(models.mlp(2, hidden=(4,)))
    """
    if not supports(model):
        raise ValueError(f"the diagram draws models of Dense layers with at most {MAX_UNITS} units per layer "
                         "(inputs included)")
    sizes, kernels, biases = weights_of(model, variables, names)
    out = io.BytesIO()
    draw(sizes, kernels, biases, labels=layer_labels(model), feature_names=feature_names,
         title=title).save(out, format="PNG", compress_level=1)
    return out.getvalue()
