"""The activation functions, one registry: each is added here once, with everything the course needs of it.

An ``Activation`` holds its NumPy function f(z) and derivative f'(z) (float64, elementwise), the Keras
activation the model builders use with its constants (e.g. leaky ReLU's slope 0.01;
``course.core.models.keras_function`` makes it), and the facts Day 4 prints (formula, output range,
derivative, typical use). ``REGISTRY`` is the only table; ``FUNCTIONS``, ``DERIVATIVES``, ``TABLE``
and ``HIDDEN`` are views of it.

    REGISTRY["sigmoid"].f(np.array([-5.0, 5.0]))    # array([0.00669285, 0.99330715])
    DERIVATIVES["tanh"](0.0)                        # 1.0

This module is NumPy only: it never imports TensorFlow.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

LEAKY_SLOPE = 0.01   # slope of leaky ReLU for z < 0 (Keras 3's own default is 0.2: passed explicitly)
ELU_ALPHA = 1.0      # ELU's saturation value for z -> -inf is -alpha

_erf = np.vectorize(math.erf, otypes=[np.float64])


def _f(z):
    return np.asarray(z, dtype=np.float64)


def sigmoid(z):
    """1 / (1 + e^-z), computed without overflow for large |z|."""
    z = _f(z)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def tanh(z):
    return np.tanh(_f(z))


def relu(z):
    return np.maximum(_f(z), 0.0)


def linear(z):
    return _f(z)


def softmax(z, axis=-1):
    """exp(z - max) / sum(exp(z - max)): subtracting the max keeps exp from overflowing."""
    z = _f(z)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def leaky_relu(z, negative_slope=LEAKY_SLOPE):
    """z for z > 0, negative_slope * z otherwise."""
    z = _f(z)
    return np.where(z > 0, z, negative_slope * z)


def elu(z, alpha=ELU_ALPHA):
    """z for z > 0, alpha * (e^z - 1) otherwise."""
    z = _f(z)
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def gelu(z):
    """z * Phi(z), Phi the standard normal CDF (the exact form, Keras's approximate=False)."""
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


@dataclass(frozen=True)
class Facts:
    formula: str
    output_range: str
    derivative: str
    use: str


@dataclass(frozen=True)
class Activation:
    name: str
    f: object                 # NumPy f(z), float64, elementwise (softmax: over the last axis)
    df: object                # NumPy f'(z); for softmax the diagonal of its Jacobian, s_i (1 - s_i)
    keras: tuple              # (keras.activations function name, its keyword arguments)
    facts: Facts | None       # what Day 4's table prints (None: not in the tour)
    hidden: bool = True       # usable in a hidden layer of course.models (softmax is an output)


REGISTRY = {a.name: a for a in (
    Activation("sigmoid", sigmoid, lambda z: sigmoid(z) * (1.0 - sigmoid(z)), ("sigmoid", {}),
               Facts("1 / (1 + e^-z)", "(0, 1)", "s(z) (1 - s(z))", "binary output (a probability)")),
    Activation("tanh", tanh, lambda z: 1.0 - np.tanh(_f(z)) ** 2, ("tanh", {}),
               Facts("(e^z - e^-z) / (e^z + e^-z)", "(-1, 1)", "1 - tanh(z)^2", "hidden layers, RNN cells")),
    Activation("relu", relu, lambda z: (_f(z) > 0).astype(np.float64), ("relu", {}),
               Facts("max(0, z)", "[0, inf)", "1 if z > 0 else 0", "default for hidden layers")),
    Activation("linear", linear, lambda z: np.ones_like(_f(z)), ("linear", {}), None),
    Activation("leaky_relu", leaky_relu, lambda z: np.where(_f(z) > 0, 1.0, LEAKY_SLOPE),
               ("leaky_relu", {"negative_slope": LEAKY_SLOPE}),
               Facts("z if z > 0 else 0.01 z", "(-inf, inf)", "1 if z > 0 else 0.01", "hidden layers; no dead units")),
    Activation("softmax", softmax, lambda z: softmax(z) * (1.0 - softmax(z)), ("softmax", {}),
               Facts("e^z_i / sum_j e^z_j", "(0, 1), sums to 1", "s_i (delta_ij - s_j)", "multi-class output"),
               hidden=False),
    Activation("elu", elu, lambda z: np.where(_f(z) > 0, 1.0, ELU_ALPHA * np.exp(np.minimum(_f(z), 0.0))),
               ("elu", {"alpha": ELU_ALPHA}),
               Facts("z if z > 0 else e^z - 1", "(-1, inf)", "1 if z > 0 else e^z", "hidden layers, mean near 0")),
    Activation("gelu", gelu, lambda z: 0.5 * (1.0 + _erf(_f(z) / math.sqrt(2.0))) + _f(z) * _normal_pdf(_f(z)),
               ("gelu", {"approximate": False}),
               Facts("z Phi(z)  (Phi: normal CDF)", "[-0.17, inf)", "Phi(z) + z phi(z)", "Transformers (BERT, GPT)")),
    Activation("swish", swish, lambda z: sigmoid(z) + _f(z) * sigmoid(z) * (1.0 - sigmoid(z)), ("swish", {}),
               Facts("z sigmoid(z)", "[-0.28, inf)", "s(z) + z s(z) (1 - s(z))", "deep CNNs (EfficientNet)")),
)}

# Views of the registry, in its order.
FUNCTIONS = {name: a.f for name, a in REGISTRY.items() if a.facts is not None}
DERIVATIVES = {name: a.df for name, a in REGISTRY.items() if a.facts is not None}
TABLE = {name: a.facts for name, a in REGISTRY.items() if a.facts is not None}
HIDDEN = tuple(name for name, a in REGISTRY.items() if a.hidden)


def get(name: str) -> Activation:
    """The registry's entry, or ValueError naming the known activations."""
    if name not in REGISTRY:
        raise ValueError(f"activation must be one of {', '.join(REGISTRY)}; got {name!r}")
    return REGISTRY[name]


_KERAS_NAMES = {"swish": "silu"}    # Keras 3's swish is its silu function, named "silu"


def name_of_keras(function) -> str:
    """The registry name of a layer's Keras activation function: one ``course.core.models.keras_function``
    made (named like the activation), or Keras's own function where the registry uses it without arguments.
    ValueError for any other: Keras's own ``leaky_relu`` has slope 0.2, not the registry's 0.01."""
    name = getattr(function, "__name__", "")
    if (getattr(function, "__module__", None) or "").startswith("course.") and name in REGISTRY:
        return name
    for entry in REGISTRY.values():
        keras_name, kwargs = entry.keras
        if not kwargs and name in (keras_name, _KERAS_NAMES.get(keras_name)):
            return entry.name
    raise ValueError(f"the activation {name or function!r} is not one of the registry's "
                     f"({', '.join(REGISTRY)}) with its constants; build the model with course.models")
