"""Day 7's exercises: the rows of each mini-batch, and one epoch of mini-batch gradient descent."""
from __future__ import annotations

import numpy as np

from course.exercises.exercise import Example, Exercise, Mistake
from course.reference import neuron


def _batch_cases(rng):
    return [dict(n=10, batch_size=4), dict(n=12, batch_size=4), dict(n=7, batch_size=10), dict(n=5, batch_size=1)]


def _batches(n, batch_size):
    return [(start, min(start + batch_size, n)) for start in range(0, n, batch_size)]


BATCHES = Exercise(
    id="day7.batches", title="the (start, stop) rows of each mini-batch", function="batches", outputs=("batches",),
    cases=_batch_cases, oracle=_batches,
    mistakes=(
        Mistake("dropped_last", "the last, smaller batch is missing: its examples would never be trained on",
                lambda n, batch_size: [(s, s + batch_size) for s in range(0, n - batch_size + 1, batch_size)]),
        Mistake("past_the_end", "the last batch runs past the data: stop at n (min(start + batch_size, n))",
                lambda n, batch_size: [(s, s + batch_size) for s in range(0, n, batch_size)]),
        Mistake("inclusive_stop", "your stops are the last row of each batch: a stop is one past it, as in Python's "
                "slices (x[start:stop] takes rows start .. stop - 1)",
                lambda n, batch_size: [(s, min(s + batch_size, n) - 1) for s in range(0, n, batch_size)]),
    ),
    hints=("Every batch starts batch_size rows after the one before, from row 0.",
           "range(0, n, batch_size) gives every batch's first row. The last batch may be smaller: it ends at n.",
           "stop = min(start + batch_size, n): [(start, min(start + batch_size, n)) for start in "
           "range(0, n, batch_size)]."),
    heading="mini-batches",
    task="Split the rows 0 .. n-1 of a data set into mini-batches of batch_size rows, in order: give each batch "
         "as the pair (start, stop) of a Python slice, so that x[start:stop] is the batch. Every example is in "
         "exactly one batch; the last batch may be smaller.",
    args=(("n", "the number of examples"), ("batch_size", "the examples a batch holds")),
    returns="batches: a list of (start, stop) pairs, in order",
    example=Example("batches(6, 3)", "[(0, 3), (3, 6)]"),
    trap="when batch_size does not divide n, the last batch is smaller and must neither be dropped nor run past n.",
    solution="return [(start, min(start + batch_size, n)) for start in range(0, n, batch_size)]")


def _epoch_cases(rng):
    x = rng.normal(size=10)
    return [dict(x=np.array([0.5, 1.0, 2.0, 3.0]), y=np.array([0, 0, 1, 1]), w=0.5, b=0.0, learning_rate=0.5,
                 batch_size=2),
            dict(x=x, y=(x + rng.normal(0, 0.5, 10) > 0).astype(int), w=-0.2, b=0.3, learning_rate=0.3, batch_size=4)]


def _epoch(x, y, w, b, learning_rate, batch_size, *, per_batch_mean=True, last=True, full=False, frozen=False):
    bounds = [(0, len(x))] if full else _batches(len(x), batch_size)
    if not last:
        bounds = [(s, e) for s, e in bounds if e - s == batch_size]
    w0, b0 = w, b
    for start, stop in bounds:
        g = neuron.loss_and_gradients(x[start:stop], y[start:stop], *((w0, b0) if frozen else (w, b)))
        scale = 1.0 if per_batch_mean else (stop - start) / len(x)
        w, b = w - learning_rate * g["dw"] * scale, b - learning_rate * g["db"] * scale
    return w, b


MINIBATCH_EPOCH = Exercise(
    id="day7.minibatch_epoch", title="one epoch of mini-batch gradient descent on one sigmoid neuron",
    function="minibatch_epoch", outputs=("w", "b"), cases=_epoch_cases, oracle=_epoch,
    mistakes=(
        Mistake("full_batch", "you took one step on all the data: mini-batch descent takes one step per batch",
                lambda **k: _epoch(**k, full=True)),
        Mistake("dropped_last", "the last, smaller batch is missing: every example is used once an epoch",
                lambda **k: _epoch(**k, last=False)),
        Mistake("mean_over_all", "each batch's gradient is averaged over the whole data set: average over the "
                "batch's own examples", lambda **k: _epoch(**k, per_batch_mean=False)),
        Mistake("stale_weights", "every batch's gradient is taken at the w and b the epoch started with: each step "
                "must use the w and b the step before left", lambda **k: _epoch(**k, frozen=True)),
    ),
    hints=("Loop over the batches of day7.batches; for each one, the gradient of that batch alone (as in "
           "day3.neuron_gradients_bce), then one SGD step (day3.sgd_step).",
           "Each step starts from the w and b the step before left: the gradient of a batch is taken at the "
           "current w and b, and averaged over that batch's own examples.",
           "For each (start, stop): p = sigmoid(w x_b + b), dz = (p - y_b) / len(x_b), "
           "w -= lr * sum(dz * x_b), b -= lr * sum(dz)."),
    heading="an epoch of mini-batch gradient descent",
    task="Run one epoch of mini-batch gradient descent on one sigmoid neuron p = sigmoid(w x + b) with one input "
         "and the binary cross-entropy: the batches in order, one SGD step per batch, and give back the w and b "
         "the epoch ends with.",
    args=(("x", "(n,) inputs"), ("y", "(n,) labels, 0 or 1"), ("w", "the weight, a number"),
          ("b", "the bias, a number"), ("learning_rate", "lr, a number"), ("batch_size", "examples per step")),
    returns="(w, b): two numbers, after the epoch",
    example=Example("minibatch_epoch(np.array([0.5, 1.0, 2.0, 3.0]), np.array([0, 0, 1, 1]), 0.5, 0.0, 0.5, 2)",
                    "(0.7713266..., -0.0939782...)", "# two steps of 2 examples each"),
    trap="a batch's gradient is the mean over that batch, and every step sees the weights the step before left.",
    solution="""for start in range(0, len(x), batch_size):
    xb, yb = x[start:start + batch_size], y[start:start + batch_size]
    p = 1.0 / (1.0 + np.exp(-(w * xb + b)))
    dz = (p - yb) / len(xb)                    # the batch's mean: divide by the batch's size
    w, b = w - learning_rate * np.sum(dz * xb), b - learning_rate * np.sum(dz)
return float(w), float(b)""")

EXERCISES = (BATCHES, MINIBATCH_EPOCH)
