"""Day 7's epoch of mini-batches from a seeded ``tf.data.Dataset``: a TensorFlow exercise. The learner's loop runs in
the worker beside the course's own loop driven the same way there (``course.exercises.tfepochs``); the typical
mistakes are recognised by what the loop did: the batches it made, the order the examples came in.
"""
from __future__ import annotations

import numpy as np

from course.exercises import tfepochs, tfsteps
from course.exercises.exercise import TF_IMPORTS, TF_SECONDS, Example, Exercise, Mistake
from course.exercises.wire import Build


def inputs(rng, n, hidden, name, learning_rate, seed):
    """A case's model (Day 2's MLP with tanh units), loss, optimizer and n examples of 2 features."""
    x = rng.normal(size=(n, 2)).astype(np.float32)
    return dict(model=Build(tfsteps.mlp, n_features=2, hidden=hidden, activation="tanh", seed=seed),
                loss_fn=Build(tfsteps.loss, kind="binary"),
                optimizer=Build(tfsteps.optimizer, name=name, learning_rate=learning_rate),
                x=x, y=(x[:, 0] + x[:, 1] ** 2 > 0.5).astype(np.int64))


def _epoch_cases(rng):
    return [dict(**inputs(rng, 10, (3,), "sgd", 0.3, 0), batch_size=4, seed=7),
            dict(**inputs(rng, 13, (4,), "adam", 0.05, 1), batch_size=5, seed=3)]


def _order(case, actual, expected, test):
    order, want = np.asarray(actual[2]), np.asarray(expected[2])
    return len(order) == len(want) and not np.array_equal(order, want) and test(order, np.asarray(actual[1]))


def _stored(order, sizes) -> bool:
    return bool((order == np.arange(len(order))).all())


def _every_row_once(order, sizes) -> bool:
    return bool((np.sort(order) == np.arange(len(order))).all())


def _only_the_losses(case, actual, expected) -> bool:
    """The weights, the batches and the order are right; the losses returned are not one per step."""
    return len(actual[3]) != len(expected[3]) and all(
        np.shape(a) == np.shape(e) and np.allclose(a, e, rtol=1e-5) for a, e in zip(actual[:3], expected[:3]))


def _contiguous(order, sizes) -> bool:
    """Every batch is a run of consecutive rows in their stored order: the batches were shuffled, not the rows."""
    starts = np.cumsum([0, *sizes[:-1]])
    return all(np.array_equal(order[s:s + k], np.arange(order[s], order[s] + k)) for s, k in zip(starts, sizes))


def _learner_epoch(model, loss_fn, optimizer, x, y, batch_size, seed, train_step, *, shuffle=True, seeded=True,
                   drop=False, batch_first=False, passes=1, returns="all"):
    """A learner's epoch, right or with one mistake (the catalogue's examples)."""
    from course.core.runtime import tf
    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    if batch_first:
        dataset = dataset.batch(batch_size).shuffle(len(x), seed=seed)
    else:
        dataset = dataset.shuffle(len(x), seed=seed if seeded else None) if shuffle else dataset
        dataset = dataset.batch(batch_size, drop_remainder=drop)
    losses = [train_step(model, loss_fn, optimizer, xb, yb) for xb, yb in dataset.repeat(passes)]
    return losses if returns == "all" else losses[-1]


def _epoch(**how):
    def train_epoch(model, loss_fn, optimizer, x, y, batch_size, seed, train_step):
        return _learner_epoch(model, loss_fn, optimizer, x, y, batch_size, seed, train_step, **how)
    return train_epoch


def _own_loop(model, loss_fn, optimizer, x, y, batch_size, seed, train_step):
    from course.exercises.tfsteps import course_train_step
    return [course_train_step(model, loss_fn, optimizer, x[s:s + batch_size], y[s:s + batch_size])
            for s in range(0, len(x), batch_size)]


