import numpy as np
from conftest import read_events

from course import data, models
from course.config import Config
from course.experiment import describe_model, train_and_log


def test_describe_model():
    assert describe_model(models.mlp(2, hidden=(16,), activation="tanh")) == \
        "2 -> hidden_1 (16, tanh) -> output (1, sigmoid)"


def test_train_and_log_writes_a_new_run_with_figures_and_prints_the_trace(tmp_path):
    ds = data.blobs(n_samples=100)
    config = Config(epochs=2, batch_size=40, logdir=str(tmp_path), trace_steps=1)
    out = []
    first = train_and_log(models.perceptron(2), ds, config, lesson="test", name="blobs", goal="g",
                          print_fn=out.append)
    second = train_and_log(models.perceptron(2), ds, config, lesson="test", name="blobs", print_fn=out.append)
    assert first.run_dir != second.run_dir and first.run_dir.parent == tmp_path / "test"
    names = sorted(p.name for p in first.run_dir.iterdir())
    # the run directory's own event file holds the HParams session and the custom-scalars layout
    assert [n for n in names if n.startswith("events.out.tfevents.")] == [names[1]]
    assert names[:1] + names[2:] == ["decision_boundary.png", "network.png", "train", "training_curves.png",
                                     "validation"]
    assert first.metrics == first.history.final()
    assert out[0].startswith("The first 1 update steps") and out[1].startswith("step 1 (epoch 1, batch 1/2)")
    train = read_events(first.run_dir / "train")
    text = train["run/hyperparameters"][0][1].item().decode()
    assert "| model | 2 -> output (1, sigmoid) |" in text and "| parameters | 3 |" in text
    image = train["decision_boundary"][0]
    assert image[0] == first.history.steps                # logged at the last step
    np.testing.assert_array_equal(np.frombuffer(image[1][2], np.uint8)[:4], [137, 80, 78, 71])


def test_quiet_prints_nothing_but_still_logs(tmp_path):
    out = []
    result = train_and_log(models.perceptron(2), data.blobs(n_samples=100),
                           Config(epochs=1, batch_size=40, logdir=str(tmp_path), quiet=True),
                           lesson="t", name="q", print_fn=out.append)
    assert out == []
    assert "epoch_loss" in read_events(result.run_dir / "validation")
