"""``course check EXERCISE --train`` for the TensorFlow exercises: the learner's code trains the lesson's model,
and the course's own code trains the same model from the same start beside it.

- ``day2.train_step``: the learner's step is the update step of the course's loop (``train_and_log``), run
  eagerly; the course's run takes the course's step, eagerly too: the same operations, so a right step gives
  the same loss curve to the last bit.
- ``day7.train_epoch``: the learner's epoch loop runs every epoch (each batch through the course's step),
  the course's epoch beside it; both runs log ``batch_loss`` every step.
- ``day7.logged_epoch``: the learner's loop writes its own TensorBoard logs into its run's ``train/``, the
  course's logged epoch writes the course's run.

Every call of the learner's function goes through ``call(function, kwargs, where)`` (the worker reports it to
the checker, which keeps its time limit). Runs land in ``<logdir>/exercises/<time>_<id>`` and ``..._<id>.course``.

    runs = train_tensorflow_exercise(EXERCISES["day2.train_step"], train_step, logdir="logs")
"""
from __future__ import annotations

import numpy as np

from course.core import datasets as data
from course.core import models
from course.core.config import Config
from course.core.optimizers import make_optimizer
from course.core.runtime import tf
from course.core.step import labels_for, loss_for, train_step
from course.engine.records import Recorder
from course.exercises.observed import ObservedLoss, ObservedOptimizer
from course.exercises.tfepochs import course_epoch
from course.exercises.tflogs import course_logged_epoch
from course.exercises.tfsteps import course_train_step, eagerly
from course.exercises.train import LESSON, LearnerFault, Recipe, log_difference, plain_call
from course.numbers import count
from course.runs.dirs import new_run_dir
from course.runs.experiment import train_and_log
from course.runs.results import RunResult
from course.tensorboard.events import EventFile


def _day2_mlp(seed):
    ds = data.moons(seed=seed)
    return models.mlp(ds.n_features, hidden=(16, 16), activation="relu", seed=seed), ds


def _day7_mlp(seed):
    ds = data.moons(seed=seed)
    return models.mlp(ds.n_features, hidden=(8,), activation="relu", seed=seed), ds


RECIPES = {
    "day2.train_step": Recipe("Day 2's MLP 2-16-16-1 on the moons", "sgd", _day2_mlp,
                              Config(epochs=6, learning_rate=0.3, batch_size=32)),
    "day7.train_epoch": Recipe("Day 7's MLP 2-8-1 on the moons, each batch through the course's train_step", "sgd",
                               _day7_mlp, Config(epochs=10, learning_rate=0.5, batch_size=32)),
    # a histogram of every weight and gradient at every step: 4 epochs (100 steps) keep it to seconds
    "day7.logged_epoch": Recipe("Day 7's MLP 2-8-1 on the moons, each batch through the course's train_step", "sgd",
                                _day7_mlp, Config(epochs=4, learning_rate=0.5, batch_size=32)),
}


def positional(function):
    """``function`` called with the values of the keyword arguments in order, as the check calls it."""
    def called(**kwargs):
        return function(*kwargs.values())
    called.__wrapped__ = function
    return called


def learner_step(function, call=plain_call):
    """The loop's update step (loss, predictions, grads) with the learner's ``train_step`` doing the update: the
    optimizer and the loss it is given note the gradients applied and the predictions made."""
    steps = [0]

    def step(model, loss_fn, optimizer, x, y):
        steps[0] += 1
        observed, observed_loss = ObservedOptimizer(optimizer, model), ObservedLoss(loss_fn)
        with eagerly():
            loss = call(positional(function), dict(model=model, loss_fn=observed_loss, optimizer=observed, x=x, y=y),
                        {"step": steps[0]})
        return tf.convert_to_tensor(loss), observed_loss.predictions, observed.gradients(tf.zeros_like)
    return step


def _batch_losses(run_dir, losses) -> None:
    events = EventFile(run_dir / "train")
    events.scalars(1, [[value] for value in losses], ["batch_loss"])
    events.close()