TRAIN_EPOCH = Exercise(
    id="day7.train_epoch", title="an epoch of mini-batches from a seeded tf.data.Dataset, each through train_step",
    function="train_epoch", outputs=("weights", "sizes", "order", "losses"), cases=_epoch_cases,
    oracle=tfepochs.course_epoch, drive=tfepochs.run_epoch, reference_in_worker=True, tensorflow=True,
    seconds=TF_SECONDS, imports=TF_IMPORTS, rtol=1e-5, atol=1e-7, keeps_inputs=False, train="epoch",
    shown=("sizes", "order"),
    mistakes=(
        Mistake("never_called", "your loop never called train_step: every batch goes through train_step(model, "
                "loss_fn, optimizer, x_batch, y_batch), the step you were given", _own_loop,
                when=lambda case, actual, expected: len(actual[1]) == 0),
        Mistake("too_many", "your loop went over the data {times} times ({got} examples for {n}): an epoch is one "
                "pass over it", _epoch(passes=2), when=lambda case, actual, expected: len(actual[2]) > len(case["x"])
                and {"got": len(actual[2]), "n": len(case["x"]), "times": f"{len(actual[2]) / len(case['x']):g}"}),
        Mistake("dropped_last", "the last, smaller batch is missing (drop_remainder=True?): keep it, so every "
                "example is trained on once an epoch", _epoch(drop=True),
                when=lambda case, actual, expected: sum(actual[1]) < len(case["x"]) and
                list(actual[1]) == list(expected[1])[:len(actual[1])]),
        Mistake("not_shuffled", "the examples came in their stored order: shuffle them before batching, "
                "dataset.shuffle(len(x), seed=seed)", _epoch(shuffle=False),
                when=lambda case, actual, expected: _order(case, actual, expected, _stored)),
        Mistake("batched_then_shuffled", "each batch holds consecutive rows: you shuffled the batches, not the "
                "examples (.batch() before .shuffle()): shuffle first, then batch", _epoch(batch_first=True),
                when=lambda case, actual, expected: _order(case, actual, expected, _contiguous)),
        Mistake("seed", "the examples came shuffled, but not in the course's order: shuffle with a buffer of all "
                "the examples and the seed you were given, dataset.shuffle(len(x), seed=seed), and go over the "
                "dataset once: each pass reshuffles it, so a pass made first (len(list(dataset)) to count the "
                "batches) leaves the training the next order", _epoch(seeded=False),
                when=lambda case, actual, expected: _order(case, actual, expected, _every_row_once)),
        Mistake("losses", "the training is right, but return every step's loss, a list with one per batch",
                _epoch(returns="last"), when=_only_the_losses),
    ),
    hints=("A tf.data.Dataset of (x, y) pairs can shuffle its examples and group them into batches; a for loop "
           "over it gives one (x_batch, y_batch) at a time.",
           "tf.data.Dataset.from_tensor_slices((x, y)) makes the pairs; .shuffle(len(x), seed=seed) mixes all of "
           "them (in the order the seed gives); .batch(batch_size) keeps the last, smaller batch.",
           "dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).batch(batch_size); "
           "losses = [train_step(model, loss_fn, optimizer, xb, yb) for xb, yb in dataset]."),
    heading="an epoch of mini-batches",
    task="Train for one epoch: every example once, in a shuffled order that the seed fixes, in mini-batches of "
         "batch_size examples (the last one smaller when batch_size does not divide the data), each batch one "
         "call of train_step. Use a tf.data.Dataset for the shuffling and the batching, and return each step's "
         "loss.",
    args=(("model", "a Keras model"), ("loss_fn", "a Keras loss"), ("optimizer", "a Keras optimizer"),
          ("x", "(n, n_features) float32 inputs"), ("y", "(n, 1) float32 labels"),
          ("batch_size", "examples per step"), ("seed", "seeds the shuffle, a number"),
          ("train_step", "train_step(model, loss_fn, optimizer, x_batch, y_batch) makes one update and returns the "
                         "loss (day2.train_step; the check gives the course's)")),
    returns="the losses, a list with one scalar per step (ceil(n / batch_size) of them)",
    example=Example("len(train_epoch(model, loss_fn, optimizer, x, y, 4, 0, step))", "3", "# batches of 4, 4 and 2",
                    setup=("from course import models, training",
                           "model = models.mlp(2, hidden=(3,))",
                           "loss_fn, optimizer = keras.losses.BinaryCrossentropy(), keras.optimizers.SGD(0.1)",
                           "x, y = np.zeros((10, 2), np.float32), np.ones((10, 1), np.float32)",
                           "step = lambda *args: training.train_step(*args)[0]")),
    trap="tf.data's .batch(batch_size, drop_remainder=True) drops the last, smaller batch: its examples would never "
         "be trained on.",
    solution="""dataset = tf.data.Dataset.from_tensor_slices((x, y))          # n (x, y) pairs
dataset = dataset.shuffle(len(x), seed=seed).batch(batch_size)   # all n mixed, then batches
return [train_step(model, loss_fn, optimizer, x_batch, y_batch) for x_batch, y_batch in dataset]""")

EXERCISES = (TRAIN_EPOCH,)
