"""Day 9's NumPy layers against the Keras layers with the same weights: Conv2D (shape, parameters, forward pass),
LSTMCell (its gate order i, f, c, o), MultiHeadAttention with one head (its scores and its output)."""
import numpy as np
import pytest

from course.core.runtime import keras
from course.reference import networks


@pytest.mark.parametrize("height, width, channels, filters, kernel, strides, padding", [
    (8, 8, 1, 16, 3, 1, "same"), (28, 28, 1, 8, 3, 1, "valid"), (9, 7, 3, 4, 2, 2, "valid"), (9, 7, 3, 4, 3, 2, "same"),
    (10, 10, 2, 5, 5, 3, "valid")])
def test_conv_output_shape_and_parameters_equal_keras(height, width, channels, filters, kernel, strides, padding):
    layer = keras.layers.Conv2D(filters, kernel, strides=strides, padding=padding)
    out = layer(np.zeros((1, height, width, channels), np.float32))
    shape, parameters = networks.conv_output_shape(height, width, channels, filters, kernel, strides, padding)
    assert (tuple(out.shape[1:]), layer.count_params()) == (shape, parameters)


def test_conv2d_equals_keras_conv2d_with_the_same_weights(rng):
    x = rng.normal(size=(2, 6, 5, 3)).astype(np.float32)
    kernel, bias = rng.normal(size=(3, 2, 3, 4)).astype(np.float32), rng.normal(size=4).astype(np.float32)
    layer = keras.layers.Conv2D(4, (3, 2), padding="valid")
    layer.build(x.shape)
    layer.set_weights([kernel, bias])
    np.testing.assert_allclose(networks.conv2d(x, kernel, bias), layer(x).numpy(), rtol=1e-5, atol=1e-5)


def test_lstm_step_equals_keras_lstm_cell_with_its_gate_order(rng):
    units, d = 3, 2
    x, h, c = rng.normal(size=(4, d)), rng.normal(size=(4, units)), rng.normal(size=(4, units))
    kernel, recurrent, bias = rng.normal(size=(d, 4 * units)), rng.normal(size=(units, 4 * units)), rng.normal(size=4 * units)
    cell = keras.layers.LSTMCell(units)
    cell.build((None, d))
    cell.set_weights([kernel.astype(np.float32), recurrent.astype(np.float32), bias.astype(np.float32)])
    out, (h_keras, c_keras) = cell(x.astype(np.float32), [h.astype(np.float32), c.astype(np.float32)])
    h_new, c_new = networks.lstm_step(x, h, c, kernel, recurrent, bias)
    np.testing.assert_allclose(h_new, h_keras.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c_new, c_keras.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(out.numpy(), h_keras.numpy())


def test_attention_equals_one_head_of_keras_multi_head_attention_with_identity_projections(rng):
    d = 4
    q, k, v = rng.normal(size=(3, d)), rng.normal(size=(5, d)), rng.normal(size=(5, d))
    layer = keras.layers.MultiHeadAttention(num_heads=1, key_dim=d)
    layer(q[None].astype(np.float32), v[None].astype(np.float32), k[None].astype(np.float32))
    eye = np.eye(d, dtype=np.float32)
    # query, key, value kernels (d, heads, key_dim) and biases (heads, key_dim); output kernel (heads, key_dim, d)
    layer.set_weights([eye[:, None, :], np.zeros((1, d), np.float32)] * 3 + [eye[None], np.zeros(d, np.float32)])
    out, scores = layer(q[None].astype(np.float32), v[None].astype(np.float32), k[None].astype(np.float32),
                        return_attention_scores=True)
    ours, weights = networks.attention(q, k, v)
    np.testing.assert_allclose(weights, scores.numpy()[0, 0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours, out.numpy()[0], rtol=1e-5, atol=1e-6)
