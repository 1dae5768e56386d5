"""Activation functions in NumPy, their derivatives, and the facts a learner looks up about each.

``FUNCTIONS[name](z)`` and ``DERIVATIVES[name](z)`` work elementwise on any array (float64);
``TABLE`` holds the formula, output range, derivative and typical use as text, and
``keras_activation(name)`` is the matching ``keras.activations`` function (leaky ReLU with
slope 0.01, GELU exact, as here), so the two can be compared number for number.

    FUNCTIONS["sigmoid"](np.array([-5.0, 5.0]))     # array([0.00669285, 0.99330715])
    DERIVATIVES["tanh"](0.0)                        # 1.0
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from course.numpy_ref import relu, sigmoid, softmax, tanh   # the oracle's own, one copy

LEAKY_SLOPE = 0.01   # slope of leaky ReLU for z < 0 (Keras 3's own default is 0.2: pass it explicitly)
ELU_ALPHA = 1.0      # ELU's saturation value for z -> -inf is -alpha

_erf = np.vectorize(math.erf, otypes=[np.float64])


def _f(z):
    return np.asarray(z, dtype=np.float64)


def leaky_relu(z, negative_slope=LEAKY_SLOPE):
    """z for z > 0, negative_slope * z otherwise."""
    z = _f(z)
    return np.where(z > 0, z, negative_slope * z)


def elu(z, alpha=ELU_ALPHA):
    """z for z > 0, alpha * (e^z - 1) otherwise."""
    z = _f(z)
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def gelu(z):
    """z * Phi(z), Phi the standard normal CDF (the exact form, Keras's default approximate=False)."""
    z = _f(z)
    return 0.5 * z * (1.0 + _erf(z / math.sqrt(2.0)))


def swish(z):
    """z * sigmoid(z) (also called SiLU)."""
    z = _f(z)
    return z * sigmoid(z)


def softmax_jacobian(z):
    """d softmax(z)_i / d z_j = s_i (delta_ij - s_j) for one score vector z (k,) -> (k, k)."""
    s = softmax(_f(z).reshape(-1))
    return np.diag(s) - np.outer(s, s)


def _normal_pdf(z):
    return np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)


FUNCTIONS = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu, "leaky_relu": leaky_relu,
             "softmax": softmax, "elu": elu, "gelu": gelu, "swish": swish}

# f'(z), elementwise. For softmax, the diagonal of its Jacobian: d s_i / d z_i = s_i (1 - s_i).
DERIVATIVES = {
    "sigmoid": lambda z: sigmoid(z) * (1.0 - sigmoid(z)),
    "tanh": lambda z: 1.0 - np.tanh(_f(z)) ** 2,
    "relu": lambda z: (_f(z) > 0).astype(np.float64),
    "leaky_relu": lambda z: np.where(_f(z) > 0, 1.0, LEAKY_SLOPE),
    "softmax": lambda z: softmax(z) * (1.0 - softmax(z)),
    "elu": lambda z: np.where(_f(z) > 0, 1.0, ELU_ALPHA * np.exp(np.minimum(_f(z), 0.0))),
    "gelu": lambda z: 0.5 * (1.0 + _erf(_f(z) / math.sqrt(2.0))) + _f(z) * _normal_pdf(_f(z)),
    "swish": lambda z: sigmoid(z) + _f(z) * sigmoid(z) * (1.0 - sigmoid(z)),
}


@dataclass(frozen=True)
class Facts:
    formula: str
    output_range: str
    derivative: str
    use: str


TABLE = {
    "sigmoid": Facts("1 / (1 + e^-z)", "(0, 1)", "s(z) (1 - s(z))", "binary output (a probability)"),
    "tanh": Facts("(e^z - e^-z) / (e^z + e^-z)", "(-1, 1)", "1 - tanh(z)^2", "hidden layers, RNN cells"),
    "relu": Facts("max(0, z)", "[0, inf)", "1 if z > 0 else 0", "default for hidden layers"),
    "leaky_relu": Facts("z if z > 0 else 0.01 z", "(-inf, inf)", "1 if z > 0 else 0.01",
                        "hidden layers; no dead units"),
    "softmax": Facts("e^z_i / sum_j e^z_j", "(0, 1), sums to 1", "s_i (delta_ij - s_j)",
                     "multi-class output"),
    "elu": Facts("z if z > 0 else e^z - 1", "(-1, inf)", "1 if z > 0 else e^z", "hidden layers, mean near 0"),
    "gelu": Facts("z Phi(z)  (Phi: normal CDF)", "[-0.17, inf)", "Phi(z) + z phi(z)", "Transformers (BERT, GPT)"),
    "swish": Facts("z sigmoid(z)", "[-0.28, inf)", "s(z) + z s(z) (1 - s(z))", "deep CNNs (EfficientNet)"),
}


def keras_activation(name: str):
    """The ``keras.activations`` function that ``FUNCTIONS[name]`` equals (same slope, exact GELU).

    Example:
        >>> keras_activation("leaky_relu")(np.array([-1.0]))    # tensor [-0.01]
    """
    if name not in FUNCTIONS:
        raise ValueError(f"activation must be one of {', '.join(FUNCTIONS)}; got {name!r}")
    from course.runtime import keras
    a = keras.activations
    special = {"leaky_relu": lambda z: a.leaky_relu(z, negative_slope=LEAKY_SLOPE),
               "elu": lambda z: a.elu(z, alpha=ELU_ALPHA),
               "gelu": lambda z: a.gelu(z, approximate=False)}
    return special.get(name, getattr(a, name))
