"""A learner's passing function in the real loop: the lesson's Keras model trained with it, logged beside the
course's own rule, so both loss curves sit on one TensorBoard chart.

An update-rule exercise (SGD, momentum, RMSprop, Adam) becomes the optimizer: every step, each weight,
its gradient and its state go through the learner's NumPy function. A gradient exercise replaces step
3 of the training step, ``tape.gradient``: the learner's function computes dL/dw from the batch.
Either way the course's GradientTape loop (``training.fit``) runs it, eagerly (a NumPy function is
called from Python), and ``train_and_log`` writes it to TensorBoard.

    runs = train_exercise(EXERCISES["day3.sgd_step"], sgd_step, logdir="logs")
    runs["yours"].run_dir, runs["course"].run_dir          # logs/exercises/<time>_day3.sgd_step, ..._course

``course check --train`` runs this in the worker process (``learner_training``): every call of the
learner's function goes through ``call(function, kwargs, where)``, which reports it to the checker (a
time limit per call, Ctrl-C at once) and stops the training with a ``LearnerFault`` when the function
raises or returns a value that is not finite. A run of the learner's function that stops early
(diverged) is a ``LearnerFault`` too: the learner's function is the one thing that differs from the
course's own run.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course.core import datasets as data
from course.core import models
from course.core.config import Config
from course.core.dataset import select_features
from course.core.runtime import tf
from course.engine.records import Recorder
from course.runs.experiment import train_and_log
from course.tensorboard.events import EventFile
from course.numbers import count

LESSON = "exercises"


@dataclass(frozen=True)
class Recipe:
    what: str             # one line: the lesson's model and data
    optimizer: str        # the course's rule the learner's is compared with
    make: object          # seed -> (model, dataset)
    config: Config        # epochs, learning rate, batch size (logdir and seed from the command line)


def _perceptron_on_blobs(seed):
    ds = data.blobs(seed=seed)
    return models.perceptron(ds.n_features, seed=seed), ds


def _day8_neuron(seed):
    """Day 8's model: p = sigmoid(w x + b) on the tumours' mean radius, from w = 3, b = 4."""
    ds = select_features(data.breast_cancer(seed=seed), [0])
    model = models.perceptron(1, seed=seed)
    model.get_layer("output").set_weights([np.array([[3.0]], np.float32), np.array([4.0], np.float32)])
    return model, ds


def _softmax_on_iris(seed):
    ds = data.iris(seed=seed)
    return models.softmax_classifier(ds.n_features, ds.n_classes, seed=seed), ds


def _day6_network(seed):
    ds = data.moons(seed=seed)
    return models.mlp(ds.n_features, hidden=(3,), activation="sigmoid", seed=seed), ds


DAY8 = Config(epochs=60, learning_rate=0.3, batch_size=455)
RECIPES = {
    "day3.sgd_step": Recipe("Day 1's perceptron on the blobs", "sgd", _perceptron_on_blobs,
                            Config(epochs=10, learning_rate=0.5, batch_size=32)),
    "day8.momentum_step": Recipe("Day 8's neuron on one feature, from w = 3, b = 4", "momentum", _day8_neuron, DAY8),
    "day8.rmsprop_step": Recipe("Day 8's neuron on one feature, from w = 3, b = 4", "rmsprop", _day8_neuron, DAY8),
    "day8.adam_step": Recipe("Day 8's neuron on one feature, from w = 3, b = 4", "adam", _day8_neuron, DAY8),
    "day3.neuron_gradients_bce": Recipe("Day 8's neuron on one feature, from w = 3, b = 4", "sgd", _day8_neuron,
                                        DAY8),
    "day5.softmax_cross_entropy_gradient": Recipe("Day 5's softmax classifier on iris", "sgd", _softmax_on_iris,
                                                  Config(epochs=30, learning_rate=0.5, batch_size=32)),
    "day6.backprop_two_layer": Recipe("Day 6's 2-3-1 sigmoid network on the moons", "sgd", _day6_network,
                                      Config(epochs=20, learning_rate=1.0, batch_size=32)),
}


class LearnerFault(BaseException):
    """The learner's function stopped the training: ``record`` says how (what it raised, a value that is not
    finite, a run that diverged), at which step. A BaseException: nothing between the call and the worker
    (the loop, the logger) may take it for an error of its own."""

    def __init__(self, record: dict):
        super().__init__(record.get("kind", ""))
        self.record = record


def plain_call(function, kwargs: dict, where: dict):
    """How the learner's function is called when nothing supervises it (a script, a test)."""
    return function(**kwargs)


class LearnerOptimizer:
    """An optimizer whose update is the learner's NumPy function, applied to every variable (eager only).

    ``update(w=..., grad=..., <state>..., [t=...,] learning_rate=...)`` returns the new w and the new state,
    in the exercise's ``outputs`` order (w, velocity), (w, s), (w, m, v).
    """

    def __init__(self, exercise, update, learning_rate, call=plain_call):
        self.exercise, self.update, self.learning_rate, self.call = exercise, update, float(learning_rate), call
        self.slots = exercise.outputs[1:]
        self.t, self.state = 0, []

    def build(self, variables):
        self.state = [{slot: np.zeros(v.shape, np.float32) for slot in self.slots} for v in variables]

    def apply_gradients(self, grads_and_vars):
        self.t += 1
        for (grad, variable), state in zip(grads_and_vars, self.state):
            t = {"t": self.t} if self.exercise.function == "adam_step" else {}
            kwargs = dict(w=variable.numpy(), grad=np.asarray(grad), **state, **t, learning_rate=self.learning_rate)
            out = self.call(self.update, kwargs, {"step": self.t, "variable": models.variable_name(variable)})
            out = out if isinstance(out, tuple) else (out,)
            variable.assign(np.asarray(out[0], np.float32).reshape(variable.shape))
            for slot, value in zip(self.slots, out[1:]):
                state[slot] = np.asarray(value)


