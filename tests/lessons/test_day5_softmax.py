"""Day 5: the worked softmax numbers, the overflow, cross-entropy, and the classifiers' bars at default flags."""
import contextlib
import io
import re

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.metrics import confusion_matrix as sk_confusion_matrix

from course.core import datasets as data
from course.reference.activations import softmax
from lessons import day5_softmax
from tests.helpers import read_events, sgd_lines_hold

LOGITS = np.array([5.1, 2.6, 1.7])


@pytest.fixture(scope="module")
def lesson(tmp_path_factory, trained_seed):
    """One run of the whole lesson at its default flags: every number below comes from it."""
    logdir, out = tmp_path_factory.mktemp("logs"), io.StringIO()
    with contextlib.redirect_stdout(out):
        result = day5_softmax.run(day5_softmax.DEFAULTS.replace(logdir=str(logdir), seed=trained_seed))
    return result, out.getvalue()


def test_softmax_worked_example(lesson):
    result, out = lesson
    n = result.numbers
    e = np.exp(LOGITS)                                       # hand-derived oracle
    assert n["softmax_exp_sum"] == pytest.approx(182.9596, abs=1e-4)
    assert n["softmax_exp_sum"] == pytest.approx(e.sum(), rel=1e-12)
    np.testing.assert_allclose(n["softmax_p"], e / e.sum(), rtol=1e-12)
    np.testing.assert_allclose(n["softmax_p"], [0.8965, 0.0736, 0.0299], atol=5e-5)
    assert n["softmax_p"][0] == pytest.approx(0.90, abs=0.01)          # the largest logit, 5.1, gets ~0.90
    assert n["softmax_p"].sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(n["softmax_keras"], n["softmax_p"], atol=1e-12)   # Keras, float64
    # 4 decimals of each exponential would add up to 182.9595: a fifth makes the sum check on a calculator
    for line in ("e^5.1 = 164.02191, e^2.6 = 13.46374, e^1.7 = 5.47395",
                 "S = 164.02191 + 13.46374 + 5.47395 = 182.9596",
                 "164.02191 / 182.9596 = 0.8965",
                 "0.8965 + 0.0736 + 0.0299 = 1.0000",
                 "-log 0.073589 = 2.6093", "-log 0.029919 = 3.5093"):
        assert line in out
    assert f"{164.02191 + 13.46374 + 5.47395:.4f}" == "182.9596" and f"{-np.log(0.073589):.4f}" == "2.6093"


def test_subtracting_the_maximum_avoids_overflow(lesson):
    result, out = lesson
    n = result.numbers
    assert np.all(np.isnan(n["overflow_naive"]))                       # e^1000 = inf, inf / inf = nan
    np.testing.assert_allclose(n["overflow_stable"], n["softmax_p"], atol=1e-12)   # shift-invariant
    np.testing.assert_allclose(softmax(LOGITS + 994.9), n["softmax_p"], atol=1e-12)
    assert "logits z = [1000.0, 997.5, 996.6]" in out
    assert "p = [nan, nan, nan]" in out and "z - max(z) = [0.0, -2.5, -3.4]" in out


def test_categorical_cross_entropy(lesson):
    result, out = lesson
    n = result.numbers
    np.testing.assert_allclose(n["cross_entropy"], -np.log(n["softmax_p"]), rtol=1e-12)
    np.testing.assert_allclose(n["cross_entropy"], [0.1093, 2.6093, 3.5093], atol=5e-5)
    np.testing.assert_allclose(n["cross_entropy_keras"], n["cross_entropy"], rtol=1e-6)   # Keras, float32
    assert "-log 0.8965 = 0.1093" in out


@pytest.mark.trained
def test_classifiers_meet_the_bars_and_confusion_matrices_match_sklearn(lesson, trained_seed, claim):
    result, _ = lesson
    n = result.numbers
    # against scikit-learn's LogisticRegression on the same split (the same model, fitted to convergence): a
    # split of 30 iris examples can be hard for both (seed 3: 0.867), so the bar follows the split
    for part, slack in (("iris", 0.1), ("digits", 0.05)):
        ds = data.load(part, seed=trained_seed)
        yardstick = LogisticRegression(max_iter=5000).fit(ds.x_train, ds.y_train).score(ds.x_val, ds.y_val)
        assert n[f"{part}_sklearn_accuracy"] == pytest.approx(yardstick, abs=1e-12)
        claim(f"{part} validation accuracy - LogisticRegression's", n[f"{part}_val_accuracy"] - yardstick, ">=",
              -slack)
    claim("digits validation accuracy", n["digits_val_accuracy"], ">=", 0.90)
    for part in ("iris", "digits"):
        ds, run_ = data.load(part, seed=trained_seed), result.runs[part]
        predicted = np.asarray(run_.model(ds.x_val)).argmax(axis=1)
        expected = sk_confusion_matrix(ds.y_val, predicted, labels=range(ds.n_classes))
        np.testing.assert_array_equal(n[f"{part}_confusion"], expected)
        assert n[f"{part}_confusion"].sum() == len(ds.y_val)
        accuracy = accuracy_score(ds.y_val, predicted)                  # scikit-learn's count of the same
        assert n[f"{part}_confusion_accuracy"] == pytest.approx(accuracy, abs=1e-9)
        assert n[f"{part}_val_accuracy"] == pytest.approx(accuracy, abs=1e-6)


