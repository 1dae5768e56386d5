"""Public face of the matplotlib figures (``course.pictures.plots``, ``course.pictures.charts``,
``course.pictures.generative``): each returns the figure (most take ``ax=None``); none saves or shows it.

    fig = plots.decision_boundary(model, ds.x_val, ds.y_val, title="MLP on moons")
"""
from course.pictures.charts import confusion_matrix, layer_norms, optimizer_paths
from course.pictures.generative import generated_points, reconstructions
from course.pictures.plots import activation_curves, class_probability, decision_boundary, neuron_response, \
    training_curves

__all__ = ["decision_boundary", "training_curves", "class_probability", "neuron_response", "activation_curves",
           "layer_norms", "confusion_matrix", "optimizer_paths", "reconstructions", "generated_points"]
