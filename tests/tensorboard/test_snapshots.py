"""The per-epoch pictures of 2-D models and the network diagram, checked against the model itself."""
import io

import numpy as np
import pytest
from conftest import read_events
from matplotlib import image as mpimg

from course import data, diagram, models, png, records, snapshots, tblog, training
from course.config import Config
from course.experiment import every_step_limits, train_and_log
from course.models import variable_name


def _decode(png):
    return (mpimg.imread(io.BytesIO(png), format="png")[..., :3] * 255).round().astype(np.uint8)


class _Images:
    """Stands in for a RunLogger: keeps what would be logged."""

    def __init__(self):
        self.logged = []

    def log_images(self, step, images, descriptions=None):
        self.logged.append((step, images, descriptions))


def _snapshots(model, ds, **kwargs):
    shots = snapshots.Snapshots(_Images(), ds.x_val, ds.y_val, **kwargs)
    names = [variable_name(v) for v in model.trainable_variables]
    shots.on_train_begin(model, Config(epochs=5), names, [v.numpy() for v in model.trainable_variables])
    return shots


def test_png_encoder_round_trips_through_matplotlib():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, size=(7, 5, 3), dtype=np.uint8)
    assert png.encode(image)[:8] == b"\x89PNG\r\n\x1a\n"
    np.testing.assert_array_equal(_decode(png.encode(image)), image)
    with pytest.raises(ValueError, match=r"shape \(height, width, 3\)"):
        png.encode(np.zeros((4, 4)))
    assert png.size(png.encode(image)) == (5, 7)
    with pytest.raises(ValueError, match="bytes of a PNG file"):
        png.size(b"GIF89a")


def test_diverging_colours_are_blue_white_red():
    colours = snapshots.diverging(np.array([-1.0, 0.0, 1.0, 5.0]))
    np.testing.assert_array_equal(colours, [[33, 102, 172], [247, 247, 247], [178, 24, 43], [178, 24, 43]])


def test_numpy_forward_pass_equals_the_keras_model_on_the_grid():
    ds = data.moons(seed=0, n_samples=100)
    model = models.mlp(2, hidden=(5, 3), activation="tanh", seed=1)
    shots = _snapshots(model, ds)
    weights = [v.numpy() for v in model.trainable_variables]
    outputs = shots.forward(weights, shots.grid)
    assert [o.shape for o in outputs] == [(snapshots.GRID ** 2, 5), (snapshots.GRID ** 2, 3),
                                          (snapshots.GRID ** 2, 1)]
    np.testing.assert_allclose(outputs[-1], model(shots.grid.astype(np.float32)).numpy(), atol=1e-6)
    first = np.tanh(shots.grid @ weights[0] + weights[1])
    np.testing.assert_allclose(outputs[0], first, atol=1e-12)


def test_boundary_picture_colours_follow_the_models_prediction():
    ds = data.blobs(seed=0, n_samples=100)
    model = models.perceptron(2, seed=0)
    shots = _snapshots(model, ds)
    step, images, descriptions = shots.logger.logged[0]          # written by on_train_begin: step 0
    assert step == 0 and set(images) == {"snapshots/decision_boundary"} and descriptions
    picture = _decode(images["snapshots/decision_boundary"][0])
    assert picture.shape == (snapshots.GRID * snapshots.ZOOM,) * 2 + (3,)
    p = model(shots.grid.astype(np.float32)).numpy().reshape(snapshots.GRID, snapshots.GRID)
    # away from the points and the boundary line, red where p > 0.5, blue where p < 0.5
    for (r, c) in [(0, 0), (0, snapshots.GRID - 1), (snapshots.GRID - 1, 0), (snapshots.GRID - 1, snapshots.GRID - 1)]:
        pixel = picture[r * snapshots.ZOOM, c * snapshots.ZOOM].astype(int)
        if abs(p[r, c] - 0.5) > 0.05:
            assert (pixel[0] > pixel[2]) == (p[r, c] > 0.5), (r, c, p[r, c], pixel)
    # the boundary is drawn in black exactly where the predicted class changes between pixels
    side = np.repeat(np.repeat(p >= 0.5, snapshots.ZOOM, 0), snapshots.ZOOM, 1)
    change = np.zeros_like(side)
    change[:, 1:] |= side[:, 1:] != side[:, :-1]
    change[1:, :] |= side[1:, :] != side[:-1, :]
    black = (picture == 0).all(axis=2)
    assert change.sum() > 0 and black[change].mean() > 0.8 and not black[~change].any()


def test_neuron_tiles_show_each_units_activation():
    ds = data.moons(seed=0, n_samples=100)
    model = models.mlp(2, hidden=(5,), activation="relu", seed=0)
    shots = _snapshots(model, ds)
    weights = [v.numpy() for v in model.trainable_variables]
    mosaic = _decode(shots.pictures(weights)["snapshots/neurons_hidden_1"])
    tile = snapshots.GRID // snapshots.TILE_STRIDE
    assert mosaic.shape == (2 * (tile + 2) + 2, 3 * (tile + 2) + 2, 3)     # 5 units: 2 rows of 3 tiles
    a = np.maximum(shots.grid @ weights[0] + weights[1], 0).reshape(snapshots.GRID, snapshots.GRID, 5)
    for unit in range(5):
        row, col = divmod(unit, 3)
        top, left = 2 + row * (tile + 2), 2 + col * (tile + 2)
        tile_pixels = mosaic[top:top + tile, left:left + tile]
        unit_a = a[::snapshots.TILE_STRIDE, ::snapshots.TILE_STRIDE, unit]
        off = unit_a == 0                                                   # ReLU off: white
        on = unit_a > unit_a.max() / 100                                    # clearly on (> 0): red
        assert off.any() and on.any()
        assert (tile_pixels[off] == 247).all()
        assert (tile_pixels[on][:, 0] > tile_pixels[on][:, 2]).all()
    assert (mosaic[2 + tile + 2:, 2 + 2 * (tile + 2):] == 200).all()        # the 6th place is empty


