"""Minimal Keras models of the main network families, with readable layer names and seeded weights.

Every classifier takes flat float32 examples, (batch, n_features), like the rest of the course, and
its first layer reshapes them into what the family expects: an image for the CNN, a sequence of
steps for the RNN, the LSTM and the Transformer. So ``training.fit`` trains all of them unchanged.

    model = cnn(seed=0)                     # digits: (batch, 64) -> (batch, 8, 8, 1) -> ... -> (batch, 10)
    model = recurrent("lstm", length=40)    # (batch, 80) -> (batch, 40, 2) -> (batch, 16) -> (batch, 1)

The autoencoder and the GAN's two networks are built here too; they bring their own steps
(``course.families.autoencoding``, ``course.families.gan``) to the course's loop (``engine.fit_steps``).
"""
from __future__ import annotations

from course.checks import check_int, check_seed
from course.core.runtime import keras
from course.families.sequences import CHANNELS

RECURRENT_KINDS = ("rnn", "lstm")


def _glorot(seed):
    return keras.initializers.GlorotUniform(seed=seed)


def _dense(units, activation, name, seed):
    return keras.layers.Dense(units, activation=activation, name=name, kernel_initializer=_glorot(seed))


def cnn(image_shape=(8, 8), n_classes=10, filters=(8, 16), kernel_size=3, seed=0) -> keras.Model:
    """Convolution + pooling blocks, then a softmax: small filters slid over the whole image.

    Args:
        image_shape: (height, width) of the grey images; the input has height * width features.
        filters: filters per convolution block (each block halves height and width).

    Example:
        >>> cnn().output_shape        # one probability per digit
        (None, 10)
    """
    check_seed(seed)
    height, width = (check_int("image height", image_shape[0]), check_int("image width", image_shape[1]))
    layers = [keras.Input(shape=(height * width,), name="pixels"),
              keras.layers.Reshape((height, width, 1), name="image")]       # (batch, 64) -> (batch, 8, 8, 1)
    for i, n_filters in enumerate(filters, start=1):
        layers.append(keras.layers.Conv2D(check_int("filters", n_filters), kernel_size, padding="same",
                                          activation="relu", name=f"conv_{i}", kernel_initializer=_glorot(seed + i)))
        layers.append(keras.layers.MaxPooling2D(2, name=f"pool_{i}"))       # (h, w, f) -> (h/2, w/2, f)
    layers += [keras.layers.Flatten(name="flatten"), _dense(n_classes, "softmax", "output", seed)]
    return keras.Sequential(layers, name="cnn")


class ForgetGateBias(keras.initializers.Initializer):
    """An LSTM bias (4 * units,), laid out [input, forget, cell, output] gates: ``value`` for the forget
    gate, 0 elsewhere. A forget bias of 3 starts the gate at sigmoid(3) = 0.95: the cell keeps what it
    holds, so the gradient reaches steps far back from the first update on."""

    def __init__(self, value=3.0):
        self.value = float(value)

    def __call__(self, shape, dtype=None):
        units = shape[0] // 4
        return keras.ops.concatenate([keras.ops.zeros((units,), dtype), keras.ops.full((units,), self.value, dtype),
                                      keras.ops.zeros((2 * units,), dtype)])

    def get_config(self):
        return {"value": self.value}


def recurrent(kind: str, length: int, units: int = 16, seed: int = 0, forget_bias: float = 3.0) -> keras.Model:
    """A plain RNN (``"rnn"``) or an LSTM (``"lstm"``) reading a sequence step by step, then a sigmoid.

    h_t = tanh(x_t @ W + h_(t-1) @ U + b) for the RNN; the LSTM adds a cell c_t and three gates that
    decide what to write, keep and read, so it can carry a value over many steps unchanged.
    ``forget_bias`` is the LSTM's initial forget-gate bias (``ForgetGateBias``; Keras's default is 1).

    Example:
        >>> recurrent("rnn", length=40).input_shape      # 40 steps of (value, marker), flat
        (None, 80)
    """
    if kind not in RECURRENT_KINDS:
        raise ValueError(f"kind must be one of {', '.join(RECURRENT_KINDS)}; got {kind!r}")
    check_int("length", length)
    check_int("units", units)
    check_seed(seed)
    initializers = {"kernel_initializer": _glorot(seed + 1),
                    "recurrent_initializer": keras.initializers.Orthogonal(seed=seed + 2)}
    if kind == "rnn":
        layer = keras.layers.SimpleRNN(units, name="rnn", **initializers)
    else:
        layer = keras.layers.LSTM(units, name="lstm", bias_initializer=ForgetGateBias(forget_bias),
                                  unit_forget_bias=False, **initializers)
    return keras.Sequential([
        keras.Input(shape=(CHANNELS * length,), name="sequence"),
        keras.layers.Reshape((length, CHANNELS), name="steps"),    # (batch, 80) -> (batch, 40, 2)
        layer,                                                     # (batch, 40, 2) -> (batch, 16): the last state
        _dense(1, "sigmoid", "output", seed),
    ], name=kind)


