"""course.pictures.planes: the 2-D pictures drawn with NumPy, checked against the Keras model itself."""
import io

import numpy as np
import pytest
from matplotlib import image as mpimg
from PIL import Image

from course.core import models
from course.core.datasets import blobs, moons
from course.core.models import variable_name
from course.core.runtime import keras
from course.pictures import planes
from course.pictures.planes import GRID, LEGEND, TILE_STRIDE, ZOOM, Plane, dense_layers

SIZE = GRID * ZOOM          # the boundary picture's side, before its legend


def _decode(data):
    return (mpimg.imread(io.BytesIO(data), format="png")[..., :3] * 255).round().astype(np.uint8)


def _setup(model, ds):
    names = [variable_name(v) for v in model.trainable_variables]
    return Plane(ds.x_val, ds.y_val), dense_layers(model, names), [v.numpy() for v in model.trainable_variables]


def test_diverging_colours_are_blue_white_red():
    colours = planes.diverging(np.array([-1.0, 0.0, 1.0, 5.0, -0.5]))
    np.testing.assert_array_equal(colours[:4], [[33, 102, 172], [247, 247, 247], [178, 24, 43], [178, 24, 43]])
    # -0.5 is level round(0.5 * 127) = 64 of 127 from white to blue: white + (blue - white) * 63/127 ... 64/127
    blue, white = np.array([33, 102, 172]), np.array([247, 247, 247])
    halfway = white + (blue - white) * np.array([[63 / 127], [64 / 127]])
    assert np.all((colours[4] >= np.floor(halfway.min(axis=0)) - 1) & (colours[4] <= np.ceil(halfway.max(axis=0)) + 1))
    np.testing.assert_array_equal(planes.diverging(np.array([np.nan, -np.inf])), [[128, 128, 128], [33, 102, 172]])


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_a_diverged_models_pictures_are_grey_without_a_warning():
    ds = moons(seed=0, n_samples=100)
    model = models.mlp(2, hidden=(3,), seed=1)
    plane, layers, weights = _setup(model, ds)
    weights = [np.full_like(w, np.inf) * np.sign(np.arange(w.size).reshape(w.shape) % 2 - 0.5) for w in weights]
    output = plane.forward(layers, weights, plane.grid)[-1]
    assert np.isnan(output).all()                                  # inf - inf: not a number, drawn grey
    picture = plane.pictures(layers, weights)["snapshots/decision_boundary"]
    with Image.open(io.BytesIO(picture)) as image:
        assert image.convert("RGB").getpixel((ZOOM * GRID // 2, ZOOM * GRID // 2)) == (128, 128, 128)


def test_numpy_forward_pass_equals_the_keras_model_on_the_grid():
    ds = moons(seed=0, n_samples=100)
    model = models.mlp(2, hidden=(5, 3), activation="tanh", seed=1)
    plane, layers, weights = _setup(model, ds)
    assert [(name, k, b, f.name) for name, k, b, f in layers] == [("hidden_1", 0, 1, "tanh"), ("hidden_2", 2, 3, "tanh"),
                                                                 ("output", 4, 5, "sigmoid")]
    outputs = plane.forward(layers, weights, plane.grid)
    assert [o.shape for o in outputs] == [(GRID ** 2, 5), (GRID ** 2, 3), (GRID ** 2, 1)]
    np.testing.assert_allclose(outputs[-1], model(plane.grid.astype(np.float32)).numpy(), atol=1e-6)
    np.testing.assert_allclose(outputs[0], np.tanh(plane.grid @ weights[0] + weights[1]), atol=1e-12)
    # the grid spans the points with a margin of 0.5, top row first
    assert plane.grid[0].tolist() == pytest.approx([ds.x_val[:, 0].min() - 0.5, ds.x_val[:, 1].max() + 0.5])
    assert plane.grid[-1].tolist() == pytest.approx([ds.x_val[:, 0].max() + 0.5, ds.x_val[:, 1].min() - 0.5])


def test_boundary_picture_colours_follow_the_models_prediction():
    ds = blobs(seed=0, n_samples=100)
    model = models.perceptron(2, seed=0)
    plane, layers, weights = _setup(model, ds)
    pictures = plane.pictures(layers, weights)
    assert set(pictures) == {"snapshots/decision_boundary"}                 # no hidden layer: no tiles
    picture = _decode(pictures["snapshots/decision_boundary"])
    assert picture.shape == (SIZE, SIZE + LEGEND, 3)                          # the legend to the right
    picture = picture[:, :SIZE]
    p = model(plane.grid.astype(np.float32)).numpy().reshape(GRID, GRID)
    # away from the points and the boundary line, red where p > 0.5, blue where p < 0.5
    for (r, c) in [(0, 0), (0, GRID - 1), (GRID - 1, 0), (GRID - 1, GRID - 1)]:
        pixel = picture[r * ZOOM, c * ZOOM].astype(int)
        if abs(p[r, c] - 0.5) > 0.05:
            assert (pixel[0] > pixel[2]) == (p[r, c] > 0.5), (r, c, p[r, c], pixel)
    # the boundary is drawn in black exactly where the predicted class changes between pixels
    side = np.repeat(np.repeat(p >= 0.5, ZOOM, 0), ZOOM, 1)
    change = np.zeros_like(side)
    change[:, 1:] |= side[:, 1:] != side[:, :-1]
    change[1:, :] |= side[1:, :] != side[:-1, :]
    black = (picture == 0).all(axis=2)
    assert change.sum() > 0 and black[change].mean() > 0.8 and not black[~change].any()


def test_points_are_drawn_where_they_are_in_their_class_colour():
    plane = Plane(np.array([[0.0, 0.0], [4.0, 4.0]]), np.array([0, 1]))   # the plane spans -0.5 .. 4.5
    image = np.full((SIZE, SIZE, 3), 100, np.uint8)
    plane._draw_points(image)
    # pixel column round((x1 + 0.5) / 5 * (SIZE - 1)), row round((4.5 - x2) / 5 * (SIZE - 1))
    near, far = round(0.5 / 5 * (SIZE - 1)), round(4.5 / 5 * (SIZE - 1))
    np.testing.assert_array_equal(image[far, near], [31, 119, 180])          # (0, 0), class 0: blue
    np.testing.assert_array_equal(image[near, far], [214, 39, 40])           # (4, 4), class 1: red
    np.testing.assert_array_equal(image[far + 2, near + 2], [31, 119, 180])  # a 5 x 5 dot ...
    np.testing.assert_array_equal(image[far + 3, near], [255, 255, 255])     # ... in a white 7 x 7 square
    np.testing.assert_array_equal(image[far + 4, near], [100, 100, 100])     # elsewhere untouched
    np.testing.assert_array_equal(image[SIZE // 2, SIZE // 2], [100, 100, 100])


def test_several_classes_colour_the_winner_paler_where_less_sure():
    rng = np.random.default_rng(0)
    model = models.softmax_classifier(2, 3, seed=4)
    x = rng.normal(size=(20, 2))
    plane = Plane(x, rng.integers(0, 3, 20))
    names = [variable_name(v) for v in model.trainable_variables]
    weights = [v.numpy() for v in model.trainable_variables]
    output = plane.forward(dense_layers(model, names), weights, plane.grid)[-1]
    np.testing.assert_allclose(output, model(plane.grid.astype(np.float32)).numpy(), atol=1e-6)
    image = plane.boundary(output)
    assert image.shape == (SIZE, SIZE + LEGEND, 3)
    image = image[:, :SIZE]
    winner = output.argmax(axis=1).reshape(GRID, GRID)
    sure = ((output.max(axis=1) - 1 / 3) / (2 / 3)).reshape(GRID, GRID)
    tab10 = np.array([[31, 119, 180], [214, 39, 40], [44, 160, 44]], float)
    expected = (247 + (tab10[winner] - 247) * (0.15 + 0.45 * sure)[..., None]).astype(np.uint8)
    expected = np.repeat(np.repeat(expected, ZOOM, 0), ZOOM, 1)
    side = np.repeat(np.repeat(winner, ZOOM, 0), ZOOM, 1)
    edge = np.zeros(side.shape, bool)
    edge[:, 1:] |= side[:, 1:] != side[:, :-1]
    edge[1:, :] |= side[1:, :] != side[:-1, :]
    size = SIZE                                               # every pixel more than 3 from a point's centre
    cols = np.rint((x[:, 0] - plane.low[0]) / (plane.high[0] - plane.low[0]) * (size - 1))
    rows = np.rint((plane.high[1] - x[:, 1]) / (plane.high[1] - plane.low[1]) * (size - 1))
    r, c = np.mgrid[:size, :size]
    near = np.zeros((size, size), bool)
    for row, col in zip(rows, cols):
        near |= (np.abs(r - row) <= 3) & (np.abs(c - col) <= 3)
    assert edge.any() and len(np.unique(winner)) > 1
    np.testing.assert_array_equal(image[edge & ~near], 0)                       # the boundaries: black
    np.testing.assert_array_equal(image[~edge & ~near], expected[~edge & ~near])


GAP, CAPTION = 4, 34          # pixels between tiles, and of the caption under them


def test_neuron_tiles_show_each_units_activation():
    ds = moons(seed=0, n_samples=100)
    model = models.mlp(2, hidden=(5,), activation="relu", seed=0)
    plane, layers, weights = _setup(model, ds)
    mosaic = _decode(plane.pictures(layers, weights)["snapshots/neurons_hidden_1"])
    tile = GRID // TILE_STRIDE
    assert mosaic.shape == (2 * (tile + GAP) + GAP + CAPTION, max(3 * (tile + GAP) + GAP, 230), 3)   # 2 rows of 3
    a = np.maximum(plane.grid @ weights[0] + weights[1], 0).reshape(GRID, GRID, 5)
    label = np.zeros((tile, tile), bool)
    label[:14, :14] = True                                               # the unit's number, top left
    for unit in range(5):
        row, col = divmod(unit, 3)
        top, left = GAP + row * (tile + GAP), GAP + col * (tile + GAP)
        tile_pixels = mosaic[top:top + tile, left:left + tile]
        unit_a = a[::TILE_STRIDE, ::TILE_STRIDE, unit]
        off = (unit_a == 0) & ~label                                     # ReLU off: white
        on = (unit_a > unit_a.max() / 100) & ~label                      # clearly on (> 0): red
        assert off.any() and on.any()
        assert (tile_pixels[off] == 247).all()
        assert (tile_pixels[on][:, 0] > tile_pixels[on][:, 2]).all()
        assert (tile_pixels[label] < 247).any()                          # its number is written there
    empty = mosaic[GAP + tile + GAP:2 * (tile + GAP), GAP + 2 * (tile + GAP):3 * (tile + GAP)]
    assert (empty == 200).all()                                          # the 6th place is empty


def test_sigmoid_units_are_white_at_one_half():
    plane = Plane(np.array([[-1.0, -1.0], [1.0, 1.0]]), np.array([0, 1]))
    middle = GAP + (GRID // TILE_STRIDE) // 2
    assert tuple(plane.neurons(np.full((GRID * GRID, 1), 0.5), "sigmoid")[middle, middle]) == (247, 247, 247)
    assert tuple(plane.neurons(np.ones((GRID * GRID, 1)), "sigmoid")[middle, middle]) == (178, 24, 43)


def test_supports_only_two_feature_dense_models_with_the_registrys_activations():
    assert planes.supports(models.mlp(2, hidden=(4,), activation="leaky_relu"))
    assert not planes.supports(models.perceptron(3))
    assert not planes.supports("not a model")
    keras_own = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(3, activation="leaky_relu"),
                                  keras.layers.Dense(1, activation="sigmoid")])
    assert not planes.supports(keras_own)               # Keras's leaky_relu (slope 0.2) is not the registry's


def test_plane_refuses_what_is_not_2_d_points():
    with pytest.raises(ValueError, match=r"x must be \(n, 2\) points and y their \(n,\) labels"):
        Plane(np.zeros((4, 3)), np.zeros(4))
    with pytest.raises(ValueError, match=r"x must be \(n, 2\) points"):
        Plane(np.zeros((4, 2)), np.zeros(3))


def test_the_legends_labels_are_as_tall_as_tensorboards_chart_labels_in_its_image_card():
    plane = Plane(np.array([[0.0, 0.0], [4.0, 4.0]]), np.array([0, 1]))
    image = plane.boundary(np.full((GRID * GRID, 1), 0.5))
    left, bottom = SIZE + 12 + 27, SIZE - 40 - 1                   # the "0" at the colour bar's foot
    dark = (image[bottom - 12:bottom + 12, left:left + 20].min(axis=2) < 128).any(axis=1)   # (24,) rows
    rows = np.flatnonzero(dark)
    assert rows[-1] - rows[0] + 1 == 14                              # a digit of the 20-px font
    # TensorBoard's Images card is 350 px wide: 14 px there are 9.2, as its charts' axis digits (9 px)
    assert (SIZE + LEGEND, 14 * 350 / (SIZE + LEGEND)) == (534, pytest.approx(9.18, abs=0.01))
