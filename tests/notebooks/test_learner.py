"""check, hint and train in a notebook: the verdict `course check` prints, the solution only once it passes, one
more hint a call, and no training before the function passes."""
import textwrap

import pytest

from course.exercises import EXERCISES
from course.exercises import check as course_check
from course.exercises.texts import function_text
from course.notebooks import check, hint, train


def sgd_step(w, grad, learning_rate):
    return w - learning_rate * grad


def flipped_sgd_step(w, grad, learning_rate):
    return w + learning_rate * grad


def sigmoid(z):
    raise NotImplementedError("write sigmoid: replace this line with your code")


def test_a_wrong_function_gets_the_verdict_and_no_solution(capsys):
    expected = course_check("day3.sgd_step", flipped_sgd_step, quiet=True).report()
    assert check("day3.sgd_step", flipped_sgd_step) is None
    out = capsys.readouterr().out
    assert out == expected + "\n"
    assert out.startswith("FAIL    day3.sgd_step: the sign is flipped") and "solution" not in out


def test_a_passing_function_gets_ok_then_the_course_solution_and_how_to_train(capsys):
    check("day3.sgd_step", sgd_step)
    solution = textwrap.indent(function_text(EXERCISES["day3.sgd_step"], solution=True, docstring=False), " " * 12)
    assert capsys.readouterr().out == (
        "ok      day3.sgd_step: passed all 2 cases\n"
        "        the course's solution, to compare with yours:\n"
        f"{solution}\n"
        '        train the lesson\'s Keras model with your function: train("day3.sgd_step", sgd_step)\n')
    assert "return w - learning_rate * grad" in solution


def test_a_starter_is_not_implemented_yet_with_no_traceback(capsys):
    check("day1.sigmoid", sigmoid)
    assert capsys.readouterr().out == ('not yet day1.sigmoid: not implemented yet: write the body of sigmoid '
                                       '(hint("day1.sigmoid") gives a hint)\n')      # a hint as a notebook asks


def test_hints_come_one_at_a_time_then_the_last_one_again(capsys):
    hints = EXERCISES["day3.neuron_gradients_mse"].hints
    for _ in range(len(hints) + 1):
        hint("day3.neuron_gradients_mse")
    lines = capsys.readouterr().out.splitlines()
    last = f"Hint {len(hints)} of {len(hints)} for day3.neuron_gradients_mse: {hints[-1]}"
    note = "(that is the last hint: it leads to the formula; the docstring's example is worth a second look)"
    assert lines == [*(f"Hint {k} of {len(hints)} for day3.neuron_gradients_mse: {text}"
                       for k, text in enumerate(hints[:-1], 1)), last, note, last, note]


def test_no_training_before_the_function_passes(capsys, tmp_path):
    train("day3.sgd_step", flipped_sgd_step, logdir=str(tmp_path / "logs"))
    out = capsys.readouterr().out
    assert out.startswith("FAIL    day3.sgd_step: the sign is flipped")
    assert out.endswith("Training starts once it passes: nothing was trained.\n")
    assert not (tmp_path / "logs").exists()


def test_unknown_and_untrainable_exercises_are_refused():
    with pytest.raises(ValueError, match="no exercise 'day3.sgd_stp'; the exercises are: day1.sigmoid, "):
        check("day3.sgd_stp", sgd_step)
    trainable = ", ".join(eid for eid, e in EXERCISES.items() if e.train)
    assert trainable.startswith("day2.train_step, day3.neuron_gradients_bce, day3.sgd_step, ")
    with pytest.raises(ValueError, match=f"^day1.sigmoid does not train a model; train takes {trainable}$"):
        train("day1.sigmoid", sigmoid)
