"""The update rules of SGD, momentum, RMSprop and Adam in NumPy, exactly as Keras 3 applies them.

The oracle for what an optimizer did to a weight: start from the weight w and its gradient g, get
the weight after the step (and every intermediate number, to print). Keras's defaults, with its
epsilon placement (read from ``keras/src/optimizers/{sgd,rmsprop,adam}.py``)::

    sgd       w <- w - lr * g
    momentum  velocity <- 0.9 * velocity - lr * g;         w <- w + velocity
    rmsprop   s <- 0.9 * s + 0.1 * g**2;                    w <- w - lr * g / sqrt(s + 1e-7)
    adam      m <- m + (g - m) * 0.1;  v <- v + (g**2 - v) * 0.001
              alpha = lr * sqrt(1 - 0.999**t) / (1 - 0.9**t);   w <- w - alpha * m / (sqrt(v) + 1e-7)

Every slot (velocity, s, m, v) starts at zero; t counts the updates from 1. Keras casts some
hyperparameters to the weights' float32 before using them (the momentum 0.9, the betas raised to the
power t); they are rounded the same way here (0.999 in float32 is 0.99900001), which moves Adam's
first step by about 1e-5 of lr, more than float32 round-off.

    after, parts = first_update("adam", w, g, learning_rate=0.01)
    parts["m"], parts["v"], parts["alpha"]
"""
from __future__ import annotations

import numpy as np

from course.checks import check_choice, check_int
from course.numbers import shown
from course.reference.losses import bce_from_logits

# Keras 3's default hyperparameters for the course's optimizer names (see course.core.optimizers).
MOMENTUM = 0.9                          # SGD(momentum=0.9)
RHO, RMS_EPSILON = 0.9, 1e-7            # RMSprop(rho=0.9, epsilon=1e-7)
BETA_1, BETA_2, ADAM_EPSILON = 0.9, 0.999, 1e-7    # Adam(beta_1, beta_2, epsilon)
F32_MOMENTUM, F32_BETA_1, F32_BETA_2 = (float(np.float32(v)) for v in (MOMENTUM, BETA_1, BETA_2))
SLOTS = {"sgd": (), "momentum": ("velocity",), "rmsprop": ("s",), "adam": ("m", "v")}   # the state of each
OPTIMIZERS = tuple(SLOTS)               # the course's optimizer names: sgd, momentum, rmsprop, adam


def _check_name(name):
    return check_choice("optimizer", name, OPTIMIZERS)


def init_state(name: str, w) -> dict:
    """The optimizer's slots for a weight array ``w``, all zeros (what Keras builds)."""
    return {slot: np.zeros_like(np.asarray(w, dtype=np.float64)) for slot in SLOTS[_check_name(name)]}


def update(name: str, w, g, state: dict, t: int, learning_rate: float, *, float32_constants: bool = True):
    """One update of the weight array ``w`` (any shape) with gradient ``g`` (same shape).

    Args:
        name: sgd, momentum, rmsprop or adam.
        state: the slots from ``init_state`` or the previous call; not modified.
        t: the update's number, 1 for the first (only Adam's bias correction uses it).
        float32_constants: round the momentum and Adam's betas to float32, as Keras does (False: the
            exact 0.9 and 0.999 of the textbook formulas).

    Returns:
        (w after, new state, parts): parts holds every intermediate number (slots, alpha, step).

    Example:
        >>> w1, state, parts = update("momentum", 0.5, -0.2, init_state("momentum", 0.5), 1, 0.1)
        >>> round(float(w1), 4), round(float(parts["velocity"]), 4)
        (0.52, 0.02)
    """
    _check_name(name)
    w, g = np.asarray(w, dtype=np.float64), np.asarray(g, dtype=np.float64)
    if w.shape != g.shape:
        raise ValueError(f"g must have the shape of w {w.shape}, got {g.shape}")
    t = check_int("t", t)   # the update's number, 1 for the first
    lr = float(learning_rate)
    momentum, beta_1, beta_2 = (F32_MOMENTUM, F32_BETA_1, F32_BETA_2) if float32_constants else (MOMENTUM, BETA_1,
                                                                                                 BETA_2)
    if name == "sgd":
        step = lr * g
        return w - step, {}, {"step": step}
    if name == "momentum":
        velocity = momentum * state["velocity"] - lr * g
        return w + velocity, {"velocity": velocity}, {"velocity": velocity, "step": -velocity}
    if name == "rmsprop":
        s = RHO * state["s"] + (1 - RHO) * g ** 2
        step = lr * g / np.sqrt(s + RMS_EPSILON)        # Keras: epsilon inside the square root
        return w - step, {"s": s}, {"s": s, "step": step}
    m = state["m"] + (g - state["m"]) * (1 - BETA_1)
    v = state["v"] + (g ** 2 - state["v"]) * (1 - BETA_2)
    c1, c2 = 1 - beta_1 ** t, 1 - beta_2 ** t                       # the bias corrections
    alpha = lr * np.sqrt(c2) / c1                                    # ... folded into the step size
    step = alpha * m / (np.sqrt(v) + ADAM_EPSILON)                   # Keras: epsilon outside the root
    parts = {"m": m, "v": v, "alpha": alpha, "m_hat": m / c1, "v_hat": v / c2, "step": step}
    return w - step, {"m": m, "v": v}, parts


