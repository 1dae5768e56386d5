"""Names and layouts of what a run shows in TensorBoard: tags per variable, the text tables, the HParams
session and the Custom Scalars layout.

    histogram_tags("hidden_1/kernel")        # ("weights/hidden_1", "gradients/hidden_1/kernel")
    entry_tags("parameters", ["output/kernel"], [(2, 1)])   # ["parameters/output/kernel[0,0]", ...[1,0]]
"""
from __future__ import annotations

import numpy as np
from tensorboard.plugins.custom_scalar import layout_pb2
from tensorboard.plugins.custom_scalar import summary as custom_scalar_summary
from tensorboard.plugins.hparams import summary_v2 as hp

from course.trace.entries import index_text

# Histograms (NumPy bucketing of every variable) cost more than scalars: by default they are
# written about every HISTOGRAM_STEPS update steps, at an epoch's end (every epoch when an epoch
# has at least that many steps), and always after the last epoch. Scalars are written every step.
HISTOGRAM_STEPS = 100


def histogram_cadence(steps_per_epoch: int, histogram_steps: int = HISTOGRAM_STEPS) -> int:
    """Epochs between histograms: ceil(histogram_steps / steps_per_epoch), at least 1.

    Example:
        >>> histogram_cadence(10), histogram_cadence(282)
        (10, 1)
    """
    return max(1, -(-histogram_steps // max(1, steps_per_epoch)))


def entry_tags(prefix, names, shapes) -> list:
    """One tag per entry of every variable: ``prefix/<name>[i,j]``, in flat order."""
    return [f"{prefix}/{name}[{index_text(shape, i)}]" for name, shape in zip(names, shapes)
            for i in range(int(np.prod(shape)))]


def histogram_tags(name: str) -> tuple:
    """A variable's histogram tags: ``"hidden_1/kernel"`` -> ("weights/hidden_1", "gradients/hidden_1/kernel")."""
    layer, kind = name.rsplit("/", 1)
    family = {"kernel": "weights", "bias": "biases"}.get(kind, kind)
    return f"{family}/{layer}", f"gradients/{layer}/{kind}"


def markdown_table(rows: dict) -> str:
    """A two-column Markdown table (TensorBoard's Text tab renders it)."""
    lines = ["| setting | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in rows.items()]
    return "\n".join(lines)


def hparams_summary(hparams: dict, trial_id: str = ""):
    """The run's HParams session. Its trial is named ``trial_id``, or with "" after the TensorBoard run that holds
    it: always unique, and short where ``course tensorboard`` names the runs (``moons``, not
    ``day2_mlp/20261205-033523_moons``). No experiment summary: TensorBoard then lists the hyperparameters whose
    values differ between the runs first and takes the last value of every scalar as the run's metrics
    (``course tensorboard`` writes one, ``course.tensorboard.hparams``)."""
    values = {str(k): v if isinstance(v, (bool, int, float, str)) else str(v) for k, v in hparams.items()}
    return hp.hparams_pb(values, trial_id=trial_id)


def custom_scalars_layout(*, examples_axis: bool = False, log10_batch_loss: bool = False,
                          log10_epoch_loss: bool = False) -> layout_pb2.Layout:
    """Train and validation loss on one chart, train and validation accuracy on another; with
    ``examples_axis`` the losses against the examples seen; with ``log10_epoch_loss`` the train-and-validation
    chart shows log10 of the loss (a chart shows every run's series of its tag: one run's blow-up would flatten
    the others), with ``log10_batch_loss`` a chart of log10 of the batch loss."""
    def chart(title, tag):
        return layout_pb2.Chart(title=title, multiline=layout_pb2.MultilineChartContent(tag=[tag]))

    loss = (chart("log10 of the loss: train and validation", r"^log10/epoch_loss$") if log10_epoch_loss else
            chart("loss: train and validation", r"^epoch_loss$"))
    categories = [layout_pb2.Category(title="train vs validation, per epoch", chart=[
        loss, chart("accuracy: train and validation", r"^epoch_accuracy$")])]
    if examples_axis:
        categories.append(layout_pb2.Category(title="runs side by side: the x axis counts examples seen", chart=[
            chart("batch loss against examples seen", r"^by_examples/batch_loss$"),
            chart("epoch loss against examples seen", r"^by_examples/epoch_loss$")]))
    if log10_batch_loss:
        title = "runs side by side: log10 of the loss (a blow-up stays on the chart)"
        categories.append(layout_pb2.Category(title=title, chart=[chart("log10 of the batch loss",
                                                                        r"^log10/batch_loss$")]))
    return layout_pb2.Layout(category=categories)


def custom_scalars_summary(**options):
    """The layout as the ``Summary`` the Custom Scalars dashboard reads."""
    return custom_scalar_summary.pb(custom_scalars_layout(**options))
