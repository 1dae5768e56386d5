"""course.engine.records: what the loop hands its observers (StepRecord, EpochRecord), what it returns
(History), the Observer base and the Recorder."""
import math

import numpy as np
import pytest

from course.core.config import Config
from course.core.datasets import blobs
from course.core.models import perceptron
from course.engine.loop import fit
from course.engine import records
from course.engine.records import (EpochMetrics, EpochRecord, EpochTimer, History, Observer, Recorder,
                                   StepOutputs, StepSeries)


def test_history_final_is_the_last_complete_epoch():
    h = History(epoch=[1, 2], loss=[0.9, 0.4], accuracy=[0.5, 0.8], val_loss=[1.0, 0.5], val_accuracy=[0.4, 0.7])
    assert h.final() == {"epoch": 2, "loss": 0.4, "accuracy": 0.8, "val_loss": 0.5, "val_accuracy": 0.7}


def test_history_final_before_any_complete_epoch_is_nan():
    from course.engine.stop import Stop
    history = History(stop=Stop("diverged", 2, 1, 2, "the loss is nan"))
    final = history.final()
    assert final["epoch"] == 0 and all(math.isnan(final[k]) for k in ("loss", "accuracy", "val_loss",
                                                                      "val_accuracy"))
    assert (history.diverged, history.stopped_at) == (True, 2)
    assert history.stopped == "diverged at step 2 (epoch 1, batch 2): the loss is nan; lower the learning rate " \
                              "(--learning-rate), e.g. ten times smaller"


def test_a_familys_history_holds_its_own_series_read_as_attributes():
    history = History()
    history.add(1, {"d_loss": 1.3, "g_loss": 0.7})
    history.add(2, {"d_loss": 1.2, "g_loss": 0.8, "loss": 0.5})
    assert history.d_loss == [1.3, 1.2] and history.g_loss == [0.7, 0.8] and history.loss == [0.5]
    assert history.final()["d_loss"] == 1.2 and history.epoch == [1, 2]
    with pytest.raises(AttributeError, match="'History' has no attribute 'p_real'"):
        history.p_real


