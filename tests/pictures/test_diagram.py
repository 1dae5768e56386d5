"""course.pictures.diagram: the network diagram drawn with Pillow, read back pixel by pixel against the weights
and the fixed scale it states, and its labels measured against TensorBoard's own at the size its cards show it."""
import io

import numpy as np
import pytest
from PIL import Image

from course.core import models
from course.core.models import variable_name
from course.pictures import diagram

RED, BLUE = (178, 24, 43), (33, 102, 172)


def test_supports_small_dense_models_only():
    assert diagram.supports(models.mlp(30, hidden=(32,)))
    assert not diagram.supports(models.mlp(33, hidden=(4,)))               # 33 inputs: too many to draw
    assert not diagram.supports(models.softmax_classifier(64, 10))
    assert not diagram.supports("not a model")
    with pytest.raises(ValueError, match="at most 32 units"):
        diagram.diagram_png(models.softmax_classifier(64, 10))


def test_line_style_is_a_fixed_scale_full_from_the_scale_on():
    assert diagram.SCALE == 2.0
    assert diagram.line_style(2.0) == (6, 1.0, RED) and diagram.line_style(5.0) == (6, 1.0, RED)   # full from |w| = 2
    width, alpha, rgb = diagram.line_style(-1.0)                              # half the scale: half strength
    assert (width, alpha, rgb) == (1 + round(2.5), pytest.approx(0.12 + 0.88 * 0.5), BLUE)
    assert diagram.line_style(0.0) == (1, 0.12, RED)
    assert diagram.line_style(float("inf"))[:2] == (6, 1.0)


def _pixel(image, x, y):
    return tuple(int(c) for c in image.getpixel((int(x), int(y))))


@pytest.mark.parametrize("w, colour", [(2.0, RED), (-3.0, BLUE)])
def test_a_full_strength_line_is_drawn_in_its_signs_colour(w, colour):
    image = diagram.draw([1, 1], [np.array([[w]])], [np.array([0.0])], labels=["output (1, sigmoid)"])
    (x0, x1), y = diagram.layout([1, 1], ["output (1, sigmoid)"]).x, diagram.layout([1, 1], ["output"]).y[0][0]
    assert _pixel(image, (x0 + x1) / 2, y) == colour                             # one input, one unit: one row
    assert _pixel(image, (x0 + x1) / 2, y + 3) == colour
    assert _pixel(image, (x0 + x1) / 2, y + 5) == (255, 255, 255)                # 6 pixels wide, no more


def test_a_weak_line_is_pale_and_a_units_fill_is_its_bias():
    image = diagram.draw([1, 1], [np.array([[0.2]])], [np.array([-2.0])], labels=["output"])
    drawn = diagram.layout([1, 1], ["output"])
    (x0, x1), y = drawn.x, drawn.y[0][0]
    _, alpha, _ = diagram.line_style(0.2)                                       # 0.12 + 0.88 x 0.1
    expected = tuple(round(255 + (c - 255) * alpha) for c in RED)              # red over white, that opaque
    assert _pixel(image, (x0 + x1) / 2, y) == pytest.approx(expected, abs=2)
    assert _pixel(image, x1, y) == BLUE                                          # b = -2: a full blue unit
    assert _pixel(image, x0, y) == (255, 255, 255)                              # inputs have no bias: white


def test_diagram_png_draws_the_models_weights_or_host_copies():
    model = models.mlp(2, hidden=(3,), seed=0)
    names = [variable_name(v) for v in model.trainable_variables]
    sizes, kernels, biases = diagram.weights_of(model)
    assert sizes == [2, 3, 1]
    np.testing.assert_array_equal(kernels[0], model.get_layer("hidden_1").kernel.numpy())
    copies = [v.numpy() * 2 for v in model.trainable_variables]
    _, kernels2, biases2 = diagram.weights_of(model, copies, names)
    np.testing.assert_array_equal(kernels2[1], copies[2])
    assert diagram.layer_labels(model) == ["hidden_1 (3, relu)", "output (1, sigmoid)"]
    data = diagram.diagram_png(model, feature_names=("a", "b"))
    drawn = diagram.layout(sizes, diagram.layer_labels(model), ("a", "b"))
    with Image.open(io.BytesIO(data)) as picture:
        assert picture.size == (drawn.width, drawn.height) == (366, 62 + 3 * 26)   # captions, legend; 3 rows
    expected = diagram.draw(sizes, kernels, biases, labels=diagram.layer_labels(model), feature_names=("a", "b"))
    with Image.open(io.BytesIO(data)) as picture:
        np.testing.assert_array_equal(np.asarray(picture), np.asarray(expected))
    no_bias = models.mlp(2, hidden=(3,), use_bias=False)
    assert [b.tolist() for b in diagram.weights_of(no_bias)[2]] == [[0.0, 0.0, 0.0], [0.0]]