class PositionEmbedding(keras.layers.Layer):
    """Adds a learned vector per position: attention alone does not know the order of the steps.

    (batch, length, d) -> (batch, length, d); ``length * d`` parameters.
    """

    def __init__(self, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed

    def build(self, input_shape):
        self.embeddings = self.add_weight(shape=tuple(input_shape[1:]), name="embeddings",
                                          initializer=keras.initializers.RandomNormal(stddev=0.1, seed=self.seed))

    def call(self, x):
        return x + self.embeddings      # (batch, length, d) + (length, d)


def transformer(length: int, n_outputs: int = 1, d_model: int = 16, heads: int = 2, ff_units: int = 32,
                seed: int = 0) -> keras.Model:
    """One Transformer encoder block over a sequence of (value, marker) steps, then a classifier.

    steps -> per-step embedding + positions -> self-attention (+ residual, layer norm)
    -> per-step feed-forward (+ residual, layer norm) -> average over steps -> sigmoid/softmax.

    A ``Dense`` layer on (batch, steps, features) applies the same weights at every step (one matrix
    product over the last axis). Keras's ``TimeDistributed(Dense)`` computes the same, but for a
    known number of steps it builds one copy of the layer per step: 60 copies, seconds of tracing.

    Example:
        >>> transformer(length=40).output_shape
        (None, 1)
    """
    for name, value in (("length", length), ("n_outputs", n_outputs), ("d_model", d_model), ("heads", heads),
                        ("ff_units", ff_units)):
        check_int(name, value)
    check_seed(seed)
    if d_model % heads:
        raise ValueError(f"d_model must be a multiple of heads, got d_model={d_model}, heads={heads}")
    layers = keras.layers
    inputs = keras.Input(shape=(CHANNELS * length,), name="sequence")
    x = layers.Reshape((length, CHANNELS), name="steps")(inputs)                             # (batch, 40, 2)
    x = _dense(d_model, None, "embed", seed + 1)(x)                                          # (batch, 40, 16)
    x = PositionEmbedding(seed=seed + 2, name="positions")(x)
    # Every step looks at every step: weights softmax(q.k / sqrt(key_dim)) mix the values v.
    attended = layers.MultiHeadAttention(heads, d_model // heads, name="attention",
                                         kernel_initializer=_glorot(seed + 3))(x, x)       # (batch, 40, 16)
    x = layers.LayerNormalization(name="norm_1")(layers.Add(name="residual_1")([x, attended]))
    hidden = _dense(ff_units, "relu", "ff_1", seed + 4)(x)          # the same 16 -> 32 -> 16 at every step
    hidden = _dense(d_model, None, "ff_2", seed + 5)(hidden)
    x = layers.LayerNormalization(name="norm_2")(layers.Add(name="residual_2")([x, hidden]))
    x = layers.GlobalAveragePooling1D(name="average")(x)                                     # (batch, 16)
    outputs = _dense(n_outputs, "sigmoid" if n_outputs == 1 else "softmax", "output", seed)(x)
    return keras.Model(inputs, outputs, name="transformer")


def autoencoder(n_features: int = 64, hidden: int = 32, code: int = 8, seed: int = 0) -> keras.Model:
    """Encoder (n_features -> hidden -> code) and decoder (code -> hidden -> n_features, sigmoid).

    Trained to output its own input through a narrow ``code`` layer, it must learn a compressed
    description of the data. Inputs are expected in [0, 1] (the sigmoid's range).

    Example:
        >>> autoencoder().get_layer("code").units
        8
    """
    for name, value in (("n_features", n_features), ("hidden", hidden), ("code", code)):
        check_int(name, value)
    check_seed(seed)
    return keras.Sequential([
        keras.Input(shape=(n_features,), name="pixels"),
        _dense(hidden, "relu", "encoder", seed + 1),          # (batch, 64) -> (batch, 32)
        _dense(code, "relu", "code", seed + 2),               # (batch, 32) -> (batch, 8): the bottleneck
        _dense(hidden, "relu", "decoder", seed + 3),          # (batch, 8) -> (batch, 32)
        _dense(n_features, "sigmoid", "reconstruction", seed + 4),   # (batch, 32) -> (batch, 64) in [0, 1]
    ], name="autoencoder")


def generator(noise_dim: int = 2, hidden: int = 16, n_outputs: int = 2, seed: int = 0) -> keras.Model:
    """The GAN's generator: random noise (batch, noise_dim) -> a generated point (batch, n_outputs)."""
    for name, value in (("noise_dim", noise_dim), ("hidden", hidden), ("n_outputs", n_outputs)):
        check_int(name, value)
    check_seed(seed)
    return keras.Sequential([keras.Input(shape=(noise_dim,), name="noise"),
                             _dense(hidden, "leaky_relu", "hidden_1", seed + 1),
                             _dense(hidden, "leaky_relu", "hidden_2", seed + 2),
                             _dense(n_outputs, None, "sample", seed + 3)], name="generator")


def discriminator(n_inputs: int = 2, hidden: int = 32, seed: int = 0) -> keras.Model:
    """The GAN's discriminator: a point (batch, n_inputs) -> P(it is real), (batch, 1)."""
    for name, value in (("n_inputs", n_inputs), ("hidden", hidden)):
        check_int(name, value)
    check_seed(seed)
    return keras.Sequential([keras.Input(shape=(n_inputs,), name="point"),
                             _dense(hidden, "leaky_relu", "hidden_1", seed + 1),
                             _dense(hidden, "leaky_relu", "hidden_2", seed + 2),
                             _dense(1, "sigmoid", "output", seed + 3)], name="discriminator")
