"""Day 2's training step, the four lines every lesson trains with: a TensorFlow exercise. The learner's step runs
k times from a seeded model in the worker, watched (``course.exercises.tfsteps``), beside the course's own
step driven the same way there; the typical mistakes are recognised by what the step did (every gradient
None, two updates a step, pairs the wrong way round), not by its source.
"""
from __future__ import annotations

import numpy as np

from course.exercises import tfsteps
from course.exercises.exercise import TF_IMPORTS, TF_SECONDS, Example, Exercise, Mistake
from course.exercises.wire import Build


def _step_cases(rng):
    x1, x2 = rng.normal(size=(8, 2)).astype(np.float32), rng.normal(size=(10, 4)).astype(np.float32)
    return [dict(model=Build(tfsteps.mlp, n_features=2, hidden=(4,), activation="relu", seed=0),
                 loss_fn=Build(tfsteps.loss, kind="binary"), optimizer=Build(tfsteps.optimizer, name="sgd",
                                                                                learning_rate=0.5),
                 x=x1, y=(x1[:, 0] * x1[:, 1] > 0).astype(np.int64), steps=3),
            dict(model=Build(tfsteps.normalised_classifier, n_features=4, units=5, n_classes=3, seed=1),
                 loss_fn=Build(tfsteps.loss, kind="categorical"), optimizer=Build(tfsteps.optimizer, name="adam",
                                                                                  learning_rate=0.05),
                 x=x2, y=rng.integers(0, 3, 10), steps=3)]


def _calls(actual) -> dict:
    """The columns of the learner's ``calls`` (``tfsteps.COLUMNS``), one entry per step."""
    rows = np.asarray(actual[3], dtype=np.int64).reshape(-1, len(tfsteps.COLUMNS))
    return {name: rows[:, i] for i, name in enumerate(tfsteps.COLUMNS)}


def _when(test):
    """A predicate on the learner's calls: ``test(calls, case, actual, expected)``."""
    return lambda case, actual, expected: test(_calls(actual), case, actual, expected)


def _summed(c, case, actual, expected):
    n = len(case["x"])
    return bool(np.isclose(actual[2][0], n * expected[2][0], rtol=1e-4)) and {"n": n}


def _learner_step(model, loss_fn, optimizer, x, y, *, outside=False, variables=None, pairs="right", times=1,
                  sum_loss=False, training=True, returns=True):
    """A learner's train_step, right or with one mistake (the catalogue's examples)."""
    from course.core.runtime import tf
    predictions = model(x, training=training) if outside else None
    with tf.GradientTape() as tape:
        predictions = model(x, training=training) if not outside else predictions
        loss = loss_fn(y, predictions)
        loss = loss * tf.cast(tf.shape(x)[0], loss.dtype) if sum_loss else loss
    watched = {"trainable": model.trainable_variables, "weights": model.weights,
               "kernels": model.trainable_variables[::2]}[variables or "trainable"]
    grads = tape.gradient(loss, watched)
    for _ in range(times):
        optimizer.apply_gradients(zip(watched, grads) if pairs == "reversed" else zip(grads, watched))
    return loss if returns else None


def _own_update(model, loss_fn, optimizer, x, y):
    from course.core.runtime import tf
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    for grad, variable in zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables):
        variable.assign_sub(0.5 * grad)
    return loss


def _step(**how):
    def step(model, loss_fn, optimizer, x, y):
        return _learner_step(model, loss_fn, optimizer, x, y, **how)
    return step