def test_runs_hold_the_confusion_matrix_png_and_image(lesson):
    result, _ = lesson
    for part in ("iris", "digits"):
        run_dir = result.runs[part].run_dir
        network = ["network.png"] if part == "iris" else []       # digits' 64 inputs are too many to draw
        assert sorted(p.name for p in run_dir.glob("*.png")) == ["confusion_matrix.png", *network,
                                                                  "training_curves.png"]
        train = read_events(run_dir / "train")
        assert {"confusion_matrix", "training_curves", "epoch_loss", "batch_loss", "weights/output",
                "gradients/output/kernel", "run/hyperparameters", "run/goal"} <= set(train)
        ((step, value),) = train["confusion_matrix"]
        assert step == result.runs[part].history.steps
        assert value[2][:8] == b"\x89PNG\r\n\x1a\n"                  # [width, height, PNG bytes]
        assert set(read_events(run_dir / "validation")) == {"epoch_loss", "epoch_accuracy"}


def test_output_layer_table_and_takeaways_printed(lesson):
    _, out = lesson
    for text in ("binary classification", "1 unit, sigmoid", "k units, softmax", "m units, linear",
                 "Takeaways:", "== 6. The output layer follows the task"):
        assert text in out


def test_the_traced_updates_are_plain_sgd_and_hold(lesson):
    _, out = lesson
    assert "(w <- w - lr * dL/dw with lr = 0.3)" in out and "Adam" not in out
    assert sgd_lines_hold(out) == len(re.findall(r"^ +\S+\[[0-9,]+\]: ", out, re.M)) > 0


def test_bad_dataset_flag_exits_2_and_writes_nothing(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        day5_softmax.main(["--dataset", "moons", "--logdir", str(tmp_path / "logs")])
    assert exit_.value.code == 2
    assert "invalid choice: 'moons'" in capsys.readouterr().err
    assert not (tmp_path / "logs").exists()


class _Model:
    def __init__(self, outputs):
        self.outputs = outputs

    def __call__(self, x):
        return self.outputs


class _Lesson:
    """A stand-in for the lesson: the figures it is asked to add to a run, kept."""
    def __init__(self):
        self.added = []

    def add_figures(self, run, figures):
        self.added.append(sorted(figures))


def test_a_diverged_model_gets_no_confusion_matrix_and_ties_are_all_named(capsys):
    iris = data.iris(seed=0)
    lesson = _Lesson()
    run = type("Run", (), {"model": _Model(np.full((len(iris.y_val), 3), np.nan))})()
    counts, predicted, accuracy = day5_softmax.confusion_part(lesson, run, iris)
    said = capsys.readouterr().out.splitlines()
    assert said == ["  no confusion matrix: the model's outputs are not numbers (the run diverged)"]
    assert lesson.added == []
    assert counts.sum() == 0 and predicted is None and np.isnan(accuracy)
    # two different mistakes, once each: both named, "once", not "1 times"
    y = iris.y_val
    wrong = [int(np.flatnonzero(y == 1)[0]), int(np.flatnonzero(y == 2)[0])]
    guess = y.copy()
    guess[wrong] = [2, 1]
    run = type("Run", (), {"model": _Model(np.eye(3)[guess]), "run_dir": None,
                           "history": type("History", (), {"stopped": ""})()})()
    counts, _, accuracy = day5_softmax.confusion_part(lesson, run, iris)
    said = capsys.readouterr().out.splitlines()
    assert lesson.added == [["confusion_matrix"]]
    np.testing.assert_array_equal(counts, sk_confusion_matrix(y, guess, labels=[0, 1, 2]))
    assert said[-1] == "  most frequent mistakes (once each): versicolor taken for virginica; virginica taken for versicolor"
    assert said[0] == "  confusion matrix on the validation split (rows: true class, columns: predicted):"
    # a run that stopped early with finite (huge) weights: the matrix is of the weights where it stopped, and says so
    run.history = type("History", (), {"stopped": "diverged at step 4 (epoch 1, batch 4): ..."})()
    day5_softmax.confusion_part(lesson, run, iris)
    said = capsys.readouterr().out.splitlines()
    assert said[0] == ("  confusion matrix of the weights where training stopped on the validation split (rows: true "
                       "class, columns: predicted):")
