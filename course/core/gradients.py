"""A model's gradients, measured: backpropagation checked against finite differences, and their size per layer.

The gradient check. ``tape.gradient`` (backpropagation) gives dL/dw exactly, in one backward pass. A
centered finite difference, (L(w + eps) - L(w - eps)) / (2 eps), estimates the same number from two
extra forward passes per parameter: slow, but it knows nothing about the chain rule, so it is an
independent witness. In float64 the two agree to about 1e-8 (relative) or better; a wrong derivative
gives errors near 1. Everything here works on a float64 copy of the model, so the model you pass is
never changed.

    errors = gradient_check(model, x, y)       # {"hidden_1/kernel": 3.1e-10, ...}
    assert max(errors.values()) < 1e-6

The size per layer (vanishing gradients): backpropagation multiplies by each layer's activation
derivative on the way down; sigmoid's is at most 0.25, so in a deep sigmoid network the gradient of
the first layers shrinks by roughly a factor of 4 or more per layer. ReLU's derivative is 1 where a
unit is on, so it does not.

    norms = layer_gradient_norms(model, ds.x_train, ds.y_train)   # {"hidden_1": 3e-5, ...}
    # RunLogger.log_layer_norms writes them to TensorBoard
"""
from __future__ import annotations

import numpy as np

from course.core.models import variable_name
from course.core.runtime import keras, tf
from course.core.step import labels_for, loss_for