def _loop_run(exercise, function, recipe, config, *, course, call, name):
    """One run of the learner's loop (or the course's, ``course=True``): the run directory, every step's loss."""
    model, ds = recipe.make(config.seed)
    run_dir = new_run_dir(config.logdir, LESSON, name)
    loss_fn, optimizer = loss_for(model), make_optimizer(config.optimizer, config.learning_rate)
    optimizer.build(model.trainable_variables)
    x, y = np.asarray(ds.x_train, np.float32), np.asarray(labels_for(model, ds.y_train))
    losses = []

    def noted(model_, loss_fn_, optimizer_, x_batch, y_batch):     # the course's step, its loss noted
        loss, predictions, grads = train_step(model_, loss_fn_, optimizer_, x_batch, y_batch)
        losses.append(float(loss))
        return (loss, predictions, grads) if exercise.train == "logged" else loss

    tf.random.set_seed(0)                     # tf.data's shuffle draws from it and the epoch's seed
    writer = tf.summary.create_file_writer(str(run_dir / "train")) if exercise.train == "logged" else None
    step = 1
    try:
        for epoch in range(1, config.epochs + 1):
            where = {"step": len(losses) + 1, "epoch": epoch}
            if exercise.train == "epoch":
                kwargs = dict(model=model, loss_fn=loss_fn, optimizer=optimizer, x=x, y=y,
                              batch_size=config.batch_size, seed=config.seed + epoch, train_step=noted)
                with eagerly():
                    (course_epoch(**kwargs) if course else call(positional(function), kwargs, where))
            else:
                dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=config.seed + epoch)
                kwargs = dict(model=model, loss_fn=loss_fn, optimizer=optimizer,
                              dataset=dataset.batch(config.batch_size), writer=writer, step=step, train_step=noted)
                with eagerly():
                    step = course_logged_epoch(**kwargs) if course else call(positional(function), kwargs, where)
                step = int(step) if not course else step
    finally:
        if writer is not None:
            writer.close()
    if exercise.train == "epoch":
        _batch_losses(run_dir, losses)
    return RunResult(name, run_dir, None, model, {"step_losses": np.asarray(losses, np.float32)})


def train_tensorflow_exercise(exercise, function, *, logdir="logs", seed=0, print_fn=print, call=plain_call) -> dict:
    """Train the exercise's model with the learner's ``function``, then with the course's own code.

    Returns {"yours": RunResult, "course": RunResult}, ``metrics["step_losses"]`` every step's loss."""
    recipe = RECIPES[exercise.id]
    config = recipe.config.replace(optimizer=recipe.optimizer, logdir=str(logdir), seed=seed, trace_steps=1,
                                   eager=True)
    print_fn(f"-- your {exercise.function}: {recipe.what}, {count(config.epochs, 'epoch')}, "
             f"lr {config.learning_rate:g}")
    if exercise.train == "step":
        runs, recorders = {}, {"yours": Recorder(), "course": Recorder()}
        model, ds = recipe.make(seed)
        runs["yours"] = train_and_log(model, ds, config, lesson=LESSON, name=exercise.id, print_fn=print_fn,
                                      goal=f"{exercise.id}: {recipe.what}, trained with the learner's train_step",
                                      observers=[recorders["yours"]], update=learner_step(function, call))
        if runs["yours"].history.stopped:
            raise LearnerFault({"kind": "diverged", "step": int(runs["yours"].history.stopped_at),
                                "run_dir": str(runs["yours"].run_dir)})
        print_fn("\n-- the course's own: course.training.train_step, from the same start")
        model, ds = recipe.make(seed)
        runs["course"] = train_and_log(model, ds, config.replace(quiet=True), lesson=LESSON,
                                       name=f"{exercise.id}.course", print_fn=print_fn, observers=[recorders["course"]],
                                       goal=f"{exercise.id}: the course's own step, for comparison")
        for key, run in runs.items():
            run.metrics["step_losses"] = recorders[key].step_losses()
        log_difference(runs)
        return runs
    runs = {"yours": _loop_run(exercise, function, recipe, config, course=False, call=call, name=exercise.id)}
    print_fn(f"  {len(runs['yours'].metrics['step_losses'])} steps, the last loss "
             f"{runs['yours'].metrics['step_losses'][-1]:.4f}")
    print_fn(f"\n-- the course's own {exercise.function}, from the same start")
    runs["course"] = _loop_run(exercise, function, recipe, config, course=True, call=call,
                               name=f"{exercise.id}.course")
    log_difference(runs)
    return runs
