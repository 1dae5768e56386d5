"""Day 7's logged epoch: the loop writes the loss every step and a histogram of each weight and each gradient to
TensorBoard with ``tf.summary``, under the course's tags. A TensorFlow exercise: the learner's loop runs in the
worker on a writer into a temporary directory, and the event files are read back with TensorBoard's own reader
beside those of the course's loop run the same way (``course.exercises.tflogs``).
"""
from __future__ import annotations

import numpy as np

from course.exercises import tflogs
from course.exercises.days.day7_keras import inputs
from course.exercises.exercise import TF_IMPORTS, TF_SECONDS, Example, Exercise, Mistake


def _log_cases(rng):
    return [dict(**inputs(rng, 6, (2,), "sgd", 0.3, 0), batch_size=2, step=1),
            dict(**inputs(rng, 7, (3,), "adam", 0.05, 1), batch_size=3, step=5)]


def _listed(tags) -> str:
    tags = list(tags)
    return ", ".join(tags[:3]) + (f" (and {len(tags) - 3} more)" if len(tags) > 3 else "") if tags else "none"


def _tags(case, actual, expected):
    got, want = set(actual[0]), set(expected[0])
    return bool(got) and got != want and {"missing": _listed(sorted(want - got)), "extra": _listed(sorted(got - want))}


def _same_tags(test):
    """A predicate on the steps or values of the learner's tags, when the tags are the course's."""
    return lambda case, actual, expected: tuple(actual[0]) == tuple(expected[0]) and test(case, actual, expected)


def _offset(case, actual, expected):
    shifts = {a[0] - e[0] for a, e in zip(actual[1], expected[1]) if len(a) == len(e) and len(a)
              and np.array_equal(np.subtract(a, a[0]), np.subtract(e, e[0]))}
    return len(shifts) == 1 and 0 not in shifts and {"got": case["step"] + shifts.pop(), "want": case["step"]}


def _stuck(case, actual, expected):
    loss = actual[1][list(actual[0]).index("batch_loss")]
    return len(loss) > 1 and len(set(loss)) == 1 and {"step": loss[0]}


def _gradients_as_weights(case, actual, expected):
    tags, values = list(actual[0]), actual[2]
    return any(tag.startswith("gradients/") and np.shape(values[i]) == np.shape(expected[2][tags.index(weights)])
               and np.allclose(values[i], expected[2][tags.index(weights)])
               for i, tag in enumerate(tags) for weights in _values_tag(tag) if weights in tags)


def _one_step_behind(case, actual, expected):
    """The weights' and biases' histograms are the course's of the step before: logged before the update."""
    tags, shifted = list(actual[0]), []
    for i, tag in enumerate(tags):
        if tag.startswith(("weights/", "biases/")):
            got, want = np.asarray(actual[2][i]), np.asarray(expected[2][i])
            if got.shape != want.shape or len(got) < 2:
                return False
            shifted.append(np.allclose(got[1:], want[:-1]) and not np.allclose(got, want))
    return bool(shifted) and all(shifted)


def _values_tag(gradient_tag):
    layer_kind = gradient_tag.removeprefix("gradients/")
    if "/" not in layer_kind:
        return []
    layer, kind = layer_kind.rsplit("/", 1)
    family = {"kernel": "weights", "bias": "biases"}.get(kind, kind)
    return [f"{family}/{layer}"]


def _learner_logged(model, loss_fn, optimizer, dataset, writer, step, train_step, *, default=True, tags="course",
                    first=0, advance=1, gradients=True, returns=True, early=False):
    """A learner's logged epoch, right or with one mistake (the catalogue's examples)."""
    from course.core.runtime import tf
    step += first
    for x_batch, y_batch in dataset:
        before = [tf.identity(variable) for variable in model.trainable_variables]
        loss, _, grads = train_step(model, loss_fn, optimizer, x_batch, y_batch)
        with writer.as_default() if default else tf.summary.create_noop_writer().as_default():
            tf.summary.scalar("batch_loss" if tags == "course" else "loss", loss, step=step)
            for variable, grad, old in zip(model.trainable_variables, grads, before):
                values_tag, gradient_tag = tflogs.tags_of(variable)
                if tags != "course":
                    values_tag, gradient_tag = variable.path, f"{variable.path}/gradient"
                tf.summary.histogram(values_tag, old if early else variable, step=step)
                tf.summary.histogram(gradient_tag, grad if gradients else variable, step=step)
        step += advance
    return step if returns else None


def _logged(**how):
    def logged_epoch(model, loss_fn, optimizer, dataset, writer, step, train_step):
        return _learner_logged(model, loss_fn, optimizer, dataset, writer, step, train_step, **how)
    return logged_epoch


