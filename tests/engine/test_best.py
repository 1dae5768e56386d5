"""course.engine.best: KeepBest keeps the epoch with the best validation accuracy (ties: the lower validation
loss) and puts its weights back when training ends; checked on hand-made epochs with a real Keras model, and in
a real run against the weights each epoch left."""
import numpy as np

from course.core.config import Config
from course.core.datasets import blobs
from course.core.models import perceptron
from course.engine.best import KeepBest
from course.engine.loop import fit
from course.engine.records import EpochRecord, Recorder


def _epoch(epoch, val_accuracy, val_loss, weights, norms=(0.5,), complete=True):
    z = np.zeros(len(norms))
    return EpochRecord(epoch=epoch, first_step=epoch, step_loss=z, step_accuracy=z, step_grad_norm=np.array(norms),
                       step_sizes=z, step_params=None, step_grads=None, loss=0.5, accuracy=0.5, val_loss=val_loss,
                       val_accuracy=val_accuracy, learning_rate=0.1, names=["output/kernel", "output/bias"],
                       variables=weights, grads=[], complete=complete)


def test_the_best_epoch_is_kept_and_its_weights_put_back():
    model = perceptron(2, seed=0)
    weights = [[np.full((2, 1), float(k), np.float32), np.full(1, -float(k), np.float32)] for k in range(5)]
    keep = KeepBest()
    keep.on_train_begin(model, Config(), [], [])
    accuracies = [(0.70, 0.6), (0.97, 0.2), (0.97, 0.1), (0.93, 0.3), (0.51, 0.9)]     # learned, then collapsed
    for k, (acc, loss) in enumerate(accuracies):
        keep.on_epoch_end(_epoch(k + 1, acc, loss, weights[k], norms=(0.5, 40.0 * k)))
    keep.on_epoch_end(_epoch(6, float("nan"), float("nan"), weights[0], complete=False))   # a partial epoch: ignored
    keep.on_train_end(None)
    assert (keep.best.epoch, keep.best.val_accuracy, keep.last.epoch, keep.restored) == (3, 0.97, 5, True)
    for got, want in zip(model.get_weights(), weights[2]):                  # epoch 3's weights: the tie's lower loss
        np.testing.assert_array_equal(got, want)
    spike = keep.largest_norm_after_best()
    assert (spike.epoch, spike.largest_grad_norm) == (5, 160.0)


def test_a_run_whose_last_epoch_is_its_best_is_left_as_it_is():
    model = perceptron(2, seed=0)
    before = model.get_weights()
    keep = KeepBest()
    keep.on_train_begin(model, Config(), [], [])
    keep.on_epoch_end(_epoch(1, 0.5, 0.7, [w + 1 for w in before]))
    keep.on_epoch_end(_epoch(2, 0.9, 0.3, [w + 2 for w in before]))
    keep.on_train_end(None)
    assert not keep.restored and keep.largest_norm_after_best() is None
    for got, want in zip(model.get_weights(), before):                     # untouched: not even assigned again
        np.testing.assert_array_equal(got, want)


def test_in_a_real_run_the_model_ends_with_the_weights_of_its_best_epoch():
    model, ds = perceptron(2, seed=0), blobs(seed=0, n_samples=200)
    recorder, keep = Recorder(), KeepBest()
    fit(model, ds, Config(epochs=6, learning_rate=3.0, batch_size=16), observers=[recorder, keep])
    val = [r.val_accuracy for r in recorder.epochs]
    best = max(range(6), key=lambda k: (val[k], -recorder.epochs[k].val_loss))
    assert keep.best.epoch == best + 1 and keep.best.val_accuracy == val[best]
    for got, want in zip(model.get_weights(), recorder.epochs[best].variables):
        np.testing.assert_array_equal(got, want)
