"""course: see a neural network learn, one update step at a time.

The house, from the ground up (a layer imports only from the layers below it)::

    lessons/            one module per lesson: teaching only
    course/cli/         the `course` command and the flags every lesson shares
    course/families/    Day 9's CNN, RNN/LSTM, Transformer, autoencoder and GAN (their own loops)
    course/distribute/  several devices and machines (Day 10): logical CPUs, worker processes
    course/runs/        one logged run end to end (train_and_log), run directories, figures
    course/tensorboard/ one route to TensorBoard: RunLogger -> EventFile (TensorBoard's protobufs)
    course/trace/       the traced update steps, printed and as TensorBoard tables
    course/engine/      the fast loop: fit (one device or N replicas), compiled epochs, observers
    course/pictures/    matplotlib figures, the network diagram, 2-D pictures, PNGs (Pillow)
    course/core/        runtime, config, data, models, the GradientTape step, optimizers by name
    course/reference/   NumPy oracles: activations registry, forward, losses, backprop, optimizers

The modules a learner uses keep their short names, as faces over that house::

    from course import config, data, models, training, plots, gradcheck
    ds = data.load("moons", seed=0)
    model = models.mlp(2, hidden=(16, 16), seed=0)
    history = training.fit(model, ds, config.Config(epochs=20))

Importing ``course`` is cheap: TensorFlow loads on first use of a module that needs it.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

# Faces (course/<name>.py) and subpackages, by name.
_SUBMODULES = ("cli", "config", "core", "data", "distribute", "engine", "experiment", "families", "gradcheck",
               "models", "pictures", "plots", "reference", "runs", "tensorboard", "trace", "training")


def __getattr__(name: str):
    # Lazy: `course list` and `--help` never pay TensorFlow's import.
    if name in _SUBMODULES:
        return importlib.import_module(f"course.{name}")
    raise AttributeError(f"module 'course' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))