def update_as_keras(name: str, w, g, state: dict, t: int, learning_rate: float, *, beta_powers=None):
    """``update`` in float32, each operation in the order Keras 3 does it, so every number is Keras's own.

    Adam's bias corrections are 1 - beta^t with beta and t in float32 (Keras's ``ops.power``); pass
    ``beta_powers=(beta_1^t, beta_2^t)`` as TensorFlow computed them to be exact to the last bit (NumPy's
    float32 power can differ from TensorFlow's by one unit in the last place). ``parts`` holds float32
    arrays, and for Adam ``c1``, ``c2`` (1 - beta^t, float32) and m_hat = m / c1, v_hat = v / c2.

    Example:
        >>> w1, state, parts = update_as_keras("adam", np.float32(0.5), np.float32(-0.2), init_state("adam", 0.5), 2,
        ...                                    0.01, beta_powers=(np.float32(0.81), np.float32(0.998001)))
    """
    _check_name(name)
    f32 = np.float32
    w, g, lr = np.asarray(w, f32), np.asarray(g, f32), f32(learning_rate)
    if w.shape != g.shape:
        raise ValueError(f"g must have the shape of w {w.shape}, got {g.shape}")
    t = check_int("t", t)
    state = {k: np.asarray(v, f32) for k, v in state.items()}
    if name == "sgd":
        step = g * lr
        return w - step, {}, {"step": step}
    if name == "momentum":
        velocity = state["velocity"] * f32(MOMENTUM) - g * lr
        return w + velocity, {"velocity": velocity}, {"velocity": velocity, "step": -velocity}
    if name == "rmsprop":
        s = f32(RHO) * state["s"] + f32(1 - RHO) * np.square(g)
        step = (lr * g) / np.sqrt(s + f32(RMS_EPSILON))
        return w - step, {"s": s}, {"s": s, "step": step}
    if beta_powers is None:
        beta_powers = (np.power(f32(BETA_1), f32(t)), np.power(f32(BETA_2), f32(t)))
    c1, c2 = f32(1) - f32(beta_powers[0]), f32(1) - f32(beta_powers[1])
    alpha = lr * np.sqrt(c2) / c1
    m = state["m"] + (g - state["m"]) * f32(1 - BETA_1)
    v = state["v"] + (np.square(g) - state["v"]) * f32(1 - BETA_2)
    step = (m * alpha) / (np.sqrt(v) + f32(ADAM_EPSILON))
    parts = {"m": m, "v": v, "alpha": alpha, "c1": c1, "c2": c2, "m_hat": np.float64(m) / np.float64(c1),
             "v_hat": np.float64(v) / np.float64(c2), "step": step}
    return w - step, {"m": m, "v": v}, parts


def first_update(name: str, w, g, learning_rate: float):
    """The first update from fresh (zero) slots: (w after, parts). See ``update``.

    Example:
        >>> first_update("sgd", np.array([0.5]), np.array([-0.2]), 0.1)[0]
        array([0.52])
    """
    return update(name, w, g, init_state(name, w), 1, learning_rate)[::2]


def path(name: str, grad_fn, w0, learning_rate: float, steps: int) -> np.ndarray:
    """Run ``steps`` updates from ``w0`` with gradients ``grad_fn(w)``: (steps + 1, *w0.shape), w0 first.

    Example:
        >>> path("sgd", lambda w: 2 * w, np.array([1.0, -1.0]), 0.25, 2)[-1]     # f(w) = |w|^2
        array([ 0.25, -0.25])
    """
    w = np.asarray(w0, dtype=np.float64)
    state, out = init_state(name, w), [w]
    for t in range(1, steps + 1):
        w, state, _ = update(name, w, grad_fn(w), state, t, learning_rate)
        out.append(w)
    return np.stack(out)


