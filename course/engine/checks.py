"""What the loop checks before it trains: inputs that cannot train together are refused, naming the argument.

    check_fit_inputs(model, dataset, config)     # ValueError/TypeError/ConfigError before anything runs

(When the numbers blow up during training, ``course.engine.stop`` says where and why.)
"""
from __future__ import annotations

import numpy as np

from course.core.config import Config, check_batch_size
from course.core.runtime import keras


SPLITS = ("x_train", "y_train", "x_val", "y_val")
HOOKS = ("on_train_begin", "on_graph", "on_step", "on_epoch_end", "on_train_end")


def check_observers(observers) -> None:
    """TypeError unless ``observers`` is a list of ``Observer``-like objects (each with every hook)."""
    if isinstance(observers, (str, bytes)) or not hasattr(observers, "__iter__"):
        raise TypeError(f"observers must be a list of course.training.Observer objects, got {_what(observers)}")
    for observer in observers:
        if not all(callable(getattr(observer, hook, None)) for hook in HOOKS):
            raise TypeError(f"observers must be course.training.Observer objects (subclass it and override what "
                            f"you need), got {_what(observer)}")


def check_fit_inputs(model, dataset, config, *, optimizer=None, update=None) -> None:
    """Raise ValueError/TypeError, naming the argument, when what ``fit`` was given cannot train together:
    before TensorFlow sees any of it."""
    if not isinstance(config, Config):
        raise TypeError(f"config must be a course.config.Config, got {type(config).__name__}")
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model (course.models.mlp(2), ...), got {_what(model)}")
    if not all(isinstance(getattr(dataset, split, None), np.ndarray) for split in SPLITS):
        raise TypeError(f"dataset must be a course.data.Dataset (course.data.load('moons'), or "
                        f"course.data.from_arrays(name, x, y) for arrays of your own), got {_what(dataset)}")
    if optimizer is not None and not (callable(getattr(optimizer, "apply_gradients", None))
                                      and callable(getattr(optimizer, "build", None))):
        raise TypeError(f"optimizer must be an optimizer object such as keras.optimizers.SGD(0.1) (a name goes in "
                        f"Config(optimizer='sgd')), got {_what(optimizer)}")
    if update is not None and not callable(update):
        raise TypeError(f"update must be a function like course.training.train_step, got {_what(update)}")
    for split in ("x_train", "x_val"):
        x = getattr(dataset, split)
        if x.ndim != 2 or x.shape[0] == 0:
            raise ValueError(f"dataset.{split} must be a non-empty (n_examples, n_features) array, got {x.shape}")
        if not np.all(np.isfinite(x)):
            raise ValueError(f"dataset.{split} contains NaN or infinite values")
    for x, y, split in ((dataset.x_train, dataset.y_train, "y_train"), (dataset.x_val, dataset.y_val, "y_val")):
        if y.shape != (x.shape[0],) or not np.issubdtype(y.dtype, np.integer) or y.min() < 0:
            raise ValueError(f"dataset.{split} must hold {x.shape[0]} integer class labels >= 0")
    n_inputs = int(model.input_shape[-1])
    if dataset.x_train.shape[1] != n_inputs:
        raise ValueError(f"dataset has {dataset.x_train.shape[1]} features but the model expects {n_inputs}")
    n_outputs = int(model.output_shape[-1])
    n_classes = max(int(dataset.y_train.max()), int(dataset.y_val.max())) + 1
    if n_outputs == 1 and n_classes > 2:
        raise ValueError(f"dataset has {n_classes} classes but the model has a single sigmoid output")
    if n_outputs > 1 and n_classes > n_outputs:
        raise ValueError(f"dataset has labels up to {n_classes - 1} but the model has {n_outputs} outputs")
    check_batch_size(config, dataset)


def _what(value) -> str:
    """``a tuple``, ``None``, ``the string 'sgd'``: what was given, for a message."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, str):
        return f"the string {value!r}"
    name = type(value).__name__
    return f"{'an' if name[0].lower() in 'aeiou' else 'a'} {name}"
