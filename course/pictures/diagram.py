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
from typing import NamedTuple

import numpy as np
from PIL import Image, ImageDraw, ImageFont

MAX_UNITS = 32
SCALE = 2.0                      # |w| (or |b|) drawn at full width and strength
_RED, _BLUE = np.array([178, 24, 43]), np.array([33, 102, 172])
# Drawn for TensorBoard's image cards, which show a picture at most 366 x 215 CSS pixels (Time Series, without
# smoothing) or 350 pixels wide (Images): at about its own size, so the labels are as tall as the charts' own
# (the digits of a chart's axis: 8 px in Time Series, 9 px in Scalars; here 10 px, ``FONT``).
WIDTH, HEIGHT = 366, 215
FONT, _LINE = 14, 16             # the labels' font size (digits 10 px tall) and their line height
ROWS = (11, 26)                  # a unit's row: as tall as fills HEIGHT, within these (16 units: 238 px in all)
_RADIUS, _PAD, _GAP = 5, 3, 4    # a unit's circle; margins


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
def _font(size=FONT):
    return ImageFont.load_default(size=size)


class Layout(NamedTuple):
    x: list              # each layer's column
    y: list              # each unit's centre, per layer
    width: int
    height: int
    names: list          # the inputs' labels
    captions: list       # (name, the rest) of each layer
    top: int             # where the captions start: below the title, if any


def layout(sizes, labels, feature_names=None, title="") -> Layout:
    """Where everything goes: the columns spread over ``WIDTH`` (wider only when the captions need it), the units
    a row each below captions of two lines (``"hidden_1 (16, relu)"``: the name, then the rest; rows as tall as
    fill ``HEIGHT``, within ``ROWS``), the legend below; ``title``, if any, on a line above."""
    font = _font()
    names = [str(name)[:12] for name in (feature_names or [f"x{i + 1}" for i in range(sizes[0])])]
    captions = [label.split(" (", 1) for label in [f"inputs ({sizes[0]})", *labels]]
    captions = [(c[0], f"({c[1]}") if len(c) > 1 else (c[0], "") for c in captions]
    half = [max(font.getlength(line) for line in caption) / 2 for caption in captions]
    numbers = font.getlength(str(max(sizes[1:]))) + _RADIUS + 2
    first = max(_PAD + max(font.getlength(name) for name in names) + 3 + _RADIUS, _PAD + half[0])
    right = max(numbers, half[-1]) + _PAD
    need = max((half[l] + half[l + 1] + 8 for l in range(len(sizes) - 1)), default=0)
    column = max(need, (WIDTH - first - right) / max(len(sizes) - 1, 1))
    x = [round(first + column * l) for l in range(len(sizes))]
    around = _PAD + 2 * _LINE + _GAP + _GAP + _LINE + _PAD          # captions above, legend below
    row = min(max((HEIGHT - around) // max(sizes), ROWS[0]), ROWS[1])
    top = _PAD + (_LINE if title else 0)
    first_row = top + 2 * _LINE + _GAP + row / 2                    # the first row's centre
    y = [[first_row + row * (i + (max(sizes) - n) / 2) for i in range(n)] for n in sizes]
    return Layout(x, y, max(WIDTH, round(x[-1] + right)), top - _PAD + around + row * max(sizes), names, captions,
                  top)


def _legend(lines, text, height):
    """The fixed scale, on the bottom line: ``|w|:`` and a red line at 0.1, 0.5, 1 and 2 (full from there on),
    then a blue one for w < 0 (``text`` gets the words to write over them)."""
    font, y, x = _font(), height - _PAD - _LINE / 2, _PAD
    text.append(((x, y), "|w|:"))
    x += font.getlength("|w|:") + 6
    for w, label in ((0.1, "0.1"), (0.5, "0.5"), (1.0, "1"), (SCALE, f"{SCALE:g}+"), (-SCALE, "w < 0")):
        width, alpha, rgb = line_style(w)
        lines.line([(x, y), (x + 16, y)], fill=(*rgb, round(255 * alpha)), width=width)
        text.append(((x + 19, y), label))
        x += 19 + font.getlength(label) + 9


def draw(sizes, kernels, biases, *, labels, feature_names=None, title="") -> Image.Image:
    """The diagram of a Dense stack: ``sizes`` units per layer (inputs first), ``kernels[l]`` (in, out),
    ``biases[l]`` (out,), ``labels`` one caption per layer after the inputs, where ``layout`` puts them."""
    x, y, width, height, names, captions, top = layout(sizes, labels, feature_names, title)
    image = Image.new("RGBA", (width, height), "white")
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    lines, words = ImageDraw.Draw(overlay), []
    for l, kernel in enumerate(kernels):                  # kernel: (units in, units out)
        for i in range(kernel.shape[0]):
            for j in range(kernel.shape[1]):
                w, alpha, rgb = line_style(kernel[i, j])
                lines.line([(x[l], y[l][i]), (x[l + 1], y[l + 1][j])], fill=(*rgb, round(255 * alpha)), width=w)
    _legend(lines, words, height)
    image = Image.alpha_composite(image, overlay)
    text, font = ImageDraw.Draw(image), _font()
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
            halo = {"font": font, "fill": (40, 40, 40), "stroke_width": 2, "stroke_fill": "white"}
            if l == 0:
                text.text((x[l] - _RADIUS - 3, y[l][i]), names[i], anchor="rm", **halo)
            elif l < len(sizes) - 1 or n > 1:          # hidden units: the numbers of their tiles
                text.text((x[l] + _RADIUS + 2, y[l][i]), str(i + 1), anchor="lm", **halo)
    for l, (name, rest) in enumerate(captions):
        text.text((x[l], top), name, fill=(20, 20, 20), font=font, anchor="ma")
        text.text((x[l], top + _LINE), rest, fill=(20, 20, 20), font=font, anchor="ma")
    for where, word in words:
        text.text(where, word, fill=(40, 40, 40), font=font, anchor="lm")
    if title:
        text.text((_PAD, _PAD), title, fill=(0, 0, 0), font=font)
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


def diagram_png(model, *, feature_names=None, variables=None, names=None, title="") -> bytes:
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
