"""Public face of the training step and the loop: ``train_step`` (``course.core.step``, four lines, the
same in every lesson) and ``fit`` (``course.engine.loop``, one device or several replicas).

    history = training.fit(model, ds, Config(epochs=10), observers=[...])
    loss, predictions, grads = training.train_step(model, loss_fn, optimizer, x, y)

``tf`` and ``keras`` are TensorFlow and Keras as the course runs them (``course.core.runtime``: imported once,
quietly, deterministic); a lesson takes them from here.
"""
from course.core.optimizers import make_optimizer
from course.core.runtime import keras, tf
from course.core.step import count_correct, labels_for, loss_for, per_example_loss_for, replica_step, train_step
from course.engine.best import KeepBest
from course.engine.checks import check_fit_inputs
from course.engine.compiled import SMALL_MODEL_PARAMETERS, make_epoch, make_evaluate, make_step
from course.engine.loop import fit
from course.engine.records import EpochRecord, EpochTimer, History, Observer, Recorder, StepOutputs, StepRecord
from course.engine.steps import Steps, fit_steps
from course.engine.stop import Stop

__all__ = ["train_step", "replica_step", "fit", "make_optimizer", "loss_for", "per_example_loss_for",
           "labels_for", "count_correct", "check_fit_inputs", "make_step", "make_evaluate", "make_epoch",
           "SMALL_MODEL_PARAMETERS", "Observer", "Recorder", "EpochTimer", "KeepBest", "History", "StepRecord",
           "EpochRecord", "StepOutputs", "Steps", "fit_steps", "Stop", "tf", "keras"]
