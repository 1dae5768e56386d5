"""course.core.optimizers: Keras optimizers by the course's names (their update rules are checked against
the NumPy ones in tests/reference/test_optimizers.py)."""
import pytest

from course.core.optimizers import make_optimizer
from course.core.runtime import keras


def test_optimizers_by_name_with_keras_defaults_otherwise():
    sgd, momentum = make_optimizer("sgd", 0.1), make_optimizer("momentum", 0.1)
    assert type(sgd) is keras.optimizers.SGD and sgd.momentum == 0.0
    assert type(momentum) is keras.optimizers.SGD and momentum.momentum == 0.9
    rmsprop, adam = make_optimizer("rmsprop", 0.1), make_optimizer("adam", 0.25)
    assert type(rmsprop) is keras.optimizers.RMSprop and (rmsprop.rho, rmsprop.epsilon) == (0.9, 1e-7)
    assert type(adam) is keras.optimizers.Adam
    assert (adam.beta_1, adam.beta_2, adam.epsilon) == (0.9, 0.999, 1e-7)
    assert float(adam.learning_rate) == 0.25 and float(sgd.learning_rate) == pytest.approx(0.1)


@pytest.mark.parametrize("name", ["sgd", "momentum", "rmsprop", "adam"])
def test_clip_norm_is_kerass_global_clipnorm_and_zero_or_none_clips_nothing(name):
    assert make_optimizer(name, 0.1, 1.5).global_clipnorm == 1.5
    assert make_optimizer(name, 0.1, 0.0).global_clipnorm is None and make_optimizer(name, 0.1).global_clipnorm is None


@pytest.mark.parametrize("name", ["adagrad", "SGD", "", None])
def test_unknown_names_are_refused(name):
    with pytest.raises(ValueError, match="optimizer must be one of sgd, momentum, rmsprop, adam"):
        make_optimizer(name, 0.1)
