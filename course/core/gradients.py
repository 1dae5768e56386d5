"""How big the gradient is at each layer: the measurement that shows vanishing gradients.

Backpropagation multiplies by each layer's activation derivative on the way down; sigmoid's is
at most 0.25, so in a deep sigmoid network the gradient of the first layers shrinks by roughly
a factor of 4 or more per layer. ReLU's derivative is 1 where a unit is on, so it does not.

    norms = layer_gradient_norms(model, ds.x_train, ds.y_train)   # {"hidden_1": 3e-5, ...}

(``RunLogger.log_layer_norms`` writes them to TensorBoard.)
"""
from __future__ import annotations

import numpy as np

from course.core.models import variable_name
from course.core.runtime import tf
from course.core.step import labels_for, loss_for


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