LOGGED_EPOCH = Exercise(
    id="day7.logged_epoch", title="an epoch that logs the loss, the weights and the gradients to TensorBoard",
    function="logged_epoch", outputs=("tags", "steps", "values", "weights", "returned"), cases=_log_cases,
    oracle=tflogs.course_logged_epoch, drive=tflogs.run_logged, reference_in_worker=True, tensorflow=True,
    seconds=TF_SECONDS, imports=TF_IMPORTS, rtol=1e-5, atol=1e-7, keeps_inputs=False, train="logged",
    shown=("tags", "steps", "returned"),
    mistakes=(
        Mistake("nothing_written", "nothing reached the writer: tf.summary writes to the default writer, so the "
                "calls go inside `with writer.as_default():`", _logged(default=False),
                when=lambda case, actual, expected: len(actual[0]) == 0),
        Mistake("tags", "the tags are not the course's: missing {missing}; not the course's: {extra}. The course "
                "writes batch_loss, weights/<layer> and biases/<layer>, gradients/<layer>/kernel and "
                "gradients/<layer>/bias", _logged(tags="paths"), when=_tags),
        Mistake("same_step", "every loss is written at step {step}: add 1 to the step after each batch, or "
                "TensorBoard draws one point", _logged(advance=0), when=_same_tags(_stuck)),
        Mistake("step_offset", "your steps start at {got}, the course's at {want}: the first update of this epoch is "
                "step {want}, the step you were given", _logged(first=-1), when=_same_tags(_offset)),
        Mistake("gradients_are_weights", "a gradients/ histogram holds the weights' values: log each gradient "
                "(grads from train_step) under its gradients/ tag", _logged(gradients=False),
                when=_same_tags(_gradients_as_weights)),
        Mistake("before_update", "your weights/ and biases/ histograms are one update behind the course's: you "
                "logged the variables before train_step changed them. Log them after the step, with the loss and the "
                "gradients of that update", _logged(early=True), when=_same_tags(_one_step_behind)),
        Mistake("returned", "the logs are right; return the step the next epoch starts at (the last step written "
                "+ 1)", _logged(returns=False), when=lambda case, actual, expected: tuple(actual[0]) == tuple(
                    expected[0]) and not np.isclose(actual[4], expected[4])
                and all(tuple(a) == tuple(e) for a, e in zip(actual[1], expected[1]))),
    ),
    hints=("After each update, three kinds of summary: the loss, a scalar; the weights and the gradients, as "
           "histograms. Each at the step of that update, so TensorBoard can draw them against the steps.",
           "Inside `with writer.as_default():` tf.summary.scalar(tag, value, step=step) and tf.summary.histogram(tag, "
           "values, step=step) write. A variable's path, 'mlp/hidden_1/kernel', ends in its layer and its kind.",
           "layer, kind = variable.path.split('/')[-2:]; tags: 'batch_loss', ('weights' if kind == 'kernel' else "
           "'biases') + '/' + layer, and f'gradients/{layer}/{kind}'; step += 1 after each batch."),
    heading="logging to TensorBoard",
    task="Train for one epoch over the batches of dataset with train_step, and after each update write to "
         "TensorBoard with tf.summary, through writer: the loss as the scalar batch_loss, and a histogram of each "
         "trainable variable and of its gradient, under the course's tags (weights/<layer> for a kernel, "
         "biases/<layer> for a bias, gradients/<layer>/kernel and gradients/<layer>/bias), at the update's step: "
         "the first update is step `step`, the next step + 1. Return the step the next epoch starts at.",
    args=(("model", "a Keras model"), ("loss_fn", "a Keras loss"), ("optimizer", "a Keras optimizer"),
          ("dataset", "a tf.data.Dataset of (x_batch, y_batch) pairs"),
          ("writer", "a summary writer, tf.summary.create_file_writer(run_directory)"),
          ("step", "the step number of this epoch's first update, a number"),
          ("train_step", "train_step(model, loss_fn, optimizer, x_batch, y_batch) makes one update and returns "
                         "(loss, predictions, grads), the grads in model.trainable_variables' order")),
    returns="the step after the last one written, a number (step + the number of batches)",
    example=Example("logged_epoch(model, loss_fn, optimizer, dataset, writer, 1, training.train_step)", "3",
                    "# two batches: steps 1 and 2 written",
                    setup=("from course import models, training",
                           "model = models.mlp(2, hidden=(3,))",
                           "loss_fn, optimizer = keras.losses.BinaryCrossentropy(), keras.optimizers.SGD(0.1)",
                           "dataset = tf.data.Dataset.from_tensor_slices((np.zeros((4, 2), np.float32), "
                           "np.ones((4, 1), np.float32))).batch(2)",
                           "writer = tf.summary.create_noop_writer()")),
    trap="tf.summary calls outside `with writer.as_default():` write nothing, and raise no error.",
    solution="""for x_batch, y_batch in dataset:
    loss, predictions, grads = train_step(model, loss_fn, optimizer, x_batch, y_batch)
    with writer.as_default():
        tf.summary.scalar("batch_loss", loss, step=step)
        for variable, grad in zip(model.trainable_variables, grads):
            layer, kind = variable.path.split("/")[-2:]          # "mlp/hidden_1/kernel"
            values = "weights" if kind == "kernel" else "biases"
            tf.summary.histogram(f"{values}/{layer}", variable, step=step)
            tf.summary.histogram(f"gradients/{layer}/{kind}", grad, step=step)
    step += 1
return step""")

EXERCISES = (LOGGED_EPOCH,)
