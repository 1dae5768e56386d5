"""course: see a neural network learn, one update step at a time.

The package is split into one module per idea; importing ``course`` itself is
cheap (TensorFlow is imported on first use of a module that needs it)::

    from course import config, data, models, training
    ds = data.load("moons", seed=0)
    model = models.mlp(2, hidden=(16, 16), seed=0)
    history = training.fit(model, ds, config.Config(epochs=20))

Modules: ``data`` (datasets), ``models`` (Keras builders), ``training`` (the
GradientTape step and loop), ``trace`` (printing update steps), ``tblog``
(TensorBoard run directories and logging), ``plots`` (matplotlib figures),
``numpy_ref`` (the NumPy oracle), ``runs`` (run directories), ``experiment``
(one logged training run), ``events`` (per-step TensorBoard events), ``activations``
(activation functions and derivatives), ``neuron`` (one neuron's gradients by hand),
``gradcheck`` (finite-difference gradient check), ``layer_gradients`` (per-layer
gradient norms), ``optimizers`` (NumPy update rules of SGD, momentum, RMSprop, Adam),
``figures`` (a run of figures only), ``snapshots`` (per-epoch pictures of 2-D models),
``diagram`` (the network diagram), ``png`` (PNG files from arrays), ``families``, ``summary``, ``sequences``, ``autoencoder``,
``gan``, ``generative_plots`` (Day 9's network families), ``distributed`` and ``multiworker``
(the loop under ``tf.distribute``), ``config``, ``cli``.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBMODULES = ("activations", "autoencoder", "cli", "config", "data", "diagram", "distributed", "events",
               "experiment", "families", "figures", "gan", "generative_plots", "gradcheck", "layer_gradients",
               "models", "multiworker", "neuron", "numpy_ref", "optimizers", "plots", "png", "records", "runs",
               "runtime", "sequences", "snapshots", "summary", "tblog", "trace", "training")


def __getattr__(name: str):
    # Lazy submodules: `course list` and `--help` never pay TensorFlow's import.
    if name in _SUBMODULES:
        return importlib.import_module(f"course.{name}")
    raise AttributeError(f"module 'course' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))