def test_the_observer_base_asks_for_nothing_and_changes_nothing():
    obs = Observer()
    assert (obs.full_steps, obs.wants_graph) == (0, False)
    # a bare Observer in the loop: the same training as none at all (the compiled path, bit for bit),
    # and every hook a subclass overrides is called in order
    ds, config = blobs(seed=0, n_samples=100), Config(epochs=2, batch_size=20)
    alone, watched = perceptron(2, seed=0), perceptron(2, seed=0)
    calls = []

    class Calls(Observer):
        def on_train_begin(self, model, config, names, initial):
            calls.append("begin")

        def on_epoch_end(self, record):
            calls.append(record.epoch)

        def on_train_end(self, history):
            calls.append("end")

    h_alone = fit(alone, ds, config)
    h_watched = fit(watched, ds, config, observers=[obs, Calls()])
    for a, b in zip(alone.get_weights(), watched.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert h_alone == h_watched
    assert calls == ["begin", 1, 2, "end"]


def test_the_tuples_the_compiled_code_returns_name_their_fields_in_order():
    assert StepOutputs._fields == ("loss", "correct", "grad_norm", "grads", "params", "flat_grads", "finite")
    assert StepOutputs(1.0, 2.0, 3.0, [], None, None).finite is True            # finite unless a step says not
    assert StepSeries._fields == ("loss", "correct", "grad_norm", "params", "flat_grads")
    assert EpochMetrics(0.5, 0.75, 0.6, 0.7).val_accuracy == 0.7
    loss, correct, *_ = StepOutputs(1.0, 2.0, 3.0, [], None, None, False)
    assert (loss, correct) == (1.0, 2.0)


def _epoch(epoch, losses, params, first_step=None):
    n = len(losses)
    return EpochRecord(epoch=epoch, first_step=first_step or 1 + 2 * (epoch - 1), step_loss=np.array(losses),
                       step_accuracy=np.zeros(n), step_grad_norm=np.zeros(n), step_sizes=np.full(n, 32),
                       step_params=params, step_grads=None if params is None else np.zeros_like(params), loss=0.45,
                       accuracy=0, val_loss=0, val_accuracy=0, learning_rate=0.1, names=[], variables=[], grads=[])


def test_recorder_path_and_losses():
    rec = Recorder(full_steps=2)
    rec.on_train_begin(None, None, ["a", "b"], [np.array([[1.0]]), np.array([2.0])])
    rec.on_epoch_end(_epoch(1, [0.5, 0.4], np.array([[1.1, 2.1], [1.2, 2.2]])))
    rec.on_epoch_end(_epoch(2, [0.3], np.array([[1.3, 2.3]])))
    np.testing.assert_array_equal(rec.path(), [[1.0, 2.0], [1.1, 2.1], [1.2, 2.2], [1.3, 2.3]])
    np.testing.assert_array_equal(rec.step_losses(1), [0.5, 0.4])
    np.testing.assert_array_equal(rec.step_losses(), [0.5, 0.4, 0.3])
    assert rec.step_losses(3).shape == (0,)
    rec.on_train_begin(None, None, ["a"], [np.zeros(1)])           # a new run starts from nothing
    assert rec.epochs == [] and rec.steps == [] and rec.step_losses().shape == (0,)


def test_recorder_path_needs_a_small_model_and_full_steps_a_count():
    rec = Recorder()
    rec.on_train_begin(None, None, ["a"], [np.zeros(30)])
    rec.on_epoch_end(_epoch(1, [0.5], None))
    with pytest.raises(ValueError, match="only recorded for small models"):
        rec.path()
    with pytest.raises(ValueError, match="full_steps must be a non-negative integer"):
        Recorder(full_steps=-1)


def test_recorder_keeps_what_fit_reports():
    ds = blobs(seed=0, n_samples=100)                      # 80 training examples: 2 steps of 40 an epoch
    model = perceptron(2, seed=0)
    initial = np.concatenate([w.ravel() for w in model.get_weights()])
    rec = Recorder(full_steps=1)
    fit(model, ds, Config(epochs=2, batch_size=40), observers=[rec])
    assert [s.step for s in rec.steps] == [1] and [e.epoch for e in rec.epochs] == [1, 2]
    path = rec.path()
    assert path.shape == (5, 3)
    np.testing.assert_array_equal(path[0], initial)
    np.testing.assert_array_equal(path[-1], np.concatenate([w.ravel() for w in model.get_weights()]))
    np.testing.assert_array_equal(path[1], np.concatenate([w.ravel() for w in rec.steps[0].after]))


def test_epoch_timer_measures_from_the_end_of_epoch_1(monkeypatch):
    clock = iter([100.0, 103.0, 103.5, 104.25, 105.0])                  # begin, then the end of epochs 1..4
    monkeypatch.setattr(records.time, "perf_counter", lambda: next(clock))
    timer = EpochTimer()
    timer.on_train_begin(None, None, [], [])
    for epoch in (1, 2, 3):
        timer.on_epoch_end(_epoch(epoch, [0.5] * 10, None, first_step=10 * (epoch - 1) + 1))
    partial = _epoch(4, [0.5] * 3, None, first_step=31)
    partial.complete = False
    timer.on_epoch_end(partial)                                          # an unfinished epoch is not timed
    assert timer.per_epoch() == [0.5, 0.75]                              # epoch 1 (compiling) left out
    assert timer.per_update() == pytest.approx((104.25 - 103.0) / 20)    # 20 updates in epochs 2 and 3
    one = EpochTimer()
    monkeypatch.setattr(records.time, "perf_counter", iter([0.0, 1.0]).__next__)
    one.on_train_begin(None, None, [], [])
    one.on_epoch_end(_epoch(1, [0.5], None))
    assert one.per_epoch() == [] and np.isnan(one.per_update())


def test_fit_records_each_steps_batch_size_and_the_step_it_stopped_at():
    ds = blobs(seed=0, n_samples=100)                      # 80 training examples: batches of 32, 32, 16
    rec = Recorder()
    history = fit(perceptron(2, seed=0), ds, Config(epochs=1, batch_size=32), observers=[rec])
    np.testing.assert_array_equal(rec.epochs[0].step_sizes, [32, 32, 16])
    assert (history.stopped, history.stopped_at, history.diverged) == ("", 0, False)


def test_the_path_leaves_out_an_epoch_stopped_before_its_first_step():
    from course.core import datasets as data
    from course.core.models import mlp
    ds = data.blobs(seed=0, n_samples=100)
    recorder = Recorder()
    model = mlp(2, hidden=(3,), seed=0)
    history = fit(model, ds, Config(epochs=3, batch_size=80, learning_rate=1e20), observers=[recorder])
    assert history.stopped.startswith("diverged at step 2 (epoch 2, batch 1)")     # epoch 2 kept no step
    assert [len(r.step_loss) for r in recorder.epochs] == [1, 0]
    path = recorder.path()
    assert path.shape == (2, 13)                                          # the start, then step 1: 9 + 4 numbers
    np.testing.assert_array_equal(path[1], recorder.epochs[0].step_params[0])