def learner_gradient_step(exercise, gradient, call=plain_call):
    """``train_step`` with step 3 done by the learner's function instead of ``tape.gradient``."""
    steps = [0]

    def step(model, loss_fn, optimizer, x, y):
        with tf.GradientTape():                               # 1. the forward pass (recorded as usual)
            predictions = model(x, training=True)
            loss = loss_fn(y, predictions)                    # 2. how wrong are we?
        steps[0] += 1
        learner = lambda **kwargs: call(gradient, kwargs, {"step": steps[0]})             # noqa: E731
        grads = _learner_grads(exercise, learner, model, x.numpy(), y.numpy())    # 3. the learner's backprop
        optimizer.apply_gradients(zip(grads, model.trainable_variables))          # 4. w <- w - lr * dL/dw
        return loss, predictions, grads
    return step


def _learner_grads(exercise, gradient, model, x, y):
    weights = [v.numpy().astype(np.float64) for v in model.trainable_variables]
    x = x.astype(np.float64)
    if exercise.id == "day3.neuron_gradients_bce":            # one input: w and b are numbers
        dw, db = gradient(x=x[:, 0], y=y.reshape(-1), w=float(weights[0][0, 0]), b=float(weights[1][0]))
        grads = [np.array([[dw]]), np.array([db])]
    elif exercise.id == "day5.softmax_cross_entropy_gradient":   # dL/dz, then dL/dW = x.T dz, dL/db = sum dz
        z = x @ weights[0] + weights[1]
        dz = np.asarray(gradient(z=z, y=y.astype(int)))
        grads = [x.T @ dz, dz.sum(axis=0)]
    else:                                                     # day6.backprop_two_layer: all four
        grads = gradient(x=x, y=y.reshape(-1), W1=weights[0], b1=weights[1], W2=weights[2], b2=weights[3])
    return [tf.constant(np.asarray(g, np.float32).reshape(v.shape)) for g, v in zip(grads, model.trainable_variables)]


def train_exercise(exercise, function, *, logdir="logs", seed=0, print_fn=print, call=plain_call) -> dict:
    """Train the exercise's model with the learner's ``function``, then with the course's own rule.

    Returns {"yours": RunResult, "course": RunResult}; the two runs are ``<logdir>/exercises/<time>_<id>``
    and ``..._<id>.course``. ``call(function, kwargs, where)`` makes every call of the learner's function.
    """
    recipe = RECIPES[exercise.id]
    config = recipe.config.replace(optimizer=recipe.optimizer, logdir=str(logdir), seed=seed, trace_steps=1)
    goal = f"{exercise.id}: {recipe.what}, trained with the learner's {exercise.function}"
    runs, recorders = {}, {"yours": Recorder(), "course": Recorder()}
    model, ds = recipe.make(seed)
    print_fn(f"-- your {exercise.function}: {recipe.what}, {count(config.epochs, 'epoch')}, lr {config.learning_rate:g}")
    if exercise.train == "update":
        runs["yours"] = train_and_log(model, ds, config.replace(eager=True), lesson=LESSON, name=exercise.id,
                                      goal=goal, print_fn=print_fn, observers=[recorders["yours"]],
                                      optimizer=LearnerOptimizer(exercise, function, config.learning_rate, call))
    else:
        runs["yours"] = train_and_log(model, ds, config.replace(eager=True), lesson=LESSON, name=exercise.id,
                                      goal=goal, print_fn=print_fn, observers=[recorders["yours"]],
                                      update=learner_gradient_step(exercise, function, call))
    stopped = runs["yours"].history
    if stopped.stopped:
        raise LearnerFault({"kind": "diverged", "step": int(stopped.stopped_at), "run_dir": str(runs["yours"].run_dir)})
    print_fn(f"\n-- the course's own: Keras's {recipe.optimizer} and GradientTape's gradients, from the same start")
    model, ds = recipe.make(seed)
    runs["course"] = train_and_log(model, ds, config.replace(quiet=True), lesson=LESSON, name=f"{exercise.id}.course",
                                   goal=f"{exercise.id}: the course's own rule, for comparison", print_fn=print_fn,
                                   observers=[recorders["course"]])
    for key, run in runs.items():
        run.metrics["step_losses"] = recorders[key].step_losses()
    log_difference(runs)
    return runs


def log_difference(runs) -> np.ndarray:
    """Yours minus the course's loss at every step, as the scalar ``batch_loss_difference`` of your run: where the
    two loss curves coincide TensorBoard draws one line, and this one shows they do (0 at every step)."""
    yours, course = (np.asarray(runs[key].metrics["step_losses"], np.float64) for key in ("yours", "course"))
    steps = min(len(yours), len(course))
    difference = yours[:steps] - course[:steps]
    if steps:
        events = EventFile(runs["yours"].run_dir / "train")
        events.scalars(1, difference[:, None], ["batch_loss_difference"])
        events.close()
    return difference
