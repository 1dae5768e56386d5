import numpy as np
import pytest
from matplotlib.figure import Figure

from course import plots
from course.training import History


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
    out = plots.decision_boundary(_linear, np.zeros((3, 2)) + [[0, 1]], np.array([0, 1, 0]), ax=ax)
    assert out is fig


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
