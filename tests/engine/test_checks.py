"""course.engine.checks: what fit refuses before anything runs."""
import numpy as np
import pytest

from course.core.config import Config, ConfigError
from course.core.dataset import Dataset
from course.core.datasets import blobs, digits, iris, xor
from course.core.models import perceptron, softmax_classifier
from course.engine.checks import check_fit_inputs
from course.engine.loop import fit


@pytest.mark.parametrize("make, message", [
    (lambda: (perceptron(3), blobs(), Config()), "dataset has 2 features but the model expects 3"),
    (lambda: (perceptron(4), iris(), Config()), "dataset has 3 classes but the model has a single sigmoid output"),
    (lambda: (softmax_classifier(64, 5), digits(), Config()), "dataset has labels up to 9 but the model has 5 outputs"),
    (lambda: (perceptron(2), xor(), Config(batch_size=8)), "batch_size 8 is larger than the 4"),
])
def test_fit_rejects_mismatched_inputs(make, message):
    model, ds, config = make()
    with pytest.raises(ValueError, match=message):
        check_fit_inputs(model, ds, config)
    with pytest.raises(ValueError, match=message):
        fit(model, ds, config)


def test_fit_rejects_a_non_config():
    with pytest.raises(TypeError, match="config must be a course.config.Config, got dict"):
        fit(perceptron(2), blobs(), {"epochs": 3})


def test_fit_rejects_non_finite_or_empty_data():
    ds = blobs(n_samples=100)
    bad = Dataset(**{**ds.__dict__, "x_train": np.where(np.arange(80)[:, None] == 3, np.nan, ds.x_train)})
    with pytest.raises(ValueError, match="dataset.x_train contains NaN or infinite values"):
        fit(perceptron(2), bad, Config())
    empty = Dataset(**{**ds.__dict__, "x_val": ds.x_val[:0], "y_val": ds.y_val[:0]})
    with pytest.raises(ValueError, match="dataset.x_val must be a non-empty"):
        fit(perceptron(2), empty, Config())
    labels = Dataset(**{**ds.__dict__, "y_train": ds.y_train.astype(float)})
    with pytest.raises(ValueError, match="dataset.y_train must hold 80 integer class labels"):
        fit(perceptron(2), labels, Config())
    negative = Dataset(**{**ds.__dict__, "y_val": ds.y_val - 1})
    with pytest.raises(ValueError, match="dataset.y_val must hold 20 integer class labels >= 0"):
        fit(perceptron(2), negative, Config())


def test_batch_size_larger_than_the_data_is_a_config_error():
    with pytest.raises(ConfigError, match="batch_size 500 is larger than the 320 training examples of blobs"):
        fit(perceptron(2), blobs(), Config(batch_size=500))
