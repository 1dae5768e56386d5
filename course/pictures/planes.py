"""Pictures of a 2-D model over the plane, drawn with NumPy, in the spirit of TensorFlow Playground.

For a model of Dense layers on 2 input features, a ``Plane`` draws what the model says over a grid
of the plane: the decision boundary (red = class 1, blue = class 0, paler = less sure, black = the
0.5 boundary) with the points on top, and one tile per hidden unit (its activation: red > 0, blue
< 0, white = 0). A forward pass over GRID x GRID points, a colour table and a PNG: about a
millisecond a frame, no matplotlib and no TensorFlow call.

    plane = Plane(ds.x_val, ds.y_val)
    layers = dense_layers(model, names)                 # (name, kernel index, bias index, activation)
    pngs = plane.pictures(layers, [v.numpy() for v in model.trainable_variables])
"""
from __future__ import annotations

import math

import numpy as np
from threadpoolctl import ThreadpoolController

from PIL import Image, ImageDraw, ImageFont

from course.core.models import for_keras
from course.pictures.png import encode as png

GRID = 96           # the model runs on GRID x GRID points of the plane
ZOOM = 4            # each grid point is ZOOM x ZOOM pixels: a 384 x 384 boundary picture, then its legend
TILE_STRIDE = 2     # a hidden unit's tile uses every 2nd grid point: 48 x 48 pixels, numbered as the diagram's units
MAX_UNITS = 64      # hidden layers wider than this get no neuron tiles
LEGEND = 150        # pixels of legend to the right of the boundary picture
LEGEND_FONT = 20    # its labels: digits 14 px, 9 px in TensorBoard's image card (350 px wide), as its charts' labels

_BLUE, _WHITE, _RED = np.array([33, 102, 172.0]), np.array([247, 247, 247.0]), np.array([178, 24, 43.0])
_TAB10 = np.array([[31, 119, 180], [214, 39, 40], [44, 160, 44], [255, 127, 14], [148, 103, 189],
                   [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207]], float)
_POINT = {0: _TAB10[0], 1: _TAB10[1]}   # binary points as in plots.decision_boundary: blue 0, red 1


def _table():
    t = np.linspace(-1, 1, 255)[:, None]                    # 255 levels: index 127 is exactly 0
    levels = np.where(t < 0, _WHITE + (_BLUE - _WHITE) * -t, _WHITE + (_RED - _WHITE) * t)
    return np.vstack([levels, [[128, 128, 128]]]).astype(np.uint8)    # index 255: grey, for NaN


_DIVERGING = _table()


def diverging(values) -> np.ndarray:
    """Colours for values in [-1, 1]: blue at -1, white at 0, red at 1, grey where a value is NaN (a diverged
    model). (...,) -> (..., 3) uint8."""
    t = np.clip(np.asarray(values, dtype=np.float64), -1.0, 1.0)
    index = np.rint((np.nan_to_num(t, nan=0.0) + 1) * 127).astype(np.intp)
    return _DIVERGING[np.where(np.isnan(t), 255, index)]


def supports(model) -> bool:
    """True for a model of Dense layers on 2 features whose activations are the registry's
    (``course.reference.activations``: its NumPy f draws the picture)."""
    try:
        if int(model.input_shape[-1]) != 2:
            return False
        return all(type(layer).__name__ == "Dense" and for_keras(layer.activation) is not None
                   for layer in model.layers)
    except (AttributeError, ValueError, TypeError):
        return False


def dense_layers(model, names) -> list:
    """Each Dense layer as (name, index of its kernel in ``names``, index of its bias or None, NumPy f)."""
    layers = []
    for layer in model.layers:
        kernel = names.index(f"{layer.name}/kernel")
        bias = names.index(f"{layer.name}/bias") if f"{layer.name}/bias" in names else None
        layers.append((layer.name, kernel, bias, for_keras(layer.activation)))
    return layers


_BLAS = []   # one ThreadpoolController per process (finding the BLAS libraries takes milliseconds)


def _one_blas_thread():
    """Right after a compiled epoch TensorFlow's threads still spin on both cores; a multi-threaded
    BLAS matmul then waits for them (8 ms instead of 0.2 ms for (9216, 16) @ (16, 16) here)."""
    if not _BLAS:
        _BLAS.append(ThreadpoolController())
    return _BLAS[0].limit(limits=1, user_api="blas")


