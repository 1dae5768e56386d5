"""course.tensorboard.snapshots: the 2-D pictures of a run, written at picture_epochs or after every step,
checked against pictures drawn from the Recorder's weights and against the model."""
import numpy as np
import pytest

from course.core import datasets as data
from course.core import models
from course.core.config import Config
from course.core.models import variable_name
from course.engine.loop import fit
from course.engine.records import Recorder
from course.pictures import diagram
from course.pictures.planes import Plane, dense_layers
from course.runs.experiment import train_and_log
from course.tensorboard import snapshots
from tests.helpers import read_events


class _Images:
    """Stands in for a RunLogger: keeps what would be logged."""

    def __init__(self):
        self.logged = []

    def log_images(self, step, images, descriptions=None):
        self.logged.append((step, images, descriptions))


def _pictures(model, ds, variables):
    names = [variable_name(v) for v in model.trainable_variables]
    return Plane(ds.x_val, ds.y_val).pictures(dense_layers(model, names), variables)


def test_picture_epochs_are_log_spaced_with_the_first_and_last():
    assert sorted(snapshots.picture_epochs(50)) == [1, 2, 3, 4, 7, 12, 19, 31, 50]
    assert sorted(snapshots.picture_epochs(50, 12)) == [1, 2, 3, 4, 5, 7, 10, 14, 19, 26, 36, 50]
    assert all(len(snapshots.picture_epochs(e)) == snapshots.FRAMES for e in range(9, 400))
    assert sorted(snapshots.picture_epochs(5)) == [1, 2, 3, 4, 5]
    assert len(snapshots.picture_epochs(3000)) == snapshots.FRAMES
    # geometric spacing: np.geomspace(1, 50, 9) rounded is 1, 2, 3, 4, 7, 12, 19, 31, 50
    assert sorted(snapshots.picture_epochs(50)) == sorted(set(np.rint(np.geomspace(1, 50, 9)).astype(int)))


def _split(params, shapes):
    return [p.reshape(s) for p, s in zip(np.split(params, np.cumsum([int(np.prod(s)) for s in shapes])[:-1]),
                                         shapes)]


def test_snapshots_draw_the_model_before_training_and_at_the_picture_epochs():
    ds = data.moons(seed=0, n_samples=100)                        # 80 train: 3 steps of 32 an epoch
    model = models.mlp(2, hidden=(3,), seed=0)                    # 13 parameters: every step recorded
    images, recorder = _Images(), Recorder()
    shots = snapshots.Snapshots(images, ds.x_val, ds.y_val, network=True, feature_names=ds.feature_names, frames=3)
    fit(model, ds, Config(epochs=6, batch_size=32), observers=[recorder, shots])
    epochs = sorted(snapshots.picture_epochs(6, 3))
    assert epochs == [1, 2, 6]
    steps = [0] + [3 * e for e in epochs]
    assert [step for step, _, _ in images.logged] == shots.steps == steps
    path = recorder.path()                                        # every parameter after every step
    shapes = [v.shape for v in model.trainable_variables]
    names = [variable_name(v) for v in model.trainable_variables]
    for (step, logged, descriptions), params in zip(images.logged, path[steps]):
        variables = _split(params, shapes)
        expected = _pictures(model, ds, variables)                # drawn again from the recorder's weights
        expected["network"] = diagram.diagram_png(model, feature_names=ds.feature_names, variables=variables,
                                                  names=names)              # no title: the card shows the step
        assert {tag: [png] for tag, png in expected.items()} == logged, step
        assert descriptions["snapshots/decision_boundary"] == snapshots.DESCRIPTIONS["snapshots/decision_boundary"]
        assert descriptions["snapshots/neurons_hidden_1"] == snapshots.DESCRIPTIONS["snapshots/neurons"]
        assert descriptions["network"] == snapshots.DESCRIPTIONS["network"]


def test_a_model_that_is_not_2_d_gets_only_its_diagram():
    ds = data.iris(seed=0)
    model = models.softmax_classifier(4, 3, seed=0)
    images = _Images()
    fit(model, ds, Config(epochs=2, batch_size=40), observers=[snapshots.Snapshots(images, network=True, frames=2)])
    assert [(step, set(logged)) for step, logged, _ in images.logged] == [(0, {"network"}), (3, {"network"}),
                                                                        (6, {"network"})]   # 120 = 3 x 40


def test_every_step_mode_logs_a_picture_and_histograms_after_each_update(tmp_path):
    ds = data.blobs(seed=0, n_samples=100)                # 80 train / 40 = 2 steps an epoch
    config = Config(epochs=3, batch_size=40, logdir=str(tmp_path), quiet=True, log_every_step=True)
    recorder = Recorder()
    result = train_and_log(models.perceptron(2, seed=0), ds, config, lesson="t", name="every", observers=[recorder])
    train = read_events(result.run_dir / "train")
    assert [s for s, _ in train["snapshots/decision_boundary"]] == list(range(0, 7))
    assert [s for s, _ in train["weights/output"]] == list(range(0, 7))
    assert [s for s, _ in train["gradients/output/kernel"]] == list(range(1, 7))
    # each step's histogram and picture are of the weights after that very step (the recorder's path)
    model = models.perceptron(2, seed=0)
    for (step, buckets), (_, picture), params in zip(train["weights/output"], train["snapshots/decision_boundary"],
                                                     recorder.path()):
        kernel, bias = params[:2].reshape(2, 1), params[2:]
        assert (buckets[0, 0], buckets[-1, 1]) == (kernel.min(), kernel.max()) and buckets[:, 2].sum() == 2
        assert picture[2] == _pictures(model, ds, [kernel, bias])["snapshots/decision_boundary"], step
    # the same training as the default cadence: the logging mode does not change the numbers
    default = train_and_log(models.perceptron(2, seed=0), ds, config.replace(log_every_step=False),
                            lesson="t", name="default")
    assert default.history.loss == result.history.loss
    assert [s for s, _ in read_events(default.run_dir / "train")["snapshots/decision_boundary"]] == [0, 2, 4, 6]


def test_supports_is_the_planes_rule():
    assert snapshots.supports(models.mlp(2, hidden=(4,))) and not snapshots.supports(models.perceptron(3))
    assert snapshots.EVERY_STEP_LIMIT == 2000 and snapshots.FRAMES == 9
    assert snapshots.Snapshots(_Images()).plane is None                   # no points: no plane pictures
    with pytest.raises(ValueError, match=r"x must be \(n, 2\) points"):
        snapshots.Snapshots(_Images(), np.zeros((3, 3)), np.zeros(3))