def explain_first_update(name: str, label: str, w: float, g: float, learning_rate: float) -> list[str]:
    """The first update of one parameter written out with its numbers, one formula a line.

    Example:
        >>> explain_first_update("sgd", "output/bias[0]", 0.0, -0.148, 0.5)
        ['output/bias[0]: w <- w - lr x g = 0.000000 - 0.5 x (-0.148000) = 0.074000']
    """
    w, g, lr = float(w), float(g), float(learning_rate)
    after, parts = first_update(name, np.array(w), np.array(g), lr)
    p = {k: shown(np.asarray(v)) for k, v in parts.items()}    # shown: fixed decimals, e-notation when huge
    w, g, after = shown(w), shown(g), shown(after)
    if name == "sgd":
        return [f"{label}: w <- w - lr x g = {w:.6f} - {lr:g} x ({g:.6f}) = {after:.6f}"]
    if name == "momentum":
        return [f"{label}: gradient g = {g:.6f}",
                f"  velocity <- {MOMENTUM:g} x velocity - lr x g = {MOMENTUM:g} x 0 - {lr:g} x ({g:.6f}) "
                f"= {p['velocity']:.6f}",
                f"  w <- w + velocity = {w:.6f} + ({p['velocity']:.6f}) = {after:.6f}"]
    if name == "rmsprop":
        return [f"{label}: gradient g = {g:.6f}",
                f"  s <- {RHO:g} x s + {1 - RHO:.1f} x g^2 = {RHO:g} x 0 + {1 - RHO:.1f} x {g * g:.6g} = {p['s']:.6g}",
                f"  w <- w - lr x g / sqrt(s + {RMS_EPSILON:g}) = {w:.6f} - {lr:g} x ({g:.6f}) / "
                f"{np.sqrt(p['s'] + RMS_EPSILON):.6f} = {after:.6f}"]
    c1, c2 = 1 - F32_BETA_1, 1 - F32_BETA_2          # 1 - beta^1, with the betas in float32 as Keras has them
    step = shown(after - w)
    return [f"{label}: gradient g = {g:.6f}, t = 1",
            f"  m <- {BETA_1:g} x m + {1 - BETA_1:.1f} x g   = {BETA_1:g} x 0 + {1 - BETA_1:.1f} x ({g:.6f}) "
            f"= {p['m']:.6g}",
            f"  v <- {BETA_2:g} x v + {1 - BETA_2:.3f} x g^2 = {BETA_2:g} x 0 + {1 - BETA_2:.3f} x {g * g:.6g} "
            f"= {p['v']:.6g}",
            f"  bias correction: 1 - {BETA_1:g}^1 = {c1:.9g} and 1 - {BETA_2:g}^1 = {c2:.9g}, the betas in float32 "
            f"({F32_BETA_1:.9g}, {F32_BETA_2:.9g}) as Keras has them:",
            f"    m_hat = m / {c1:.9g} = {p['m_hat']:.6g},  v_hat = v / {c2:.9g} = {p['v_hat']:.6g}",
            f"  Keras folds it into the step size: alpha = lr x sqrt({c2:.9g}) / {c1:.9g} = {p['alpha']:.6g}",
            f"  w <- w - alpha x m / (sqrt(v) + {ADAM_EPSILON:g}) = {w:.6f} - {p['alpha']:.6g} x ({p['m']:.6g}) / "
            f"{np.sqrt(p['v']) + ADAM_EPSILON:.6g} = {after:.6f}",
            f"  (the same as w - lr x m_hat / (sqrt(v_hat) + {ADAM_EPSILON:g} / sqrt({c2:.9g})): w changes by "
            f"{step:+.6f}, a step of {abs(step) / lr:.4f} x lr)"]


def logistic_loss_surface(x, y, w_grid, b_grid) -> np.ndarray:
    """Mean binary cross-entropy of p = sigmoid(w * x + b) on 1-feature data, over a grid of (w, b).

    Args:
        x: (n,) or (n, 1) feature values; y: (n,) labels 0/1.
        w_grid, b_grid: (G1, G2) arrays, e.g. from ``np.meshgrid``.

    Returns:
        (G1, G2) losses.

    Example:
        >>> W, B = np.meshgrid(np.linspace(-4, 4, 50), np.linspace(-4, 4, 50))
        >>> logistic_loss_surface(ds.x_train, ds.y_train, W, B).shape
        (50, 50)
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    t = np.asarray(y, dtype=np.float64).reshape(-1)
    if x.shape != t.shape or x.size == 0:
        raise ValueError(f"x and y must hold the same non-zero number of examples, got {x.size} and {t.size}")
    w_grid, b_grid = np.asarray(w_grid, dtype=np.float64), np.asarray(b_grid, dtype=np.float64)
    if w_grid.shape != b_grid.shape:
        raise ValueError(f"w_grid and b_grid must have the same shape, got {w_grid.shape} and {b_grid.shape}")
    z = w_grid[..., None] * x + b_grid[..., None]                  # (G1, G2, n)
    return bce_from_logits(t, z, axis=-1)                # (G1, G2)
