"""The update rule a traced step applied, written out with its numbers: the optimizer's own formula, with the
constants Keras uses, so every printed line checks on a calculator.

The traced steps are the first steps of a run, so the optimizer's state (momentum's velocity, RMSprop's
s, Adam's m and v) is rebuilt exactly from their gradients with ``course.reference.optimizers.update_as_keras``:
Keras's float32 arithmetic, operation by operation, with Adam's 1 - beta^t from TensorFlow's own float32
power, so every printed number is the one Keras used; the weight after the step is Keras's own.

    rules = Rules("adam", 0.01)
    for record in records:                          # StepRecords of steps 1, 2, 3 ...
        parts = rules.step(record)                  # per variable: {"m": ..., "v": ..., "step": ...}
        lines = rules.describe(parts[k], name, index, i, before, grad, after)
"""
from __future__ import annotations

import numpy as np

from course.core.runtime import keras, tf
from course.numbers import agreeing, shown
from course.reference import optimizers as rules_of
from course.trace.entries import decimals


def number(x) -> str:
    """Six significant digits: enough for every line to check on a calculator."""
    return f"{float(x):.6g}"


def bracket(text: str) -> str:
    """A printed number in brackets when negative, so that ``a - (-b)`` reads right."""
    return f"({text})" if text.startswith("-") else text


def digits(x, extra=0) -> str:
    """Six significant digits, and ``extra`` more (``course.numbers.agreeing`` asks for them)."""
    return f"{float(x):.{6 + extra}g}"


