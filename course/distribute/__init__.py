"""Training on several devices and machines (Day 10): ``devices`` (GPUs, or the CPU split into logical
devices), ``workers`` (worker processes joined by ``TF_CONFIG``), ``cluster`` (starting and stopping them) and
``isolation`` (their private network). The loop itself is the engine's: ``training.fit`` splits every batch
across the replicas of the strategy a model was built in (``course.engine.replicas``, whose names are
importable from here too)::

    strategy = distribute.mirrored_strategy(2)
    with strategy.scope():
        model = models.mlp(2, seed=0)
    training.fit(model, ds, config)

Importing this package is cheap: TensorFlow loads with the first name that needs it (the worker launcher,
``python -m course.distribute.isolation``, never does).
"""
import importlib

_NAMES = {"mirrored_strategy": "course.distribute.devices", "split_cpu": "course.distribute.devices",
          "strategy_of": "course.engine.replicas", "split_batch": "course.engine.replicas",
          "make_distributed_step": "course.engine.replicas", "replica_step": "course.core.step",
          "per_example_loss_for": "course.core.step", "run_workers": "course.distribute.workers",
          "WorkerError": "course.distribute.cluster", "IsolationUnavailable": "course.distribute.cluster"}

__all__ = list(_NAMES)


def __getattr__(name: str):
    if name in _NAMES:
        return getattr(importlib.import_module(_NAMES[name]), name)
    raise AttributeError(f"module 'course.distribute' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_NAMES))
