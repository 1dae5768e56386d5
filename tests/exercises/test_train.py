"""--train: a passing function trains the lesson's Keras model through the course's loop, logged beside the
course's own rule; a wrong one never starts training."""
import shutil
from pathlib import Path

import numpy as np
import pytest

from course.cli import main
from course.exercises import EXERCISES
from course.exercises.checker import load_function
from course.exercises.train import RECIPES, train_exercise
from tests.helpers import read_events

SOLUTIONS = Path(__file__).resolve().parents[2] / "course" / "exercises" / "solutions"


def _losses(run_dir):
    return np.array([v for _, v in read_events(run_dir / "train")["batch_loss"]], dtype=np.float64)


def test_a_correct_sgd_step_trains_the_same_loss_curve_as_the_courses_sgd(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    main(["exercises", "init"])
    shutil.copyfile(SOLUTIONS / "day3" / "sgd_step.py", tmp_path / "course-exercises" / "day3" / "sgd_step.py")
    assert main(["check", "day3.sgd_step", "--train", "--logdir", "logs"]) == 0
    out = capsys.readouterr().out
    runs = sorted((tmp_path / "logs" / "exercises").iterdir())
    assert [r.name.split("_", 1)[1] for r in runs] == ["day3.sgd_step", "day3.sgd_step.course"]
    yours, course = _losses(runs[0]), _losses(runs[1])
    assert len(yours) == len(course) == 10 * 10          # 10 epochs of 10 batches (320 blobs, batch 32)
    np.testing.assert_allclose(yours, course, rtol=1e-6)   # float32 precision
    assert "course tensorboard --logdir logs/exercises" in out
    assert f"batch loss after 100 steps: yours {yours[-1]:.6f}, the course's {course[-1]:.6f}" in out


def test_a_wrong_function_never_starts_training(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    main(["exercises", "init"])
    path = tmp_path / "course-exercises" / "day3" / "sgd_step.py"
    path.write_text(path.read_text().replace('    raise NotImplementedError("write sgd_step: replace this line with '
                                             'your code")', "    return w + learning_rate * grad"))
    assert main(["check", "day3.sgd_step", "--train", "--logdir", "logs"]) == 1
    assert "Training starts once it passes: nothing was trained." in capsys.readouterr().out
    assert not (tmp_path / "logs").exists()


@pytest.mark.parametrize("exercise_id", ["day8.adam_step", "day6.backprop_two_layer"])
def test_update_rules_and_gradients_train_close_to_the_courses_own(tmp_path, exercise_id):
    exercise = EXERCISES[exercise_id]
    function = load_function(exercise, SOLUTIONS / exercise.path)
    recipe = RECIPES[exercise_id]
    runs = train_exercise(exercise, function, logdir=tmp_path, print_fn=lambda *a: None)
    yours, course = runs["yours"].metrics["step_losses"], runs["course"].metrics["step_losses"]
    np.testing.assert_array_equal(yours, _losses(runs["yours"].run_dir).astype(np.float32))
    assert len(yours) == recipe.config.epochs * -(-len(recipe.make(0)[1].y_train) // recipe.config.batch_size)
    # Adam: the learner's 0.9 and 0.999 are exact, Keras rounds them to float32 (1e-5 of a step at most)
    np.testing.assert_allclose(yours, course, rtol=1e-4 if exercise_id == "day8.adam_step" else 1e-5)


def test_every_update_rule_and_gradient_exercise_has_a_recipe():
    assert {eid for eid, e in EXERCISES.items() if e.train} == set(RECIPES)