class Rules:
    """The optimizer's state over a run's traced steps, and each entry's update as text."""

    def __init__(self, optimizer: str, learning_rate: float, clip_norm: float | None = None):
        self.optimizer, self.lr, self.clip_norm = optimizer, float(learning_rate), clip_norm or None
        self.state = None
        self.scale = None     # the last step's clipping factor (None when the gradient was not clipped)

    def header(self) -> str:
        """The rule in one line, with Keras's constants (and the clipping, when the optimizer clips)."""
        clip = (f"; g is first scaled down to a global norm of {self.clip_norm:g} when larger (Keras's "
                "global_clipnorm)") if self.clip_norm else ""
        return self._rule() + clip

    def _rule(self) -> str:
        lr = f"lr = {self.lr:g}"
        return {
            "sgd": f"w <- w - lr * dL/dw with {lr}",
            "momentum": f"SGD with momentum, as Keras applies it: velocity <- 0.9 velocity - lr * g; w <- w + "
                        f"velocity, {lr}, the velocity starting at 0",
            "rmsprop": f"RMSprop, as Keras applies it: s <- 0.9 s + 0.1 g^2; w <- w - lr * g / sqrt(s + 1e-07), {lr}, "
                       "s starting at 0",
            "adam": f"Adam, as Keras applies it: m <- 0.9 m + 0.1 g, v <- 0.999 v + 0.001 g^2 from 0; m_hat = m / "
                    "(1 - 0.9^t), v_hat = v / (1 - 0.999^t) at step t, with 0.9 and 0.999 in float32 as Keras has "
                    f"them; step = lr * m_hat / (sqrt(v_hat) + 1e-07 / sqrt(1 - 0.999^t)), {lr}",
        }[self.optimizer]

    def step(self, record) -> list:
        """Each variable's intermediate numbers for this step ({} for SGD), updating the state. With clipping,
        each variable's ``g`` is the gradient the optimizer used, and ``scale`` the factor of this step."""
        grads, self.scale = record.grads, None
        if self.clip_norm:
            grads, scale = clipped(record.grads, self.clip_norm)
            self.scale = scale if scale != 1 else None
        if self.optimizer == "sgd":
            return [{"g": g} if self.scale else {} for g in grads]
        if self.state is None:
            self.state = [rules_of.init_state(self.optimizer, w) for w in record.before]
        out, powers = [], beta_powers(record.step) if self.optimizer == "adam" else None
        for k, (w, g) in enumerate(zip(record.before, grads)):
            before = self.state[k]
            _, self.state[k], parts = rules_of.update_as_keras(self.optimizer, w, g, before, record.step, self.lr,
                                                               beta_powers=powers)
            out.append({**{f"{key}_before": value for key, value in before.items()}, **parts, "t": record.step,
                        **({"g": g} if self.scale else {})})
        return out

    def describe(self, parts: dict, label: str, i: int, before: float, grad: float, after: float) -> list:
        """The lines of one entry ``i`` (flat index) of a variable: its update written out. The inputs of each
        formula get a digit or two more where rounding them would shift the result's last printed digit, so
        every formula checks on a calculator (``course.numbers.agreeing``). With clipping, ``grad`` is replaced by
        the clipped gradient the optimizer used (``parts["g"]``)."""
        if "g" in parts:
            grad = float(np.asarray(parts["g"]).flat[i])
        d = decimals(before, after)
        w1, lr = f"{shown(after):.{d}f}", float(f"{self.lr:g}")

        def fixed(x, extra=0):
            return f"{shown(x):.{d + extra}f}"

        if self.optimizer == "sgd":
            w0, g = agreeing([before, grad], [fixed, fixed], [(lambda b, g: b - lr * g, w1, fixed)])
            return [f"{label}: {w0} - {self.lr:g} x ({g}) = {w1}"]
        p = {key: (value.flat[i] if isinstance(value, np.ndarray) else value) for key, value in parts.items()}
        if self.optimizer == "momentum":
            v = number(p["velocity"])
            v0, g = agreeing([p["velocity_before"], grad], [digits, digits],
                             [(lambda v0, g: 0.9 * v0 - lr * g, v, number)])
            w0, = agreeing([before], [fixed], [(lambda b: b + float(v), w1, fixed)])
            return [f"{label}: g = {g};  velocity = 0.9 x {bracket(v0)} - {self.lr:g} x g = {v};  "
                    f"w = {w0} + {bracket(v)} = {w1}"]
        if self.optimizer == "rmsprop":
            s_, step = number(p["s"]), number(p["step"])
            s0, g = agreeing([p["s_before"], grad], [digits, digits],
                             [(lambda s0, g: 0.9 * s0 + 0.1 * g * g, s_, number),
                              (lambda s0, g: lr * g / np.sqrt(float(s_) + 1e-7), step, number)])
            w0, = agreeing([before], [fixed], [(lambda b: b - float(step), w1, fixed)])
            return [f"{label}: g = {g};  s = 0.9 x {s0} + 0.1 x g^2 = {s_};  step = {self.lr:g} x g "
                    f"/ sqrt(s + 1e-07) = {step};  w = {w0} - {bracket(step)} = {w1}"]
        c1, c2 = float(p["c1"]), float(p["c2"])
        m, v, step = number(p["m"]), number(p["v"]), number(p["step"])
        m0, v0, g = agreeing([p["m_before"], p["v_before"], grad], [digits] * 3,
                             [(lambda m0, v0, g: 0.9 * m0 + 0.1 * g, m, number),
                              (lambda m0, v0, g: 0.999 * v0 + 0.001 * g * g, v, number)])
        w0, = agreeing([before], [fixed], [(lambda b: b - float(step), w1, fixed)])
        return [f"{label}: g = {g};  m = 0.9 x {bracket(m0)} + 0.1 x g = {m};  v = 0.999 x {v0} + 0.001 x g^2 = {v}",
                f"    m_hat = m / {c1:.9g} = {number(p['m_hat'])};  v_hat = v / {c2:.9g} = {number(p['v_hat'])};"
                f"  step = {self.lr:g} x m_hat / (sqrt(v_hat) + {number(rules_of.ADAM_EPSILON / np.sqrt(c2))}) = "
                f"{step};  w = {w0} - {bracket(step)} = {w1}"]

    def columns(self) -> list:
        """The update table's columns after parameter, before and gradient."""
        return {"sgd": ["learning rate", "after", "change"], "momentum": ["velocity before", "velocity", "after"],
                "rmsprop": ["s before", "s", "step", "after"],
                "adam": ["m", "v", "m_hat", "v_hat", "step", "after"]}[self.optimizer]

    def cells(self, parts: dict, i: int, after: float, before: float) -> list:
        """The update table's cells of entry ``i``, in ``columns`` order."""
        p = {key: (value.flat[i] if isinstance(value, np.ndarray) else value) for key, value in parts.items()}
        d = max(6, decimals(before, after))
        if self.optimizer == "sgd":
            return [f"{self.lr:g}", f"{shown(after):.{d}f}", f"{after - before:+.{d}g}"]
        keys = {"momentum": ["velocity_before", "velocity"], "rmsprop": ["s_before", "s", "step"],
                "adam": ["m", "v", "m_hat", "v_hat", "step"]}[self.optimizer]
        return [number(p[key]) for key in keys] + [f"{shown(after):.{d}f}"]


def clipped(grads, clip_norm: float) -> tuple:
    """(the gradients Keras's optimizer uses with ``global_clipnorm=clip_norm``, the factor they were scaled by):
    computed by Keras's own operations, as its ``clip_by_global_norm`` does, in float32."""
    ops = keras.ops
    values = [ops.convert_to_tensor(np.asarray(g, np.float32)) for g in grads]
    norm = ops.sqrt(ops.sum(ops.stack([ops.sum(ops.square(v)) for v in values])))
    scale = clip_norm * ops.minimum(1.0 / norm, 1.0 / clip_norm) + (norm - norm)
    return [np.asarray(v * scale) for v in values], float(scale)


def beta_powers(t: int) -> tuple:
    """(0.9^t, 0.999^t) as Keras's Adam computes them at step t: TensorFlow's float32 power of a float32 beta
    (NumPy's float32 power can differ in the last bit)."""
    step = tf.constant(float(t), tf.float32)
    return tuple(np.float32(tf.pow(tf.constant(beta, tf.float32), step).numpy())
                 for beta in (rules_of.BETA_1, rules_of.BETA_2))


def adam_corrections(t: int) -> tuple:
    """(1 - 0.9^t, 1 - 0.999^t) as Keras computes them: in float32, from ``beta_powers``."""
    b1, b2 = beta_powers(t)
    return float(np.float32(1) - b1), float(np.float32(1) - b2)
