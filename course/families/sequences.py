"""Generated sequence tasks where memory matters, as flat ``Dataset``s the course's loop can train on.

The *marked sign* task: at every step t a sequence holds a value v_t in {-1, +1} and a marker
m_t in {0, 1}; exactly one step is marked, and the label is 1 when the marked value is +1. The
marker sits ``lag`` to ``lag + window - 1`` steps before the last one, so the answer must be carried
for at least ``lag`` steps of distractors: a short-range task with ``lag=0`` (the mark is near the
end), a long-range one with ``lag = length - window`` (the mark is near the start).

Each example is stored flat, step after step: ``[v_0, m_0, v_1, m_1, ...]``, shape (2 * length,);
a model's first layer reshapes it to (length, 2).

    ds = marked_sign(seed=0, length=40, lag=35)     # the long-range version
    ds.x_train.shape, ds.y_train[:4]                # (1600, 80), array([0, 1, 1, 0])
"""
from __future__ import annotations

import numpy as np

from course.checks import check_int, check_seed
from course.core.dataset import Dataset, from_arrays

CHANNELS = 2     # (value, marker) at every step


def marked_sign(seed=0, n_samples=2000, length=40, lag=0, window=5, validation_fraction=0.2) -> Dataset:
    """Sequences of +-1 values with one marked step; label 1 when the marked value is +1.

    Args:
        seed: seeds the values, the marker positions and the split.
        n_samples: number of sequences (train + validation).
        length: steps per sequence; each example has ``2 * length`` features.
        lag: the marker lies ``lag`` to ``lag + window - 1`` steps before the last step.
        window: how many positions the marker is drawn from (uniformly).

    Example:
        >>> ds = marked_sign(length=10, lag=5)          # marker among steps 0..4
        >>> steps = ds.x_train.reshape(-1, 10, 2)       # (n, length, [value, marker])
        >>> steps[:, 5:, 1].sum()                       # no marker in the last 5 steps
        0.0
    """
    seed = check_seed(seed)
    check_int("n_samples", n_samples, minimum=10)
    check_int("length", length)
    check_int("window", window)
    if check_int("lag", lag, minimum=0) + window > length:
        raise ValueError(f"lag must be an integer from 0 to length - window = {length - window}, got {lag!r}")
    rng = np.random.default_rng(seed)
    values = rng.choice([-1.0, 1.0], size=(n_samples, length))          # (n, length)
    where = length - 1 - lag - rng.integers(0, window, n_samples)      # (n,) the marked step
    markers = np.zeros((n_samples, length))
    markers[np.arange(n_samples), where] = 1.0
    y = (values[np.arange(n_samples), where] > 0).astype(np.int64)      # (n,) sign of the marked value
    x = np.stack([values, markers], axis=-1).reshape(n_samples, CHANNELS * length)   # (n, 2 * length)
    names = [f"{kind}_{t}" for t in range(length) for kind in ("value", "marker")]
    first, last = length - lag - window, length - 1 - lag
    # the values are on one scale already: standardising each step would change what a marker means
    return from_arrays(f"marked_sign_lag{lag}", x, y, seed=seed, validation_fraction=validation_fraction,
                       class_names=("marked -1", "marked +1"), feature_names=names, standardise=False,
                       description=f"{n_samples} sequences of {length} steps (value +-1, marker); the mark is "
                                   f"at step {first}..{last}, {lag}..{lag + window - 1} steps before the end")


def as_steps(x, length) -> np.ndarray:
    """Flat examples (n, 2 * length) -> (n, length, 2): the view the models' ``Reshape`` takes."""
    x = np.asarray(x)
    return x.reshape(x.shape[0], length, CHANNELS)
