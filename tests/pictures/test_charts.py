"""course.pictures.charts: bars per layer, the confusion matrix and optimizer paths, read back from the artists."""
import numpy as np
import pytest

from course.pictures import charts


def test_layer_norms_draw_one_bar_per_layer_and_model_on_a_log_scale():
    norms = {"sigmoid": {"hidden_1": 1e-4, "hidden_2": 1e-3, "output": 0.1},
             "relu": {"hidden_1": 0.2, "hidden_2": 0.3, "output": 0.4}}
    fig = charts.layer_norms(norms)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    heights = [[bar.get_height() for bar in container] for container in ax.containers]
    assert heights == [[1e-4, 1e-3, 0.1], [0.2, 0.3, 0.4]]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["hidden_1", "hidden_2", "output"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["sigmoid", "relu"]
    with pytest.raises(ValueError, match="norms must hold at least one model"):
        charts.layer_norms({})


def test_confusion_matrix_plot_writes_every_count():
    counts = np.array([[5, 1, 0], [2, 7, 0], [0, 0, 9]])
    fig = charts.confusion_matrix(counts, class_names=["a", "b", "c"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == [str(v) for v in counts.ravel()]
    np.testing.assert_array_equal(ax.images[0].get_array(), counts)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    # counts above half the largest are written in white on the dark cells
    assert [t.get_color() for t in ax.texts][4] == "white" and [t.get_color() for t in ax.texts][1] == "black"
    with pytest.raises(ValueError, match="square"):
        charts.confusion_matrix(np.ones((2, 3)))
    with pytest.raises(ValueError, match="class_names must hold 3 names"):
        charts.confusion_matrix(counts, class_names=["a"])


def test_optimizer_paths_plot():
    W, B = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-1, 1, 4))
    fig = charts.optimizer_paths(W, B, W ** 2 + B ** 2, {"sgd": np.array([[1.0, 1.0], [0.5, 0.5]]),
                                                         "adam": np.array([[1.0, 1.0], [0.0, 0.25]])})
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.lines[0].get_xydata(), [[1.0, 1.0], [0.5, 0.5]])
    np.testing.assert_array_equal(ax.lines[1].get_xydata(), [[0.5, 0.5]])           # where sgd ends
    np.testing.assert_array_equal(ax.lines[2].get_xydata(), [[1.0, 1.0], [0.0, 0.25]])
    np.testing.assert_array_equal(ax.lines[-1].get_xydata(), [[1.0, 1.0]])          # the start
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["sgd", "adam", "start"]
    assert ax.get_xlim() == (-1.0, 1.0) and ax.get_ylim() == (-1.0, 1.0)
    with pytest.raises(ValueError, match=r"\(steps \+ 1, 2\)"):
        charts.optimizer_paths(W, B, W, {"bad": np.zeros((3, 3))})
    with pytest.raises(ValueError, match="2-D arrays of one shape"):
        charts.optimizer_paths(W, B[:2], W, {})
