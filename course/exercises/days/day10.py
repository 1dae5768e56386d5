"""Day 10's exercise: one global batch split over replicas as Day 10's loop splits it (``split_batch``), each
replica's share of the gradient, and the all-reduce that sums them, as ``tf.distribute.MirroredStrategy`` does
(the oracle is NumPy; the tests hold it against the strategy over two logical CPUs, as Day 10 runs it)."""
from __future__ import annotations

import numpy as np

from course.exercises.exercise import Example, Exercise, Mistake
from course.reference.activations import sigmoid

WEIGHTS = np.array([0.8, -0.5, 0.3])      # a perceptron's w (2 features) and b: the model of the cases


def perceptron_gradient(x, y):
    """The mean gradient of the binary cross-entropy of a perceptron with ``WEIGHTS`` over the examples (x, y):
    [dL/dw_1, dL/dw_2, dL/db], what one device computes on a batch."""
    dz = (sigmoid(x @ WEIGHTS[:2] + WEIGHTS[2]) - y) / len(y)
    return np.append(x.T @ dz, dz.sum())


def _cases(rng):
    x7, x10 = rng.normal(size=(7, 2)), rng.normal(size=(10, 2))
    return [dict(x=np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), y=np.array([1, 0, 1]), replicas=2,
                 gradient=perceptron_gradient),
            dict(x=x7, y=(x7[:, 0] > 0).astype(int), replicas=2, gradient=perceptron_gradient),
            dict(x=x10, y=(x10.sum(axis=1) > 0).astype(int), replicas=3, gradient=perceptron_gradient)]


def _rows(m, replicas):      # as course.distribute.split_batch: the later replicas get the extra rows
    return [(r * m // replicas, (r + 1) * m // replicas) for r in range(replicas)]


def _all_reduce(x, y, replicas, gradient, *, split=_rows, scaled=True, averaged=False):
    m = len(y)
    shares = np.array([gradient(x[a:b], y[a:b]) * ((b - a) / m if scaled else 1.0) for a, b in split(m, replicas)])
    if averaged:
        shares = np.array([gradient(x[a:b], y[a:b]) / replicas for a, b in split(m, replicas)])
    return shares, shares.sum(axis=0)


def _numpy_split(m, replicas):   # np.array_split, like tf.data's distributed datasets: the first get the extra rows
    bounds = np.cumsum([0, *[len(part) for part in np.array_split(np.arange(m), replicas)]])
    return list(zip(bounds[:-1], bounds[1:]))


def _even(m, replicas):                       # m // R rows each: the rest dropped
    k = m // replicas
    return [(r * k, (r + 1) * k) for r in range(replicas)]


ALL_REDUCE = Exercise(
    id="day10.all_reduce", title="a global batch split over replicas, their gradient shares, the all-reduce",
    function="all_reduce", outputs=("shares", "total"), cases=_cases, oracle=_all_reduce,
    mistakes=(
        Mistake("mean_of_means", "you averaged the replicas' mean gradients: when their slices differ in size "
                "(an odd batch over 2 replicas) that is not the batch's mean. Each share is the slice's mean x its "
                "rows / m, as tf.nn.compute_average_loss divides by the global batch size",
                lambda **k: _all_reduce(**k, averaged=True)),
        Mistake("unscaled", "each replica's share is its own mean gradient: the all-reduce sums them, so divide each "
                "by the global batch, not its slice (mean x rows / m)", lambda **k: _all_reduce(**k, scaled=False)),
        Mistake("split", "the slices are not Day 10's: its loop (split_batch) gives replica r rows r*m//R up to "
                "(r+1)*m//R, so with 3 rows replica 0 gets 1 and replica 1 gets 2; np.array_split (like tf.data's "
                "distributed datasets) gives the first replica the extra row. The total is the same either way",
                lambda **k: _all_reduce(**k, split=_numpy_split)),
        Mistake("dropped_rows", "rows are left out: m // R rows each drops the remainder; replica r gets rows r*m//R "
                "up to (r+1)*m//R, every row once", lambda **k: _all_reduce(**k, split=_even)),
    ),
    hints=("Each replica computes the gradient on its own slice of the global batch; the all-reduce adds the "
           "replicas' results; every replica then applies that sum.",
           "Replica r gets rows r*m//R up to (r+1)*m//R. Its loss is the sum of its examples' losses divided by the "
           "global batch size m, so its share is gradient(its rows) x (its rows) / m.",
           "shares[r] = gradient(x[a:b], y[a:b]) * (b - a) / m with a, b = r*m//R, (r+1)*m//R; total = "
           "shares.sum(axis=0)."),
    heading="the all-reduce",
    task="Do by hand what tf.distribute.MirroredStrategy does with one global batch: split its m examples over "
         "the replicas as Day 10's loop does (course.distribute.split_batch: consecutive slices, the later "
         "replicas taking the extra rows), let each replica compute its share of the gradient, and all-reduce "
         "(sum) the shares. The sum must be the gradient one device computes on the whole batch.",
    args=(("x", "(m, d) the global batch's inputs"), ("y", "(m,) its labels"), ("replicas", "R, the replicas"),
          ("gradient", "gradient(x_slice, y_slice) gives the mean gradient over those examples, an array (what one "
                       "device computes)")),
    returns="(shares, total): shares (R, p) one row per replica, total (p,) their sum",
    example=Example("np.allclose(all_reduce(x, y, 2, gradient)[1], gradient(x, y))", "True",
                    "# the all-reduced gradient is the whole batch's",
                    setup=("x, y = np.array([[1.0], [2.0], [4.0]]), np.array([1.0, 2.0, 3.0])",
                           "gradient = lambda xs, ys: np.array([np.mean(xs[:, 0] * ys), np.mean(ys)])")),
    trap="with an odd batch the replicas' slices differ in size: averaging their mean gradients weighs the smaller "
         "slice's examples more.",
    solution="""m = len(y)
shares = []
for r in range(replicas):
    a, b = r * m // replicas, (r + 1) * m // replicas    # replica r's rows, as Day 10's loop splits
    shares.append(gradient(x[a:b], y[a:b]) * (b - a) / m) # its share: sum of its losses / m
shares = np.array(shares)                                  # (R, p)
return shares, shares.sum(axis=0)                          # the all-reduce: a sum""")

EXERCISES = (ALL_REDUCE,)