def _zoom(image):
    """Each pixel as a ZOOM x ZOOM block (the first two axes)."""
    return np.repeat(np.repeat(image, ZOOM, axis=0), ZOOM, axis=1)


class Plane:
    """The grid over the plane around the points ``x`` (n, 2), with labels ``y`` (n,), and its pictures."""

    def __init__(self, x, y, class_names=None):
        x, y = np.asarray(x, np.float64), np.asarray(y)
        if x.ndim != 2 or x.shape[1] != 2 or y.shape != (len(x),):
            raise ValueError(f"x must be (n, 2) points and y their (n,) labels, got {x.shape} and {y.shape}")
        self.x, self.y = x, y
        k = max(2, int(y.max(initial=0)) + 1)
        self.class_names = list(class_names) if class_names is not None else [str(c) for c in range(k)]
        low, high = x.min(axis=0) - 0.5, x.max(axis=0) + 0.5            # the same margin as plots.decision_boundary
        self.low, self.high = low, high
        g1, g2 = np.meshgrid(np.linspace(low[0], high[0], GRID), np.linspace(high[1], low[1], GRID))   # row 0 = top
        self.grid = np.column_stack([g1.ravel(), g2.ravel()])            # (GRID**2, 2)
        self._points = None

    def forward(self, layers, variables, points) -> list:
        """Every layer's activations at ``points``: [(n, units) per layer], NumPy float64."""
        with _one_blas_thread(), np.errstate(all="ignore"):    # a diverged model's inf weights: NaN, drawn grey
            outputs, a = [], points
            for _, kernel, bias, activation in layers:
                z = a @ np.asarray(variables[kernel], np.float64)          # (n, in) @ (in, units) -> (n, units)
                if bias is not None:
                    z = z + np.asarray(variables[bias], np.float64)
                a = activation.f(z)
                outputs.append(a)
            return outputs

    def boundary(self, output) -> np.ndarray:
        """The decision-boundary picture (GRID * ZOOM, GRID * ZOOM, 3) from the output layer's (GRID**2, k) values."""
        if output.shape[1] == 1:
            p = output[:, 0].reshape(GRID, GRID)
            image = diverging((2 * p - 1) * 0.6)                              # pale: the points must stand out
            side = p >= 0.5
        else:
            winner = output.argmax(axis=1)
            sure = (output.max(axis=1) - 1 / output.shape[1]) / (1 - 1 / output.shape[1])   # 0 .. 1
            colour = _WHITE + (_TAB10[winner % 10] - _WHITE) * (0.15 + 0.45 * sure)[:, None]
            image, side = colour.reshape(GRID, GRID, 3).astype(np.uint8), winner.reshape(GRID, GRID)
        image, side = _zoom(image), _zoom(side)
        edge = np.zeros(side.shape, bool)
        edge[:, 1:] |= side[:, 1:] != side[:, :-1]
        edge[1:, :] |= side[1:, :] != side[:-1, :]
        image[edge] = 0
        self._draw_points(image)
        return self._legend(image, binary=output.shape[1] == 1)

    def _legend(self, image, binary) -> np.ndarray:
        """The picture with its colour legend to the right."""
        size = image.shape[0]
        out = Image.new("RGB", (size + LEGEND, size), (255, 255, 255))
        out.paste(Image.fromarray(image), (0, 0))
        draw, font = ImageDraw.Draw(out), ImageFont.load_default(size=LEGEND_FONT)
        left = size + 12
        if binary:
            top, bottom = 44, size - 40
            p = np.linspace(1.0, 0.0, bottom - top)                      # p = 1 at the top
            bar = np.repeat(diverging((2 * p - 1) * 0.6)[:, None, :], 18, axis=1)
            out.paste(Image.fromarray(bar), (left, top))
            name = self.class_names[1] if len(self.class_names) > 1 else "1"
            draw.text((left, 8), f"P(class {name[:10]})", fill=(0, 0, 0), font=font)
            for value, y in ((1.0, top), (0.5, (top + bottom) // 2), (0.0, bottom - 1)):
                draw.line([(left + 18, y), (left + 24, y)], fill=(0, 0, 0))
                draw.text((left + 27, y), f"{value:g}", fill=(0, 0, 0), font=font, anchor="lm")
            draw.text((left + 27, (top + bottom) // 2 + 12), "boundary", fill=(0, 0, 0), font=font, anchor="la")
        else:
            draw.text((left, 8), "class", fill=(0, 0, 0), font=font)
            for c, name in enumerate(self.class_names[:12]):
                y = 34 + 24 * c
                draw.rectangle([left, y, left + 16, y + 16], fill=tuple(int(v) for v in _TAB10[c % 10]))
                draw.text((left + 22, y + 8), name[:10], fill=(0, 0, 0), font=font, anchor="lm")
            draw.text((left, 40 + 24 * min(len(self.class_names), 12)), "paler:\nless sure", fill=(60, 60, 60),
                      font=font)
        return np.asarray(out)

    def _draw_points(self, image):
        if self._points is None:       # the points never move: their pixels are worked out once
            size = image.shape[0]
            cols = np.rint((self.x[:, 0] - self.low[0]) / (self.high[0] - self.low[0]) * (size - 1)).astype(int)
            rows = np.rint((self.high[1] - self.x[:, 1]) / (self.high[1] - self.low[1]) * (size - 1)).astype(int)

            def square(half):          # flat pixel indices of a (2 * half + 1)-wide square around each point
                d = np.arange(-half, half + 1)
                r = np.clip(rows[:, None, None] + d[None, :, None], 0, size - 1)
                c = np.clip(cols[:, None, None] + d[None, None, :], 0, size - 1)
                return (r * size + c).reshape(len(rows), -1)

            binary = int(self.y.max(initial=0)) <= 1
            colours = np.array([_POINT[int(c)] if binary else _TAB10[int(c) % 10] for c in self.y], np.uint8)
            inner = square(2)
            self._points = (square(3).ravel(), inner.ravel(), np.repeat(colours, inner.shape[1], axis=0))
        outline, inner, colours = self._points
        flat = image.reshape(-1, 3)
        flat[outline] = 255            # a 7 x 7 white square, then a 5 x 5 coloured one inside
        flat[inner] = colours

    def neurons(self, activations, activation: str) -> np.ndarray:
        """One tile per unit of a hidden layer's (GRID**2, units) activations, in a near-square mosaic."""
        units = activations.shape[1]
        a = activations.reshape(GRID, GRID, units)[::TILE_STRIDE, ::TILE_STRIDE]   # (tile, tile, units)
        if activation == "sigmoid":
            scaled = 2 * a - 1                            # sigmoid's 0.5 is its "off": white
        elif activation == "tanh":
            scaled = a
        else:                                             # unbounded: each unit on its own scale
            peak = np.abs(a).max(axis=(0, 1))
            scaled = a / np.where(peak > 0, peak, 1.0)
        tiles = diverging(scaled)                         # (tile, tile, units, 3)
        tile, gap = tiles.shape[0], 4
        cols = math.ceil(math.sqrt(units))
        rows = math.ceil(units / cols)
        width = max(cols * (tile + gap) + gap, 230)
        mosaic = np.full((rows * (tile + gap) + gap + 34, width, 3), 200, np.uint8)
        for u in range(units):
            r, c = divmod(u, cols)
            top, left = gap + r * (tile + gap), gap + c * (tile + gap)
            mosaic[top:top + tile, left:left + tile] = tiles[:, :, u]
        out = Image.fromarray(mosaic)
        draw, font = ImageDraw.Draw(out), ImageFont.load_default(size=11)
        for u in range(units):                            # the unit's number, as in the network diagram
            r, c = divmod(u, cols)
            draw.text((gap + c * (tile + gap) + 2, gap + r * (tile + gap) + 1), str(u + 1), fill=(0, 0, 0), font=font)
        scale = {"sigmoid": "white = 0.5, off", "tanh": "white = 0, off"}.get(activation, "white = 0; own scale each")
        draw.text((4, mosaic.shape[0] - 30), f"tile k: unit k of the network diagram\nred > 0, blue < 0 ({scale})",
                  fill=(0, 0, 0), font=font)
        return np.asarray(out)

    def pictures(self, layers, variables) -> dict:
        """{tag: PNG bytes} for the given weights: the boundary and each hidden layer's units."""
        outputs = self.forward(layers, variables, self.grid)
        images = {"snapshots/decision_boundary": png(self.boundary(outputs[-1]))}
        for (name, _, _, activation), a in zip(layers[:-1], outputs[:-1]):
            if a.shape[1] <= MAX_UNITS:
                images[f"snapshots/neurons_{name}"] = png(self.neurons(a, activation.name))
        return images