def test_picture_epochs_are_log_spaced_with_the_first_and_last():
    assert sorted(snapshots.picture_epochs(50)) == [1, 2, 3, 4, 7, 12, 19, 31, 50]
    assert sorted(snapshots.picture_epochs(50, 12)) == [1, 2, 3, 4, 5, 7, 10, 14, 19, 26, 36, 50]
    assert all(len(snapshots.picture_epochs(e)) == snapshots.FRAMES for e in range(9, 400))
    assert sorted(snapshots.picture_epochs(5)) == [1, 2, 3, 4, 5]
    assert len(snapshots.picture_epochs(3000)) == snapshots.FRAMES


def test_supports_only_two_feature_dense_models():
    assert snapshots.supports(models.mlp(2, hidden=(4,)))
    assert not snapshots.supports(models.perceptron(3))
    assert diagram.supports(models.mlp(30, hidden=(32,)))
    assert not diagram.supports(models.softmax_classifier(64, 10))
    with pytest.raises(ValueError, match="at most 32 units"):
        diagram.network_diagram(models.softmax_classifier(64, 10))


def test_network_diagram_line_widths_follow_abs_w_and_colours_its_sign():
    model = models.mlp(2, hidden=(3,), seed=0)
    fig = diagram.network_diagram(model)
    (lines,) = fig.axes[0].collections[:1]
    kernels = [layer.kernel.numpy() for layer in model.layers]
    w = np.concatenate([k.ravel() for k in kernels])                  # the order the lines are drawn in
    assert len(lines.get_segments()) == w.size == 2 * 3 + 3 * 1
    widths = lines.get_linewidths()
    np.testing.assert_allclose(widths, 0.3 + 4.0 * np.abs(w) / np.abs(w).max())
    red = lines.get_colors()[:, 0] > lines.get_colors()[:, 2]
    np.testing.assert_array_equal(red, w >= 0)


def test_every_step_mode_logs_a_picture_and_histograms_after_each_update(tmp_path):
    ds = data.blobs(seed=0, n_samples=100)                # 80 train / 40 = 2 steps an epoch
    config = Config(epochs=3, batch_size=40, logdir=str(tmp_path), quiet=True, log_every_step=True)
    recorder = records.Recorder()
    result = train_and_log(models.perceptron(2, seed=0), ds, config, lesson="t", name="every", observers=[recorder])
    train = read_events(result.run_dir / "train")
    assert [s for s, _ in train["snapshots/decision_boundary"]] == list(range(0, 7))
    assert [s for s, _ in train["weights/output"]] == list(range(0, 7))
    assert [s for s, _ in train["gradients/output/kernel"]] == list(range(1, 7))
    # each step's histogram and picture are of the weights after that very step (the recorder's path)
    shots = _snapshots(models.perceptron(2, seed=0), ds)
    for (step, buckets), (_, picture), params in zip(train["weights/output"], train["snapshots/decision_boundary"],
                                                     recorder.path()):
        kernel, bias = params[:2].reshape(2, 1), params[2:]
        assert (buckets[0, 0], buckets[-1, 1]) == (kernel.min(), kernel.max()) and buckets[:, 2].sum() == 2
        assert picture[2] == shots.pictures([kernel, bias])["snapshots/decision_boundary"], step
    # the same training as the default cadence: the logging mode does not change the numbers
    default = train_and_log(models.perceptron(2, seed=0), ds, config.replace(log_every_step=False),
                            lesson="t", name="default")
    assert default.history.loss == result.history.loss
    assert [s for s, _ in read_events(default.run_dir / "train")["snapshots/decision_boundary"]] == [0, 2, 4, 6]


def test_every_step_mode_falls_back_for_large_runs_and_says_why(tmp_path):
    ds = data.digits(seed=0)
    model = models.softmax_classifier(64, 10, hidden=(16,))
    config = Config(epochs=1, logdir=str(tmp_path), quiet=True, log_every_step=True)
    assert "1,210 parameters" in every_step_limits(model, ds, config)
    out = []
    result = train_and_log(model, ds, config, lesson="t", name="digits", print_fn=out.append)
    assert out[0].startswith("Note: --log-every-step is for tiny runs") and "logs at the default cadence" in out[0]
    text = read_events(result.run_dir / "train")["run/hyperparameters"][0][1].item().decode()
    assert "| log_every_step | False |" in text


def test_logger_rejects_bad_trace_steps(tmp_path):
    with pytest.raises(ValueError, match="trace_steps must be a non-negative integer"):
        tblog.RunLogger(tmp_path / "r", trace_steps=-1)
    assert not (tmp_path / "r").exists()


def test_graph_of_the_compiled_step_reaches_observers_that_ask(tmp_path):
    class Graphs(training.Observer):
        wants_graph = True

        def __init__(self):
            self.graphs = []

        def on_graph(self, graph):
            self.graphs.append(graph)

    ds = data.blobs(seed=0, n_samples=100)
    compiled, eager = Graphs(), Graphs()
    training.fit(models.perceptron(2), ds, Config(epochs=1, batch_size=40), observers=[compiled])
    training.fit(models.perceptron(2), ds, Config(epochs=1, batch_size=40, eager=True), observers=[eager])
    assert eager.graphs == []                                       # eager steps have no graph
    (graph,) = compiled.graphs
    ops = {op.type for op in graph.get_operations()}
    assert {"MatMul", "Sigmoid", "AssignSubVariableOp"} <= ops     # forward pass and w <- w - lr * g
