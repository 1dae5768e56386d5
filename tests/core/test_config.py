"""course.core.config: the Config every lesson and the loop share, check_batch_size and full_batch."""
import dataclasses

import numpy as np
import pytest

from course.core.config import OPTIMIZERS, Config, ConfigError, check_batch_size, full_batch
from course.core.datasets import blobs, xor


def test_defaults_and_replace_make_a_validated_copy():
    config = Config()
    assert (config.epochs, config.trace_steps, config.logdir, config.optimizer) == (20, 3, "logs", "sgd")
    other = config.replace(epochs=5, optimizer="adam")
    assert (other.epochs, other.optimizer, config.epochs) == (5, "adam", 20)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.epochs = 3   # frozen
    with pytest.raises(ValueError, match="epochs must be a positive integer up to 1,000,000, got 0"):
        config.replace(epochs=0)                       # a copy is checked like a new Config
    assert config.as_dict() == {f.name: getattr(config, f.name) for f in dataclasses.fields(Config)}


@pytest.mark.parametrize("field, value, message", [
    ("epochs", 0, "epochs must be a positive integer"),
    ("epochs", 2.5, "epochs must be a positive integer"),
    ("epochs", True, "epochs must be a positive integer"),
    ("epochs", 10**6 + 1, "epochs must be a positive integer up to 1,000,000, got 1000001"),
    ("epochs", 2**64, "epochs must be a positive integer up to 1,000,000"),
    ("batch_size", -1, "batch_size must be a positive integer"),
    ("learning_rate", -1.0, "learning_rate must be a positive finite number"),
    ("learning_rate", 0.0, "learning_rate must be a positive finite number"),
    ("learning_rate", float("nan"), "learning_rate must be a positive finite number"),
    ("learning_rate", float("inf"), "learning_rate must be a positive finite number"),
    ("learning_rate", 1e-300, "learning_rate must be a positive finite number of at least 1.2e-38 \\(below it a "
                              "float32 learning rate is 0 or loses its digits\\), got 1e-300"),
    ("optimizer", "adagrad", "optimizer must be one of sgd, momentum, rmsprop, adam"),
    ("seed", -2, "seed must be an integer from 0 to 4294967295"),
    ("seed", 2**32, "seed must be an integer from 0 to 4294967295"),
    ("trace_steps", -1, "trace_steps must be a non-negative integer"),
    ("logdir", "", "logdir must be a non-empty path"),
    ("logdir", None, "logdir must be a non-empty path"),
    ("dataset", 3, "dataset must be a name"),
    ("quiet", "no", "quiet must be True or False, got 'no'"),
    ("eager", 1, "eager must be True or False, got 1"),
    ("shuffle", "False", "shuffle must be True or False"),
    ("log_every_step", None, "log_every_step must be True or False"),
    ("clip_norm", -1.0, "clip_norm must be a non-negative finite number \\(0: no clipping\\), got -1.0"),
    ("clip_norm", float("inf"), "clip_norm must be a non-negative finite number"),
    ("clip_norm", "1", "clip_norm must be a non-negative finite number"),
])
def test_bad_values_raise_value_error_naming_the_field(field, value, message):
    with pytest.raises(ValueError, match=message):
        Config(**{field: value})


def test_numpy_numbers_are_accepted_and_stored_as_python_numbers():
    config = Config(epochs=np.int64(3), batch_size=np.int32(8), seed=np.uint32(7), trace_steps=np.int64(0),
                    learning_rate=np.float32(0.25), quiet=np.bool_(True))
    assert (config.epochs, config.batch_size, config.seed, config.trace_steps) == (3, 8, 7, 0)
    assert config.learning_rate == 0.25 and config.quiet is True
    for name in ("epochs", "batch_size", "seed", "trace_steps"):
        assert type(getattr(config, name)) is int, name
    assert type(config.learning_rate) is float
    assert config == Config(epochs=3, batch_size=8, seed=7, trace_steps=0, learning_rate=0.25, quiet=True)


def test_the_optimizer_names_are_the_four_the_course_teaches():
    assert OPTIMIZERS == ("sgd", "momentum", "rmsprop", "adam")


def test_a_batch_larger_than_the_training_split_is_a_config_error():
    ds = blobs(seed=0)                         # 400 points, 20 % validation: 320 to train on
    assert len(ds.y_train) == 320
    check_batch_size(Config(batch_size=320), ds)          # all of them: full-batch descent
    with pytest.raises(ConfigError, match=r"^batch_size 321 is larger than the 320 training examples of blobs; "
                                          r"use at most 320 \(all of them = full-batch gradient descent\)$"):
        check_batch_size(Config(batch_size=321), ds)
    assert issubclass(ConfigError, ValueError)            # reported like a bad flag


def test_full_batch_uses_every_example_in_each_step_for_more_epochs():
    config = Config(epochs=30, batch_size=32, learning_rate=0.5)
    four = full_batch(config, xor(), 10)
    assert (four.batch_size, four.epochs) == (4, 300)     # the 4 XOR corners, 30 x 10 epochs
    assert four == config.replace(batch_size=4, epochs=300)
    assert config.batch_size == 32 and config.epochs == 30   # the original is unchanged
    assert full_batch(config, blobs(seed=0)).batch_size == 320
    assert full_batch(config, xor(), np.int64(2)).epochs == 60
    for bad in (0, True, 1.5):
        with pytest.raises(ValueError, match="epochs_times must be a positive integer"):
            full_batch(config, xor(), bad)
