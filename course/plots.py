"""Public face of the matplotlib figures (``course.pictures.plots``, ``course.pictures.charts``): each takes
``ax=None`` and returns the figure; none saves or shows it.

    fig = plots.decision_boundary(model, ds.x_val, ds.y_val, title="MLP on moons")
"""
from course.pictures.charts import confusion_matrix, layer_norms, optimizer_paths
from course.pictures.plots import activation_curves, class_probability, decision_boundary, neuron_response, \
    training_curves

__all__ = ["decision_boundary", "training_curves", "class_probability", "neuron_response", "activation_curves",
           "layer_norms", "confusion_matrix", "optimizer_paths"]