def as_float64(model):
    """A float64 copy of a Sequential or functional Keras model, with the same weights.

    Example:
        >>> model64 = as_float64(models.mlp(2, hidden=(3,)))
        >>> model64.trainable_variables[0].dtype          # 'float64'
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")

    def to_float64(layer):
        return layer.__class__.from_config({**layer.get_config(), "dtype": "float64"})

    def input64(tensor):   # float64 inputs too: a float32 input layer would round x before the first layer
        return keras.Input(batch_shape=tensor.shape, dtype="float64", name=tensor.name)

    try:
        inputs = input64(model.inputs[0]) if isinstance(model, keras.Sequential) else \
            keras.tree.map_structure(input64, model.input)
        copy = keras.models.clone_model(model, input_tensors=inputs, clone_function=to_float64)
    except Exception as err:   # a subclassed model cannot be cloned layer by layer
        raise ValueError(f"model must be a Sequential or functional Keras model (cloned in float64): {err}") from None
    copy.set_weights([np.asarray(w, dtype=np.float64) for w in model.get_weights()])
    return copy


def _loss64(model, loss):
    """The loss as a float64 callable (y_true, y_pred) -> scalar."""
    if loss is None:
        loss = loss_for(model)
    if isinstance(loss, str):
        loss = keras.losses.get(loss)
    if isinstance(loss, keras.losses.Loss):   # Keras losses cast to their own dtype (float32 by default)
        return loss.__class__.from_config({**loss.get_config(), "dtype": "float64"})
    if not callable(loss):
        raise TypeError(f"loss must be a keras Loss, a loss name or a callable (y_true, y_pred), got {loss!r}")
    return lambda y_true, y_pred: tf.reduce_mean(loss(y_true, y_pred))


def _labels(model, y):
    y = np.asarray(y)
    if int(model.output_shape[-1]) == 1:
        return tf.constant(y.reshape(-1, 1), dtype=tf.float64)    # (n, 1) for one sigmoid unit
    return tf.constant(y)                                          # (n,) class indices, or (n, k) one-hot


def _setup(model, x, y, loss):
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    try:
        x = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("x must be an array of numbers, shape (n, n_features)") from None
    if x.ndim != 2 or x.shape[0] == 0 or np.ndim(y) != 1 or x.shape[0] != np.shape(y)[0]:
        raise ValueError(f"x must have shape (n, n_features) with n >= 1 and one label in y per row, got x {x.shape} "
                         f"and y {np.shape(y)}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x contains NaN or infinite values")
    model64, x = as_float64(model), tf.constant(x)
    loss_fn, y = _loss64(model, loss), _labels(model, y)
    return model64, x, y, loss_fn


def tape_gradients(model, x, y, loss=None):
    """dL/dw for every trainable variable by backpropagation (``tf.GradientTape``), in float64.

    Args:
        model: a Sequential or functional Keras model (any dtype; a float64 copy is used).
        x: (n, n_features) inputs. y: (n,) labels (integers, or 0/1 for one sigmoid unit).
        loss: a Keras loss (object or name) or a callable (y_true, y_pred); None picks binary
            cross-entropy for one sigmoid unit, sparse categorical cross-entropy otherwise.

    Returns:
        loss value (float), {variable name: float64 ndarray of the variable's shape}.

    Example:
        >>> loss, grads = tape_gradients(model, ds.x_train[:8], ds.y_train[:8])
    """
    model64, x, y, loss_fn = _setup(model, x, y, loss)
    with tf.GradientTape() as tape:
        value = loss_fn(y, model64(x))
    grads = tape.gradient(value, model64.trainable_variables)
    return float(value), {variable_name(v): g.numpy() for v, g in zip(model64.trainable_variables, grads)}


def finite_difference_gradients(model, x, y, loss=None, eps=1e-5):
    """dL/dw for every trainable variable by centered differences (L(w+eps) - L(w-eps)) / (2 eps), float64.

    Two forward passes per parameter: fine for models of a few thousand parameters.
    Arguments as in ``tape_gradients``. Returns {variable name: float64 ndarray}.

    Example:
        >>> numeric = finite_difference_gradients(model, ds.x_train[:8], ds.y_train[:8])
    """
    if not isinstance(eps, (int, float)) or isinstance(eps, bool) or not 0 < eps < 1:
        raise ValueError(f"eps must be a number between 0 and 1, got {eps!r}")
    model64, x, y, loss_fn = _setup(model, x, y, loss)
    loss_now = tf.function(lambda: loss_fn(y, model64(x)))    # the loss at the variables' current values
    out = {}
    for variable in model64.trainable_variables:
        w = variable.numpy()
        flat, grad = w.reshape(-1), np.zeros(w.size)
        for i in range(w.size):
            for sign in (1.0, -1.0):
                shifted = flat.copy()
                shifted[i] += sign * eps
                variable.assign(shifted.reshape(w.shape))
                grad[i] += sign * float(loss_now())
            variable.assign(w)
        out[variable_name(variable)] = grad.reshape(w.shape) / (2 * eps)
    return out


def relative_error(a, b, floor=1e-12):
    """||a - b|| / max(||a||, ||b||, floor): 0 when equal, about 1 when unrelated.

    Norms over all entries, not the largest entrywise ratio: finite differences carry an absolute
    error near 1e-10, which would make a tiny but correct gradient entry look wrong. For two
    numbers it is |a - b| / max(|a|, |b|).

    Example:
        >>> relative_error([3.0, 4.0], [3.0, 4.000005])
        1e-06 (to rounding)
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), floor))


def gradient_check(model, x, y, loss=None, eps=1e-5):
    """Compare backpropagation (GradientTape) with centered finite differences, in float64.

    Args:
        model: a Sequential or functional Keras model; it is not changed.
        x: (n, n_features) inputs; y: (n,) labels. loss: as in ``tape_gradients``.
        eps: the finite-difference step.

    Returns:
        {variable name: relative error ||tape - numeric|| / max(||tape||, ||numeric||)}, e.g.
        {"hidden_1/kernel": 2e-10, "hidden_1/bias": 5e-11, ...}. Below 1e-6: the gradients are right.

    Example:
        >>> errors = gradient_check(models.mlp(2, hidden=(4,), activation="tanh"), ds.x_val[:16], ds.y_val[:16])
        >>> max(errors.values()) < 1e-6
    """
    _, tape = tape_gradients(model, x, y, loss)
    numeric = finite_difference_gradients(model, x, y, loss, eps)
    return {name: relative_error(tape[name], numeric[name]) for name in tape}


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
