"""How big the gradient is at each layer: the measurement that shows vanishing gradients.

Backpropagation multiplies by each layer's activation derivative on the way down; sigmoid's is
at most 0.25, so in a deep sigmoid network the gradient of the first layers shrinks by roughly
a factor of 4 or more per layer. ReLU's derivative is 1 where a unit is on, so it does not.

    norms = layer_gradient_norms(model, ds.x_train, ds.y_train)   # {"hidden_1": 3e-5, ...}
    log_layer_norms(run_dir, norms)       # gradient_norm/hidden_1, ..., and gradient_norm_by_depth
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from course.models import variable_name
from course.runtime import tf
from course.training import labels_for, loss_for


def layer_gradient_norms(model, x, y) -> dict:
    """The Euclidean norm of dL/dW for each layer's kernel, the loss being the model's own
    (binary or sparse categorical cross-entropy) over all of ``x``.

    Args:
        x: (n, n_features) inputs; y: (n,) integer labels.

    Returns:
        {layer name: float} in layer order.

    Example:
        >>> layer_gradient_norms(models.mlp(2, hidden=(4,)), x, y)    # {"hidden_1": ..., "output": ...}
    """
    x = tf.constant(np.asarray(x, dtype=np.float32))           # (n, n_features)
    y = labels_for(model, y)
    kernels = [v for v in model.trainable_variables if variable_name(v).endswith("/kernel")]
    with tf.GradientTape() as tape:
        loss = loss_for(model)(y, model(x, training=False))
    grads = tape.gradient(loss, kernels)
    return {variable_name(v).rsplit("/", 1)[0]: float(tf.norm(g)) for v, g in zip(kernels, grads)}


def log_layer_norms(run_dir, norms: dict, step: int = 0, prefix: str = "gradient_norm") -> list:
    """Write the norms into ``run_dir/train`` as TensorBoard scalars; returns the tags written.

    ``prefix/<layer>`` holds each layer's value at ``step``; ``prefix_by_depth`` holds them all
    as one curve whose x axis is the layer's depth (1 = the first hidden layer), so the runs of
    several networks overlay in one chart (set its y axis to log scale).

    Args:
        norms: {layer: value} in layer order, e.g. from ``layer_gradient_norms``.

    Example:
        >>> log_layer_norms(run_dir, layer_gradient_norms(model, x, y))
    """
    if not Path(run_dir).is_dir():
        raise ValueError(f"run_dir {str(run_dir)!r} is not a directory")
    writer = tf.summary.create_file_writer(str(Path(run_dir) / "train"))
    try:
        with writer.as_default():
            for depth, (layer, value) in enumerate(norms.items(), start=1):
                tf.summary.scalar(f"{prefix}/{layer}", float(value), step=int(step))
                tf.summary.scalar(f"{prefix}_by_depth", float(value), step=depth)
    finally:
        writer.close()
    return sorted([f"{prefix}/{layer}" for layer in norms] + [f"{prefix}_by_depth"])
