"""course.pictures.plots: the matplotlib figures, read back from the artists they draw."""
import numpy as np
import pytest
from matplotlib.figure import Figure

from course.engine.records import History
from course.pictures import plots
from course.reference.activations import FUNCTIONS


def _linear(points):
    return 1 / (1 + np.exp(-(points[:, :1] - points[:, 1:])))    # P(class 1) = sigmoid(x1 - x2)


def test_decision_boundary_shades_the_predicted_probability():
    x = np.array([[1.0, -1.0], [-1.0, 1.0], [2.0, 0.0], [0.0, 2.0]])
    y = np.array([1, 0, 1, 0])
    fig = plots.decision_boundary(_linear, x, y, title="a line", class_names=("no", "yes"))
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_title() == "a line"
    assert ax.get_xlabel() == "x1 (standardised)" and ax.get_ylabel() == "x2 (standardised)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class no", "class yes"]
    assert fig.axes[1].get_ylabel() == "P(class 1)"       # the colour bar


def test_decision_boundary_draws_on_a_given_axes():
    fig = Figure()
    ax = fig.add_subplot()
    x = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 3.0]])
    out = plots.decision_boundary(_linear, x, np.array([0, 1, 0]), ax=ax)
    assert out is fig and fig.axes[0] is ax
    # the points scattered on it, one collection per class: class 0 then class 1
    scatters = [c for c in ax.collections if c.get_offsets().shape[1:] == (2,) and len(c.get_offsets()) <= 3]
    np.testing.assert_array_equal(scatters[-2].get_offsets(), x[[0, 2]])
    np.testing.assert_array_equal(scatters[-1].get_offsets(), x[[1]])
    assert ax.get_xlim() == pytest.approx((-0.5, 2.5)) and ax.get_ylim() == pytest.approx((-0.5, 3.5))


def test_class_probability_for_binary_and_softmax_outputs():
    pts = np.array([[0.0, 0.0], [3.0, 0.0]])
    np.testing.assert_allclose(plots.class_probability(_linear, pts), [0.5, 1 / (1 + np.exp(-3))])
    softmax = lambda p: np.array([[0.1, 0.7, 0.2], [0.6, 0.3, 0.1]])
    np.testing.assert_array_equal(plots.class_probability(softmax, pts), [1, 0])


def test_decision_boundary_rejects_non_2d_data():
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        plots.decision_boundary(_linear, np.zeros((4, 3)), np.zeros(4, int))
    with pytest.raises(ValueError, match=r"y must have shape \(4,\)"):
        plots.decision_boundary(_linear, np.zeros((4, 2)), np.zeros(3, int))


def test_training_curves_plot_train_and_validation():
    h = History(epoch=[1, 2, 3], loss=[0.9, 0.5, 0.3], accuracy=[0.5, 0.7, 0.9],
                val_loss=[1.0, 0.6, 0.4], val_accuracy=[0.4, 0.6, 0.8])
    fig = plots.training_curves(h, title="curves")
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_title() == "loss per epoch" and acc_ax.get_ylabel() == "accuracy"
    assert [line.get_label() for line in loss_ax.get_lines()] == ["train", "validation"]
    np.testing.assert_array_equal(acc_ax.get_lines()[1].get_ydata(), [0.4, 0.6, 0.8])
    assert fig._suptitle.get_text() == "curves"


def test_training_curves_rejects_what_is_not_a_history():
    with pytest.raises(TypeError, match="history must be a training.History"):
        plots.training_curves({"loss": [1.0]})


def test_training_curves_draw_on_given_axes():
    fig = Figure()
    axes = fig.subplots(1, 2)
    h = History(epoch=[1], loss=[0.5], accuracy=[0.5], val_loss=[0.6], val_accuracy=[0.4])
    assert plots.training_curves(h, axes=axes) is fig
    assert axes[1].get_lines()[0].get_ydata().tolist() == [0.5]


def test_decision_boundary_needs_a_callable():
    with pytest.raises(TypeError, match="predict must be a callable"):
        plots.decision_boundary("model", np.zeros((3, 2)), np.zeros(3, int))


def test_axes_of_makes_a_figure_or_uses_the_given_axes():
    fig, ax = plots.axes_of(None, size=(3, 2))
    assert isinstance(fig, Figure) and list(fig.get_size_inches()) == [3, 2] and ax.figure is fig
    other = Figure().add_subplot()
    assert plots.axes_of(other) == (other.figure, other)


def test_neuron_response_plot_draws_f_of_wx_plus_b():
    fig = plots.neuron_response(FUNCTIONS["relu"], [(1.0, 2.0), (1.0, -2.0)])
    lines = fig.axes[0].get_lines()
    x, y = lines[0].get_data()
    np.testing.assert_array_equal(x, np.linspace(-6, 6, 241))
    np.testing.assert_allclose(y, np.maximum(x + 2.0, 0))
    np.testing.assert_allclose(lines[1].get_data()[1], np.maximum(x - 2.0, 0))
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["w=1, b=2", "w=1, b=-2"]
    with pytest.raises(ValueError, match="params must hold at least one"):
        plots.neuron_response(FUNCTIONS["relu"], [])
    with pytest.raises(TypeError, match="fn must be a callable"):
        plots.neuron_response("relu", [(1, 0)])


def test_activation_curves_plot_f_and_derivative():
    z = np.linspace(-5, 5, 101)
    fig = plots.activation_curves({"tanh": (z, np.tanh(z), 1 - np.tanh(z) ** 2),
                                   "relu": (z, np.maximum(z, 0), (z > 0) * 1.0)})
    first = fig.axes[0].get_lines()
    np.testing.assert_allclose(first[0].get_data()[1], np.tanh(z))
    np.testing.assert_allclose(first[1].get_data()[1], 1 - np.tanh(z) ** 2)
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == ["tanh", "relu"]
    five = plots.activation_curves({str(k): (z, z, z) for k in range(5)})         # 4 a row: 2 rows, 3 hidden
    assert len(five.axes) == 8 and sum(ax.get_visible() for ax in five.axes) == 5
    with pytest.raises(ValueError, match="curves must hold at least one"):
        plots.activation_curves({})
    with pytest.raises(ValueError, match="axes must hold at least 2 axes, got 1"):
        plots.activation_curves({"a": (z, z, z), "b": (z, z, z)}, axes=[Figure().add_subplot()])
