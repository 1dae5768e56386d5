"""Day 9's layers in NumPy, as Keras computes them: a 2-D convolution, one LSTM step, scaled dot-product attention.

    conv_output_shape(8, 8, 1, 16, 3)                  # ((8, 8, 16), 160): Conv2D's output and parameters
    conv2d(x, kernel, bias)                            # keras.layers.Conv2D(padding="valid") with those weights
    h, c = lstm_step(x, h, c, kernel, recurrent_kernel, bias)     # keras.layers.LSTMCell, gates i, f, c, o
    out, weights = attention(q, k, v)                  # softmax(q k^T / sqrt(d)) v, one head

Each is tested against the Keras layer with the same weights (``tests/reference/test_networks.py``).
"""
from __future__ import annotations

import math

import numpy as np

from course.reference.activations import sigmoid, softmax


def conv_output_shape(height, width, channels, filters, kernel_size, strides=1, padding="valid"):
    """((out_height, out_width, filters), parameters) of ``keras.layers.Conv2D(filters, kernel_size, strides,
    padding)`` on (height, width, channels) images: "valid" slides the kernel inside the image only,
    floor((n - k) / s) + 1 positions; "same" pads so that ceil(n / s) positions fit. Each filter has
    kernel_size^2 x channels weights and one bias.

    Example:
        >>> conv_output_shape(28, 28, 1, 8, 3)
        ((26, 26, 8), 80)
    """
    if padding == "same":
        out = (math.ceil(height / strides), math.ceil(width / strides))
    elif padding == "valid":
        out = ((height - kernel_size) // strides + 1, (width - kernel_size) // strides + 1)
    else:
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
    return (*out, filters), kernel_size * kernel_size * channels * filters + filters


def conv2d(x, kernel, bias):
    """A 2-D convolution as Keras computes it (padding "valid", stride 1): the kernel is slid over the image
    unflipped (a cross-correlation) and summed over every input channel.

    Args:
        x: (n, height, width, channels_in) images, channels last.
        kernel: (kh, kw, channels_in, filters), as ``Conv2D.kernel``; bias: (filters,).

    Returns:
        (n, height - kh + 1, width - kw + 1, filters).
    """
    x, kernel = np.asarray(x, float), np.asarray(kernel, float)
    kh, kw = kernel.shape[:2]
    n, h, w, _ = x.shape
    out = np.zeros((n, h - kh + 1, w - kw + 1, kernel.shape[3]))
    for i in range(kh):                       # each kernel position adds its shifted slice of the images
        for j in range(kw):
            out += x[:, i:i + h - kh + 1, j:j + w - kw + 1, :] @ kernel[i, j]   # (..., c_in) @ (c_in, f)
    return out + bias


def lstm_step(x, h, c, kernel, recurrent_kernel, bias):
    """One step of ``keras.layers.LSTMCell``: z = x W + h U + b split into Keras's four gates, in the order
    input i, forget f, candidate g, output o (each ``units`` wide); c' = f c + i g, h' = o tanh(c').

    Args:
        x: (n, d) this step's inputs; h, c: (n, units) the previous hidden and cell states.
        kernel: (d, 4 units); recurrent_kernel: (units, 4 units); bias: (4 units,).

    Returns:
        (h', c'), each (n, units).
    """
    z = np.asarray(x, float) @ kernel + np.asarray(h, float) @ recurrent_kernel + bias    # (n, 4 units)
    i, f, g, o = np.split(z, 4, axis=-1)
    c_new = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    return sigmoid(o) * np.tanh(c_new), c_new


def attention(q, k, v):
    """Scaled dot-product attention, one head: weights = softmax(q k^T / sqrt(d)) over the keys, output =
    weights v. What ``keras.layers.MultiHeadAttention(num_heads=1, key_dim=d)`` computes between its
    projections.

    Args:
        q: (n_q, d) queries; k: (n_k, d) keys; v: (n_k, d_v) values.

    Returns:
        (output (n_q, d_v), weights (n_q, n_k), each row summing to 1).
    """
    q, k = np.asarray(q, float), np.asarray(k, float)
    weights = softmax(q @ k.T / np.sqrt(q.shape[-1]))      # (n_q, d) @ (d, n_k) -> (n_q, n_k)
    return weights @ v, weights