TRAIN_STEP = Exercise(
    id="day2.train_step", title="the training step: the forward pass and the loss on a GradientTape, the "
                                "gradients, one update", function="train_step",
    outputs=("weights", "state", "losses", "calls"), cases=_step_cases, oracle=tfsteps.course_train_step,
    drive=tfsteps.run_steps, reference_in_worker=True, tensorflow=True, seconds=TF_SECONDS, imports=TF_IMPORTS,
    rtol=1e-5, atol=1e-7, keeps_inputs=False, train="step", shown=("losses", "weights"),
    mistakes=(
        Mistake("pairs_order", "apply_gradients takes (gradient, variable) pairs and got (variable, gradient): "
                "zip(grads, variables), the gradients first", _step(pairs="reversed"),
                when=_when(lambda c, *_: bool(c["reversed"].any()))),
        Mistake("loss_outside_tape", "every gradient is None: the tape recorded no path from the weights to the "
                "loss. The forward pass model(x, training=True) and the loss must both be computed inside "
                "`with tf.GradientTape() as tape:`", _step(outside=True),
                when=_when(lambda c, *_: bool(((c["applies"] > 0) & (c["given"] == 0) & (c["none"] > 0)).any()))),
        Mistake("no_step", "the weights never changed: the step must apply the gradients, "
                "optimizer.apply_gradients(zip(grads, model.trainable_variables))", _step(times=0),
                when=_when(lambda c, *_: bool(((c["applies"] == 0) & (c["moved"] == 0)).all()))),
        Mistake("own_update", "the weights changed, but not through the optimizer you were given: use "
                "optimizer.apply_gradients, which applies the optimizer's own rule and keeps its state (momentum, "
                "Adam's m and v) and step count", _own_update,
                when=_when(lambda c, *_: bool((c["applies"] == 0).all() and c["moved"].any()))),
        Mistake("twice", "the update is applied {times} times a step: call optimizer.apply_gradients once",
                _step(times=2), when=_when(lambda c, *_: bool((c["applies"] > 1).any()) and
                                           {"times": int(c["applies"].max())})),
        Mistake("non_trainable", "you took the gradients of model.weights, which holds non-trainable variables "
                "too (a BatchNormalization layer's moving mean and variance: their gradients are None, and no "
                "optimizer trains them): use model.trainable_variables", _step(variables="weights"),
                when=_when(lambda c, *_: bool(c["foreign"].any()))),
        Mistake("some_variables", "{k} of the model's trainable variables got no update each step: take the "
                "gradients of all of model.trainable_variables and apply them to all of them",
                _step(variables="kernels"), when=_when(lambda c, *_: bool((c["left_out"] + c["none"]).any()) and
                                                       {"k": int((c["left_out"] + c["none"]).max())})),
        Mistake("no_loss", "your train_step did not return the loss as one number (a `return loss` missing? a "
                "tuple?): return the scalar loss_fn gave", _step(returns=False),
                when=_when(lambda c, *_: bool((c["returned"] == 0).any()))),
        Mistake("sum", "your loss is the sum over the batch's {n} examples, n times the mean Keras's losses take: "
                "the step grows with the batch size", _step(sum_loss=True), when=_when(_summed)),
        Mistake("training_flag", "the BatchNormalization layer's moving mean and variance never moved: the "
                "forward pass ran in inference mode. Call model(x, training=True) in the training step",
                _step(training=False), when=_when(lambda c, case, actual, expected: bool(
                    _calls(expected)["state_moved"].any() and not c["state_moved"].any()))),
    ),
    hints=("Four lines, in order: record the forward pass and the loss on a tape; ask the tape for the gradients; "
           "hand them to the optimizer; give the loss back.",
           "Inside `with tf.GradientTape() as tape:` compute predictions = model(x, training=True) and loss = "
           "loss_fn(y, predictions): the tape sees only what happens inside. Outside it, tape.gradient(loss, "
           "model.trainable_variables) gives one gradient per variable.",
           "grads = tape.gradient(loss, model.trainable_variables); then optimizer.apply_gradients(zip(grads, "
           "model.trainable_variables)) does w <- w - lr * dL/dw (or the optimizer's own rule); return loss."),
    heading="the training step",
    task="Write the step every lesson of the course trains with: run the model on the batch and compute the loss "
         "while a tf.GradientTape records, ask the tape for the gradient of the loss with respect to every "
         "trainable variable, let the optimizer apply them (one update), and return the loss.",
    args=(("model", "a Keras model; model(x, training=True) gives the (batch, outputs) predictions"),
          ("loss_fn", "a Keras loss; loss_fn(y, predictions) is the batch's mean loss, a scalar"),
          ("optimizer", "a Keras optimizer; its apply_gradients takes (gradient, variable) pairs"),
          ("x", "(batch, n_features) float32 inputs"),
          ("y", "the labels: (batch, 1) float32 for one sigmoid output, (batch,) int32 for softmax")),
    returns="the loss, a scalar tensor: the batch's mean loss before the update",
    example=Example("float(train_step(model, keras.losses.BinaryCrossentropy(), keras.optimizers.SGD(0.5), x, y))",
                    "0.86...", "# the loss before the update",
                    setup=("from course import models", "model = models.mlp(2, hidden=(3,), seed=0)",
                           "x = np.array([[0.5, -1.0], [1.5, 0.25]], np.float32)",
                           "y = np.array([[0.0], [1.0]], np.float32)")),
    trap="only what happens inside the `with tf.GradientTape()` block is recorded: a loss computed after it has "
         "no gradient (every one is None).",
    solution="""with tf.GradientTape() as tape:                     # 1. record the forward pass
    predictions = model(x, training=True)           # (batch, n_features) -> (batch, outputs)
    loss = loss_fn(y, predictions)                  # 2. how wrong are we? a scalar
grads = tape.gradient(loss, model.trainable_variables)              # 3. dL/dw for every w
optimizer.apply_gradients(zip(grads, model.trainable_variables))    # 4. w <- w - lr * dL/dw
return loss""")

EXERCISES = (TRAIN_STEP,)