def _line_pixels(image, x, y):
    """The pixels of column ``x`` within 5 rows of ``y`` that are not white: a line crossing there."""
    return [_pixel(image, x, row) for row in range(round(y) - 5, round(y) + 6) if _pixel(image, x, row) != (255,) * 3]


def test_a_perceptron_with_weights_of_about_1e_7_is_drawn_thin_and_pale():
    model = models.perceptron(2, seed=0)
    model.set_weights([np.array([[1e-7], [-2e-7]], np.float32), np.array([1e-7], np.float32)])
    with Image.open(io.BytesIO(diagram.diagram_png(model))) as picture:
        image = picture.convert("RGB")
    # input 0 sits at the top of its column, the one output unit half a row lower: the line's midpoint
    drawn = diagram.layout([2, 1], diagram.layer_labels(model))
    (x0, x1), y = drawn.x, (drawn.y[0][0] + drawn.y[1][0]) / 2
    middle = (x0 + x1) // 2
    faint = tuple(round(255 + (c - 255) * 0.12) for c in RED)                  # the palest a line is drawn
    (crossing,) = _line_pixels(image, middle, y)                              # the w = 1e-7 line: 1 pixel wide
    assert crossing == pytest.approx(faint, abs=3)                             # and pale
    strong = models.perceptron(2, seed=0)
    strong.set_weights([np.array([[2.0], [-2.0]], np.float32), np.array([0.0], np.float32)])
    with Image.open(io.BytesIO(diagram.diagram_png(strong))) as picture:
        thick = _line_pixels(picture.convert("RGB"), middle, y)
    assert len(thick) >= 5 and set(thick) == {RED}                             # the same line at |w| = 2: wide
    unit = _pixel(image, x1, drawn.y[1][0])                                    # the output unit, b = 1e-7
    assert unit == pytest.approx((255, 255, 255), abs=2)                      # filled white, not saturated


# TensorBoard 2.21 shows an image card's picture at most 366 x 215 CSS px in Time Series (its default dashboard)
# and 350 px wide in Images; the digits of its charts' axis labels measure 8 px (Time Series) and 9 px (Scalars)
# in a screenshot (docs/screenshots.py's Chromium at 1400 x 900).
CARD_TIME_SERIES, CARD_IMAGES, CHART_DIGITS = (366, 215), 350, 9


def _dark_rows(image, box):
    """The height of what is drawn dark (text, not the pale lines of zero weights) inside ``box``."""
    pixels = np.asarray(image.convert("L").crop(box)) < 128                  # (rows, columns)
    rows = np.flatnonzero(pixels.any(axis=1))
    return int(rows[-1] - rows[0] + 1) if len(rows) else 0


def test_labels_are_as_tall_as_tensorboards_chart_labels_at_the_cards_size():
    model = models.mlp(2, hidden=(16, 16), seed=0)                              # Day 2's moons network
    model.set_weights([np.zeros_like(w) for w in model.get_weights()])         # lines as pale as they get
    with Image.open(io.BytesIO(diagram.diagram_png(model, feature_names=("x1", "x2")))) as picture:
        image = picture.convert("RGB")
    drawn = diagram.layout([2, 16, 16, 1], diagram.layer_labels(model), ("x1", "x2"))
    assert image.size == (drawn.width, drawn.height) == (366, 238)              # 16 rows of 11 px
    x, y, r = drawn.x, drawn.y, diagram._RADIUS
    heights = {"unit 16 of hidden_1": _dark_rows(image, (x[1] + r + 2, y[1][15] - 5, x[1] + r + 22, y[1][15] + 5)),
               "input x1": _dark_rows(image, (x[0] - r - 20, y[0][0] - 5, x[0] - r - 1, y[0][0] + 5)),
               "caption hidden_1": _dark_rows(image, (x[1] - 30, drawn.top, x[1] + 30, drawn.top + 16)),
               "legend |w|: 0.1 0.5": _dark_rows(image, (0, drawn.height - 18, 120, drawn.height))}
    # digits 10 px; "hidden_1" 12 (h, d and _ reach beyond them); the legend's |w| 14
    assert heights == {"unit 16 of hidden_1": 10, "input x1": 10, "caption hidden_1": 12, "legend |w|: 0.1 0.5": 14}
    # the card shrinks the picture this much: then its digits are as tall as the charts' (Time Series: 8 px)
    time_series = min(CARD_TIME_SERIES[0] / image.width, CARD_TIME_SERIES[1] / image.height)    # 0.903
    images = CARD_IMAGES / image.width                                                          # 0.956
    assert 10 * time_series >= CHART_DIGITS and 10 * images >= CHART_DIGITS
    two_d = diagram.layout([2, 8, 1], ["hidden_1 (8, tanh)", "output (1, sigmoid)"])           # Day 2's XOR net
    assert (two_d.width, two_d.height) == (366, 214)                            # 8 rows of 19 px: shown as drawn
