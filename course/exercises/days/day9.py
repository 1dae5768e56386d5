"""Day 9's exercises: the network families' layers in NumPy, as Keras computes them: a convolution's output shape
and parameters, its forward pass, one LSTM step, scaled dot-product attention. The oracles are the course's
NumPy layers (``course.reference.networks``), tested against Keras's Conv2D, LSTMCell and MultiHeadAttention
with the same weights."""
from __future__ import annotations

import math

import numpy as np

from course.exercises.exercise import Example, Exercise, Mistake
from course.reference import networks


def _shape_cases(rng):
    return [dict(height=8, width=8, channels=1, filters=8, kernel_size=3, strides=1, padding="same"),
            dict(height=28, width=28, channels=1, filters=8, kernel_size=3, strides=1, padding="valid"),
            dict(height=9, width=7, channels=3, filters=4, kernel_size=3, strides=2, padding="valid"),
            dict(height=9, width=7, channels=3, filters=4, kernel_size=3, strides=2, padding="same")]


def _shape_variant(height, width, channels, filters, kernel_size, strides, padding, *, bias=True, depth=True,
                   plus_one=True, stride=True, padding_as=None):
    s, k = (strides if stride else 1), kernel_size
    if (padding_as or padding) == "same":
        out = (math.ceil(height / s), math.ceil(width / s))
    else:
        out = ((height - k) // s + int(plus_one), (width - k) // s + int(plus_one))
    return (*out, filters), k * k * (channels if depth else 1) * filters + (filters if bias else 0)


def _shaped(**how):
    return lambda **case: _shape_variant(**case, **how)


CONV_OUTPUT = Exercise(
    id="day9.conv_output", title="a Conv2D layer's output shape and number of parameters", function="conv_output",
    outputs=("shape", "parameters"), cases=_shape_cases, oracle=networks.conv_output_shape,
    mistakes=(
        Mistake("no_bias", "each filter has one bias too: parameters = kernel_size^2 x channels x filters + filters",
                _shaped(bias=False)),
        Mistake("channels", "a filter spans every input channel: its weights are kernel_size x kernel_size x channels",
                _shaped(depth=False)),
        Mistake("plus_one", "one position is missing: with padding 'valid' the kernel fits floor((n - k) / s) + 1 "
                "times (n - k + 1 at stride 1)", _shaped(plus_one=False)),
        Mistake("strides", "the stride is left out: the kernel moves strides pixels at a time, so about n / strides "
                "positions fit", _shaped(stride=False)),
        Mistake("valid_as_same", "with padding 'valid' nothing is added around the image: the kernel must fit inside "
                "it, floor((n - k) / s) + 1 positions", _shaped(padding_as="same")),
        Mistake("same_as_valid", "padding 'same' adds zeros around the image so that ceil(n / strides) positions "
                "fit: at stride 1 the output is as large as the input", _shaped(padding_as="valid")),
    ),
    hints=("Count the positions the kernel can take along the height, then along the width; the output has one "
           "channel per filter. Then count one filter's weights and its bias.",
           "'valid': the kernel stays inside the image; 'same': zeros around it, so that at stride 1 every pixel is a "
           "position. A stride s keeps one position in s.",
           "valid: (n - k) // s + 1; same: ceil(n / s), for n = height and width; parameters = k * k * channels * "
           "filters + filters."),
    heading="a convolution's shapes",
    task="Say what keras.layers.Conv2D(filters, kernel_size, strides=strides, padding=padding) makes of "
         "(height, width, channels) images: the shape of its output for one image, and how many parameters (weights "
         "and biases) it learns.",
    args=(("height", "the image's height in pixels"), ("width", "its width"), ("channels", "its channels (1 grey, "
                                                                                           "3 colour)"),
          ("filters", "the layer's filters, one output channel each"), ("kernel_size", "k: each filter is k x k"),
          ("strides", "s: how many pixels the kernel moves at a time"), ("padding", "'valid' or 'same'")),
    returns="(shape, parameters): shape a tuple (out_height, out_width, filters), parameters a number",
    example=Example("conv_output(28, 28, 1, 8, 3, 1, 'valid')", "((26, 26, 8), 80)", "# 8 filters of 3 x 3 x 1 + 1"),
    trap="a filter looks at every input channel at once: its kernel is k x k x channels, plus one bias.",
    solution="""if padding == "same":                          # zeros around: ceil(n / s) positions
    out_height, out_width = math.ceil(height / strides), math.ceil(width / strides)
else:                                           # "valid": the kernel stays inside
    out_height = (height - kernel_size) // strides + 1
    out_width = (width - kernel_size) // strides + 1
parameters = kernel_size * kernel_size * channels * filters + filters
return (out_height, out_width, filters), parameters""",
    imports="import math\n\nimport numpy as np")


def _conv_cases(rng):
    return [dict(x=np.arange(16.0).reshape(1, 4, 4, 1), kernel=np.array([1.0, 0.0, 0.0, -1.0]).reshape(2, 2, 1, 1),
                 bias=np.array([0.5])),
            dict(x=rng.normal(size=(2, 5, 6, 3)), kernel=rng.normal(size=(3, 3, 3, 2)), bias=rng.normal(size=2))]


def _same_size(x, kernel, bias):
    kh, kw = kernel.shape[:2]
    padded = np.pad(x, ((0, 0), (kh // 2, (kh - 1) // 2), (kw // 2, (kw - 1) // 2), (0, 0)))
    return networks.conv2d(padded, kernel, bias)


CONV2D_FORWARD = Exercise(
    id="day9.conv2d_forward", title="a convolution's forward pass, as Keras's Conv2D computes it",
    function="conv2d_forward", outputs=("out",), cases=_conv_cases, oracle=networks.conv2d, rtol=1e-6,
    mistakes=(
        Mistake("flipped", "you flipped the kernel (the convolution of the textbooks): Keras's Conv2D slides it as it "
                "is, out[r, c] = sum over i, j of x[r + i, c + j] kernel[i, j]",
                lambda x, kernel, bias: networks.conv2d(x, kernel[::-1, ::-1], bias)),
        Mistake("bias", "the bias is left out: each filter adds its own bias to every position",
                lambda x, kernel, bias: networks.conv2d(x, kernel, 0 * bias)),
        Mistake("transposed", "the kernel's rows and columns are swapped: kernel[i, j] multiplies the pixel i rows "
                "down and j columns right", lambda x, kernel, bias: networks.conv2d(x, kernel.transpose(1, 0, 2, 3),
                                                                                     bias)),
        Mistake("padding", "your output keeps the input's size (padding 'same'): with padding 'valid' a kh x kw "
                "kernel fits height - kh + 1 times down and width - kw + 1 times across", _same_size),
    ),
    hints=("Slide the kernel over the image: at each position (r, c) multiply the kh x kw x channels patch under it "
           "by the kernel, entry by entry, and add everything up, once per filter; then add that filter's bias.",
           "For one kernel offset (i, j) the patch entries of every position form one slice, x[:, i:i + out_h, "
           "j:j + out_w, :]; a matrix product with kernel[i, j] (channels, filters) sums over the channels.",
           "out = sum over i, j of x[:, i:i + out_h, j:j + out_w, :] @ kernel[i, j], with out_h = h - kh + 1 and "
           "out_w = w - kw + 1; then out + bias."),
    heading="a convolution's forward pass",
    task="Compute what keras.layers.Conv2D(filters, (kh, kw), padding='valid') outputs for a batch of images, with "
         "the given kernel and bias: every filter slid over every position where it fits inside the image, the "
         "products with the patch under it summed over the kernel's rows, columns and the input channels.",
    args=(("x", "(n, height, width, channels) images, channels last as in Keras"),
          ("kernel", "(kh, kw, channels, filters), the layer's kernel"), ("bias", "(filters,) one bias per filter")),
    returns="out: (n, height - kh + 1, width - kw + 1, filters)",
    example=Example("conv2d_forward(np.arange(9.0).reshape(1, 3, 3, 1), np.ones((2, 2, 1, 1)), "
                    "np.zeros(1))[0, :, :, 0]", "array([[ 8., 12.], [20., 24.]])", "# each 2 x 2 patch summed"),
    trap="the convolution of the textbooks flips the kernel; Keras's (TensorFlow's) does not, and with a symmetric "
         "kernel you cannot tell the difference.",
    solution="""kh, kw = kernel.shape[:2]
n, height, width, _ = x.shape
out_h, out_w = height - kh + 1, width - kw + 1
out = np.zeros((n, out_h, out_w, kernel.shape[3]))
for i in range(kh):
    for j in range(kw):                        # (n, out_h, out_w, channels) @ (channels, filters)
        out += x[:, i:i + out_h, j:j + out_w, :] @ kernel[i, j]
return out + bias""")

EXERCISES = (CONV_OUTPUT, CONV2D_FORWARD)
