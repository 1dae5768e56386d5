"""--train: a passing function trains the lesson's Keras model through the course's loop, logged beside the
course's own rule; a wrong one never starts training; a function that goes wrong at some step (raises, returns
NaN, makes the run diverge) stops the training with a LearnerFault that names the step. (Loops, exits and Ctrl-C
at a given step, through `course check --train`, are in the fault catalogue: tests/exercises/test_faults.py.)"""
import numpy as np
import pytest

from course.cli import main
from course.exercises import EXERCISES
from course.exercises.learner_training import _Guard
from course.exercises.texts import solution_text
from course.exercises import tftrain
from course.exercises.train import RECIPES, LearnerFault, train_exercise
from tests.helpers import read_events


def solution(exercise):
    """The course's own function of ``exercise``, from its solution's text."""
    namespace = {}
    exec(compile(solution_text(exercise), exercise.path, "exec"), namespace)
    return namespace[exercise.function]


def _losses(run_dir):
    return np.array([v for _, v in read_events(run_dir / "train")["batch_loss"]], dtype=np.float64)


def test_a_correct_sgd_step_trains_the_same_loss_curve_as_the_courses_sgd(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    main(["exercises", "init"])
    (tmp_path / "course-exercises" / "day3" / "sgd_step.py").write_text(solution_text(EXERCISES["day3.sgd_step"]))
    assert main(["check", "day3.sgd_step", "--train", "--logdir", "logs"]) == 0
    out = capsys.readouterr().out
    runs = sorted((tmp_path / "logs" / "exercises").iterdir())
    assert [r.name.split("_", 1)[1] for r in runs] == ["day3.sgd_step", "day3.sgd_step.course"]
    yours, course = _losses(runs[0]), _losses(runs[1])
    assert len(yours) == len(course) == 10 * 10          # 10 epochs of 10 batches (320 blobs, batch 32)
    np.testing.assert_allclose(yours, course, rtol=1e-6)   # float32 precision
    assert "course tensorboard --logdir logs/exercises" in out
    assert f"batch loss after 100 steps: yours {yours[-1]:.6f}, the course's {course[-1]:.6f}" in out
    difference = [v for _, v in read_events(runs[0] / "train")["batch_loss_difference"]]
    np.testing.assert_allclose(difference, (yours - course).astype(np.float32), atol=1e-9)
    assert "  The two loss curves coincide" in out and "batch_loss_difference shows yours minus the course's" in out


def test_a_correct_train_step_trains_exactly_the_courses_loss_curve_and_says_they_coincide(tmp_path, monkeypatch,
                                                                                           capsys):
    """Issue 21's `course check day2.train_step --train`: the learner's step runs in the worker, as the loop's update
    step; the course's run takes the course's step, eagerly too: the same operations, the same numbers."""
    monkeypatch.chdir(tmp_path)
    main(["exercises", "init"])
    (tmp_path / "course-exercises" / "day2" / "train_step.py").write_text(solution_text(EXERCISES["day2.train_step"]))
    assert main(["check", "day2.train_step", "--train", "--logdir", "logs"]) == 0
    out = capsys.readouterr().out
    runs = sorted((tmp_path / "logs" / "exercises").iterdir())
    assert [r.name.split("_", 1)[1] for r in runs] == ["day2.train_step", "day2.train_step.course"]
    yours, course = _losses(runs[0]), _losses(runs[1])
    config = tftrain.RECIPES["day2.train_step"].config
    assert len(yours) == len(course) == config.epochs * 25            # 800 moons in batches of 32
    np.testing.assert_array_equal(yours, course)
    assert [v for _, v in read_events(runs[0] / "train")["batch_loss_difference"]] == [0.0] * len(yours)
    assert "  The two loss curves coincide exactly, step for step: TensorBoard draws yours on top of the course's, " \
           "so you see one line." in out
    assert "Traceback" not in out


def test_a_wrong_function_never_starts_training(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    main(["exercises", "init"])
    path = tmp_path / "course-exercises" / "day3" / "sgd_step.py"
    path.write_text(path.read_text().replace('raise NotImplementedError("write sgd_step: replace this line with '
                                             'your code")', "return w + learning_rate * grad"))
    assert main(["check", "day3.sgd_step", "--train", "--logdir", "logs"]) == 1
    assert "Training starts once it passes: nothing was trained." in capsys.readouterr().out
    assert not (tmp_path / "logs").exists()


@pytest.mark.parametrize("exercise_id", ["day8.adam_step", "day6.backprop_two_layer"])
def test_update_rules_and_gradients_train_close_to_the_courses_own(tmp_path, exercise_id):
    exercise = EXERCISES[exercise_id]
    function = solution(exercise)
    recipe = RECIPES[exercise_id]
    runs = train_exercise(exercise, function, logdir=tmp_path, print_fn=lambda *a: None)
    yours, course = runs["yours"].metrics["step_losses"], runs["course"].metrics["step_losses"]
    np.testing.assert_array_equal(yours, _losses(runs["yours"].run_dir).astype(np.float32))
    assert len(yours) == recipe.config.epochs * -(-len(recipe.make(0)[1].y_train) // recipe.config.batch_size)
    # Adam: the learner's 0.9 and 0.999 are exact, Keras rounds them to float32 (1e-5 of a step at most)
    np.testing.assert_allclose(yours, course, rtol=1e-4 if exercise_id == "day8.adam_step" else 1e-5)


def test_every_exercise_that_trains_has_a_recipe():
    assert {eid for eid, e in EXERCISES.items() if e.train} == set(RECIPES) | set(tftrain.RECIPES)
    assert {e.train for e in EXERCISES.values() if e.id in tftrain.RECIPES} == {"step", "epoch", "logged"}


def test_a_function_that_goes_wrong_at_some_step_stops_the_training_there(tmp_path):
    exercise, sent = EXERCISES["day8.momentum_step"], []
    right = solution(exercise)
    calls = {"n": 0}

    def later_nan(w, grad, velocity, learning_rate):
        calls["n"] += 1
        new_w, new_v = right(w, grad, velocity, learning_rate)
        return (new_w * np.nan if calls["n"] == 7 else new_w), new_v

    guard = _Guard(exercise, __file__, sent.append)
    with pytest.raises(LearnerFault) as fault:
        train_exercise(exercise, later_nan, logdir=tmp_path, print_fn=lambda *a: None, call=guard)
    record = fault.value.record
    assert (record["kind"], record["output"], record["step"], record["call"]) == ("not_finite", "w", 4, 7)
    assert sent[:2] == [{"event": "call", "n": 1, "step": 1}, {"event": "returned"}] and len(sent) == 2 * 7


def test_an_error_at_some_step_is_reported_at_the_learners_line():
    exercise = EXERCISES["day3.sgd_step"]

    def sgd_step(w, grad, learning_rate):
        raise ValueError("six")                          # the learner's line

    with pytest.raises(LearnerFault) as fault:
        _Guard(exercise, __file__, lambda event: None)(sgd_step, {"w": np.ones(2), "grad": np.ones(2),
                                                                  "learning_rate": 0.1}, {"step": 6})
    record = fault.value.record
    assert (record["kind"], record["step"], record["error"]["type"]) == ("exception", 6, "ValueError")
    assert record["error"]["frames"][-1][2] == 'raise ValueError("six")                          # the learner\'s line'


def test_a_run_that_diverges_with_the_learners_function_blames_the_function(tmp_path):
    exercise = EXERCISES["day3.sgd_step"]

    def sgd_step(w, grad, learning_rate):                # finite every step, yet the weights explode
        return w * 1e12 - learning_rate * grad

    with pytest.raises(LearnerFault) as fault:
        train_exercise(exercise, sgd_step, logdir=tmp_path, print_fn=lambda *a: None)
    assert fault.value.record["kind"] == "diverged" and fault.value.record["step"] >= 1


@pytest.mark.parametrize("exercise_id", ["day7.train_epoch", "day7.logged_epoch"])
def test_a_learners_epoch_loop_trains_the_same_curve_as_the_courses_and_logs_the_courses_tags(tmp_path, monkeypatch,
                                                                                            exercise_id):
    """In this process, 2 epochs: the learner's loop (the course's solution) and the course's own, the same steps
    and losses; the logging loop's run holds the course's run's tags at the same steps, and the difference."""
    recipe = tftrain.RECIPES[exercise_id]
    monkeypatch.setitem(tftrain.RECIPES, exercise_id, recipe.__class__(recipe.what, recipe.optimizer, recipe.make,
                                                                       recipe.config.replace(epochs=2)))
    runs = tftrain.train_tensorflow_exercise(EXERCISES[exercise_id], solution(EXERCISES[exercise_id]),
                                             logdir=tmp_path, print_fn=lambda *a: None)
    yours, course = (read_events(runs[key].run_dir / "train") for key in ("yours", "course"))
    assert [s for s, _ in yours["batch_loss"]] == [s for s, _ in course["batch_loss"]] == list(range(1, 51))
    np.testing.assert_array_equal(_losses(runs["yours"].run_dir), _losses(runs["course"].run_dir))
    np.testing.assert_array_equal(_losses(runs["yours"].run_dir), runs["yours"].metrics["step_losses"])
    assert [v for _, v in yours["batch_loss_difference"]] == [0.0] * 50
    assert set(yours) - {"batch_loss_difference"} == set(course)
    if exercise_id == "day7.logged_epoch":
        assert {"weights/hidden_1", "gradients/output/bias"} <= set(course)
        for tag in course:
            assert [s for s, _ in yours[tag]] == [s for s, _ in course[tag]]


def test_a_train_step_that_raises_at_some_step_stops_the_training_there(tmp_path, monkeypatch):
    exercise, right = EXERCISES["day2.train_step"], solution(EXERCISES["day2.train_step"])
    recipe = tftrain.RECIPES["day2.train_step"]
    monkeypatch.setitem(tftrain.RECIPES, "day2.train_step", recipe.__class__(
        recipe.what, recipe.optimizer, recipe.make, recipe.config.replace(epochs=1)))
    calls = {"n": 0}

    def train_step(model, loss_fn, optimizer, x, y):
        calls["n"] += 1
        if calls["n"] == 3:
            raise ArithmeticError("at the third step")
        return right(model, loss_fn, optimizer, x, y)

    with pytest.raises(LearnerFault) as fault:
        tftrain.train_tensorflow_exercise(exercise, train_step, logdir=tmp_path, print_fn=lambda *a: None,
                                          call=_Guard(exercise, __file__, lambda event: None))
    record = fault.value.record
    assert (record["kind"], record["step"], record["call"], record["error"]["type"]) == (
        "exception", 3, 3, "ArithmeticError")
