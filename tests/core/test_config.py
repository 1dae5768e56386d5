import pytest

from course.config import Config


def test_defaults_and_replace_make_a_validated_copy():
    config = Config()
    assert (config.epochs, config.trace_steps, config.logdir, config.optimizer) == (20, 3, "logs", "sgd")
    other = config.replace(epochs=5, optimizer="adam")
    assert (other.epochs, other.optimizer, config.epochs) == (5, "adam", 20)
    with pytest.raises(Exception):
        config.epochs = 3   # frozen


@pytest.mark.parametrize("field, value, message", [
    ("epochs", 0, "epochs must be a positive integer"),
    ("epochs", 2.5, "epochs must be a positive integer"),
    ("batch_size", -1, "batch_size must be a positive integer"),
    ("learning_rate", -1.0, "learning_rate must be a positive finite number"),
    ("learning_rate", float("nan"), "learning_rate must be a positive finite number"),
    ("learning_rate", float("inf"), "learning_rate must be a positive finite number"),
    ("optimizer", "adagrad", "optimizer must be one of sgd, momentum, rmsprop, adam"),
    ("seed", -2, "seed must be an integer from 0 to 4294967295"),
    ("seed", 2**32, "seed must be an integer from 0 to 4294967295"),
    ("trace_steps", -1, "trace_steps must be a non-negative integer"),
    ("logdir", "", "logdir must be a non-empty path"),
])
def test_bad_values_raise_value_error_naming_the_field(field, value, message):
    with pytest.raises(ValueError, match=message):
        Config(**{field: value})
