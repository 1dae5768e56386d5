import math

from course.records import History, Observer


def test_history_final_is_the_last_complete_epoch():
    h = History(epoch=[1, 2], loss=[0.9, 0.4], accuracy=[0.5, 0.8], val_loss=[1.0, 0.5], val_accuracy=[0.4, 0.7])
    assert h.final() == {"epoch": 2, "loss": 0.4, "accuracy": 0.8, "val_loss": 0.5, "val_accuracy": 0.7}


def test_history_final_before_any_complete_epoch_is_nan():
    final = History(stopped="diverged at step 2", diverged=True).final()
    assert final["epoch"] == 0 and all(math.isnan(final[k]) for k in ("loss", "accuracy", "val_loss",
                                                                      "val_accuracy"))


def test_the_observer_base_asks_for_nothing():
    obs = Observer()
    assert obs.full_steps == 0
    assert obs.on_epoch_end(None) is None and obs.on_train_end(None) is None
