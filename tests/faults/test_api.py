"""The fault catalogue of the importable API (issue 20, and cases of our own): every misuse a learner's script
can make raises a TypeError or ValueError that names the argument and what was expected, before TensorFlow,
Keras or scikit-learn sees the value (which would raise from deep inside, or fill the memory)."""
import numpy as np
import pytest

from course import data, families, models, plots, training
from course.config import Config
from course.core.dataset import from_arrays, select_features
from course.families import sequences
from course.gradcheck import gradient_check


@pytest.fixture(scope="module")
def blobs():
    return data.load("blobs", seed=0)


def _fit(**changes):
    kwargs = {"model": models.perceptron(2, seed=0), "dataset": data.load("blobs", seed=0), "config": Config(epochs=1)}
    return lambda: training.fit(**{**kwargs, **changes})


# (what, the call, the exception, the message it must start with); "ours" marks the cases beyond issue 20's list
CASES = [
    ("fit: dataset None", _fit(dataset=None), TypeError, "dataset must be a course.data.Dataset"),
    ("fit: dataset an (x, y) tuple", _fit(dataset=(np.zeros((4, 2)), np.zeros(4))), TypeError,
     "dataset must be a course.data.Dataset (course.data.load('moons'), or course.data.from_arrays(name, x, y) for "
     "arrays of your own), got a tuple"),
    ("fit: dataset a list", _fit(dataset=[1, 2]), TypeError, "dataset must be a course.data.Dataset"),
    ("fit: model None", _fit(model=None), TypeError, "model must be a keras.Model (course.models.mlp(2), ...), got None"),
    ("fit: model 'mlp'", _fit(model="mlp"), TypeError, "model must be a keras.Model (course.models.mlp(2), ...), got "
                                                        "the string 'mlp'"),
    ("fit: observers=[object()]", _fit(observers=[object()]), TypeError,
     "observers must be course.training.Observer objects (subclass it and override what you need), got an object"),
    ("fit: optimizer='sgd'", _fit(optimizer="sgd"), TypeError, "optimizer must be an optimizer object such as "
                                                                "keras.optimizers.SGD(0.1) (a name goes in "
                                                                "Config(optimizer='sgd')), got the string 'sgd'"),
    ("ours: fit: observers=None", _fit(observers=None), TypeError, "observers must be a list of"),
    ("ours: fit: update not callable", _fit(update=3), TypeError, "update must be a function like"),
    ("ours: fit: strategy a string", _fit(strategy="mirrored"), ValueError, "strategy must be a tf.distribute.Strategy"),
    ("ours: fit: config a dict", _fit(config={"epochs": 1}), TypeError, "config must be a course.config.Config"),
    ("load moons, validation_fraction 0.999", lambda: data.load("moons", validation_fraction=0.999), ValueError,
     "a stratified split of 1000 examples in 2 classes"),
    ("load moons, validation_fraction 0.001", lambda: data.load("moons", validation_fraction=0.001), ValueError,
     "a stratified split of 1000 examples in 2 classes"),
    ("blobs(n_samples=11, validation_fraction=0.05)", lambda: data.blobs(n_samples=11, validation_fraction=0.05),
     ValueError, "a stratified split of 11 examples"),
    ("from_arrays: a class of one example", lambda: from_arrays("x", np.zeros((10, 2)), np.array([0] * 9 + [1])),
     ValueError, "a stratified split of 10 examples in 2 classes (the smallest with 1) needs at least 2"),
    ("from_arrays: labels up to 10**12", lambda: from_arrays("x", np.zeros((4, 2)), np.array([0, 1, 10**12, 3])),
     ValueError, "y must hold class labels 0, 1, ..., n_classes-1 with few classes missing"),
    ("select_features(ds, [5])", lambda: select_features(data.load("blobs"), [5]), ValueError,
     "columns must be a non-empty list of feature indices 0 .. 1 (2 features), got [5]"),
    ("ours: select_features(ds, [])", lambda: select_features(data.load("blobs"), []), ValueError,
     "columns must be a non-empty list"),
    ("make_optimizer('sgd', -1)", lambda: training.make_optimizer("sgd", -1), ValueError,
     "learning_rate must be a positive finite number of at least 1.2e-38"),
    ("ours: make_optimizer clip_norm -1", lambda: training.make_optimizer("sgd", 0.1, -1), ValueError,
     "clip_norm must be a non-negative finite number"),
    ("gradient_check on an empty x", lambda: gradient_check(models.perceptron(2), np.zeros((0, 2)), np.zeros(0)),
     ValueError, "x must have shape (n, n_features) with n >= 1"),
    ("ours: gradient_check of a string model", lambda: gradient_check("mlp", np.zeros((2, 2)), np.zeros(2)),
     TypeError, "model must be a keras.Model"),
    ("ours: gradient_check x with NaN", lambda: gradient_check(models.perceptron(2), np.full((2, 2), np.nan),
                                                              np.zeros(2)), ValueError, "x contains NaN"),
    ("Config(learning_rate=1e-300)", lambda: Config(learning_rate=1e-300), ValueError,
     "learning_rate must be a positive finite number of at least 1.2e-38"),
    ("ours: Config(epochs=2**64)", lambda: Config(epochs=2**64), ValueError,
     "epochs must be a positive integer up to 1,000,000"),
    ("ours: Config(clip_norm=-1)", lambda: Config(clip_norm=-1.0), ValueError, "clip_norm must be a non-negative"),
    ("ours: Recorder().path() before fit", lambda: training.Recorder().path(), ValueError,
     "nothing was recorded yet"),
    ("ours: load an unknown data set", lambda: data.load("imagenet"), ValueError, "dataset must be one of blobs"),
    ("ours: softmax_classifier with 1 class", lambda: models.softmax_classifier(4, 1), ValueError,
     "n_classes must be at least 2"),
    ("ours: recurrent('gru')", lambda: families.recurrent("gru", 10), ValueError, "kind must be one of rnn, lstm"),
    ("ours: marked_sign(length=0)", lambda: sequences.marked_sign(length=0), ValueError,
     "length must be a positive integer"),
    ("ours: decision_boundary of 4 features", lambda: plots.decision_boundary(
        models.softmax_classifier(4, 3), np.zeros((3, 4)), np.zeros(3, int)), ValueError,
     "x must have shape (n, 2) for a decision-boundary plot"),
]


@pytest.mark.parametrize("what, call, error, message", CASES, ids=[case[0] for case in CASES])
def test_a_misuse_raises_a_clear_error_naming_the_argument(what, call, error, message):
    with pytest.raises(error) as raised:
        call()
    assert str(raised.value).startswith(message), str(raised.value)
