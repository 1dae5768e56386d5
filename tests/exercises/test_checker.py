"""The checker: every reference solution passes, every untouched starter is "not implemented yet", typical
mistakes written as a learner writes them each draw their own diagnosis, and exceptions and endless loops end
in a clear verdict. Learner files are written into tmp_path and loaded like a workspace's."""
import textwrap
from pathlib import Path

import numpy as np
import pytest

from course.exercises import EXERCISES, check
from course.exercises.checker import TIMEOUT, check_function, load_function

PACKAGE = Path(__file__).resolve().parents[2] / "course" / "exercises"


def verdict(exercise_id, path):
    exercise = EXERCISES[exercise_id]
    function = load_function(exercise, path)
    return function if not callable(function) else check_function(exercise, function, filename=str(path))


def learner_file(tmp_path, exercise_id, body):
    """The starter of ``exercise_id`` with its body replaced by ``body`` (what a learner types)."""
    exercise = EXERCISES[exercise_id]
    starter = (PACKAGE / "starters" / exercise.path).read_text()
    marker = f'    raise NotImplementedError("write {exercise.function}: replace this line with your code")\n'
    assert marker in starter
    path = tmp_path / exercise.path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(starter.replace(marker, textwrap.indent(textwrap.dedent(body).strip() + "\n", "    ")))
    return path


def test_there_are_two_to_four_exercises_a_day_for_days_1_to_8():
    per_day = {}
    for exercise in EXERCISES.values():
        per_day[exercise.day] = per_day.get(exercise.day, 0) + 1
    assert sorted(per_day) == list(range(1, 9)) and all(2 <= n <= 4 for n in per_day.values())
    assert len(EXERCISES) >= 16
    assert all(len(e.hints) >= 2 for e in EXERCISES.values())


@pytest.mark.parametrize("exercise_id", list(EXERCISES))
def test_every_reference_solution_passes_the_learners_checker(exercise_id):
    result = verdict(exercise_id, PACKAGE / "solutions" / EXERCISES[exercise_id].path)
    assert result.passed, result.report()
    assert result.summary == f"passed all {len(EXERCISES[exercise_id].seeded_cases())} cases"


@pytest.mark.parametrize("exercise_id", list(EXERCISES))
def test_every_untouched_starter_is_not_implemented_yet(exercise_id):
    result = verdict(exercise_id, PACKAGE / "starters" / EXERCISES[exercise_id].path)
    assert result.status == "not implemented"
    assert result.summary.startswith("not implemented yet") and "Traceback" not in result.report()


def test_the_starters_do_not_hold_the_solutions():
    for exercise in EXERCISES.values():
        starter = (PACKAGE / "starters" / exercise.path).read_text()
        solution = (PACKAGE / "solutions" / exercise.path).read_text()
        body = solution.split('"""\n', 3)[-1].strip()           # the solution's code after its docstring
        assert body not in starter and "raise NotImplementedError" in starter


# A catalogue of typical mistakes, each typed as a learner would, and the diagnosis it must draw.
MISTAKES = [
    ("day1.sigmoid", "return 1 / (1 + np.exp(z))", "sign"),
    ("day1.sigmoid", "return np.tanh(z)", "tanh"),
    ("day1.sigmoid", "return np.exp(z) / (1 + np.exp(z))", "overflow"),
    ("day1.perceptron_forward", "return 1 / (1 + np.exp(-(x @ w)))", "bias"),
    ("day1.perceptron_forward", "return x @ w + b", "no_sigmoid"),
    ("day1.binary_cross_entropy", "p = np.clip(p, 1e-7, 1 - 1e-7)\nreturn np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))",
     "sign"),
    ("day1.binary_cross_entropy", "p = np.clip(p, 1e-7, 1 - 1e-7)\nreturn -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))",
     "mean"),
    ("day1.binary_cross_entropy", "return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))", "clip"),
    ("day2.dense_layer", "return 1 / (1 + np.exp(-(x @ W.T + b)))", "transposed"),
    ("day2.dense_layer", "return 1 / (1 + np.exp(-(x @ W)))", "bias"),
    ("day2.mlp_forward", "a1 = x @ W1 + b1\nreturn 1 / (1 + np.exp(-(a1 @ W2 + b2)))", "no_hidden_activation"),
    ("day3.neuron_gradients_mse", "p = 1 / (1 + np.exp(-(w * x + b)))\ndz = 2 * (p - y) * p * (1 - p)\n"
                                  "return np.sum(dz * x), np.sum(dz)", "mean"),
    ("day3.neuron_gradients_mse", "p = 1 / (1 + np.exp(-(w * x + b)))\ndz = 2 * (p - y) / len(x)\n"
                                  "return np.sum(dz * x), np.sum(dz)", "sigmoid_derivative"),
    ("day3.neuron_gradients_bce", "p = 1 / (1 + np.exp(-(w * x + b)))\ndz = (y - p) / len(x)\n"
                                  "return np.sum(dz * x), np.sum(dz)", "sign"),
    ("day3.sgd_step", "return w + learning_rate * grad", "sign"),
    ("day3.sgd_step", "return w - grad", "learning_rate"),
    ("day4.sigmoid_derivative", "return z * (1 - z)", "a_formula"),
    ("day4.relu_derivative", "return (z >= 0).astype(float)", "at_zero"),
    ("day5.softmax", "e = np.exp(z)\nreturn e / e.sum(axis=1, keepdims=True)", "overflow"),
    ("day5.softmax", "e = np.exp(z - z.max())\nreturn e / e.sum(axis=0, keepdims=True)", "axis"),
    ("day5.cross_entropy", "p = np.clip(p, 1e-7, 1 - 1e-7)\nreturn -np.sum(np.log(p[np.arange(len(y)), y]))", "mean"),
    ("day5.softmax_cross_entropy_gradient", "e = np.exp(z - z.max(axis=1, keepdims=True))\n"
                                            "return e / e.sum(axis=1, keepdims=True) - np.eye(z.shape[1])[y]", "mean"),
    ("day6.backprop_two_layer", "a1 = 1 / (1 + np.exp(-(x @ W1 + b1)))\np = 1 / (1 + np.exp(-(a1 @ W2 + b2)))\n"
                                "d2 = (p - y.reshape(-1, 1)) / len(y)\nd1 = d2 @ W2.T\n"
                                "return x.T @ d1, d1.sum(axis=0), a1.T @ d2, d2.sum(axis=0)", "sigmoid_derivative"),
    ("day6.backprop_two_layer", "a1 = 1 / (1 + np.exp(-(x @ W1 + b1)))\np = 1 / (1 + np.exp(-(a1 @ W2 + b2)))\n"
                                "d2 = (p - y.reshape(-1, 1)) / len(y)\nd1 = (d2 @ W2.T) * a1 * (1 - a1)\n"
                                "return x.T @ d1, d1, a1.T @ d2, d2", "bias_sum"),
    ("day6.numerical_gradient", "g = np.zeros_like(w)\nfor i in range(w.size):\n    s = np.zeros_like(w)\n"
                                "    s.flat[i] = eps\n    g.flat[i] = (f(w + s) - f(w)) / eps\nreturn g", "forward_difference"),
    ("day7.batches", "return [(s, s + batch_size) for s in range(0, n, batch_size)]", "past_the_end"),
    ("day7.minibatch_epoch", "p = 1 / (1 + np.exp(-(w * x + b)))\ndz = (p - y) / len(x)\n"
                             "return w - learning_rate * np.sum(dz * x), b - learning_rate * np.sum(dz)", "full_batch"),
    ("day8.momentum_step", "velocity = 0.9 * velocity + grad\nreturn w - learning_rate * velocity, velocity", "pytorch"),
    ("day8.rmsprop_step", "s = 0.9 * s + 0.1 * grad ** 2\nreturn w - learning_rate * grad / (np.sqrt(s) + 1e-7), s",
     "epsilon_outside"),
    ("day8.adam_step", "m = 0.9 * m + 0.1 * grad\nv = 0.999 * v + 0.001 * grad ** 2\n"
                       "return w - learning_rate * m / (np.sqrt(v) + 1e-7), m, v", "no_bias_correction"),
    ("day8.adam_step", "m = 0.9 * m + 0.1 * grad\nv = 0.999 * v + 0.001 * grad ** 2\n"
                       "m_hat, v_hat = m / (1 - 0.9 ** t), v / (1 - 0.999 ** t)\n"
                       "return w - learning_rate * m_hat / (np.sqrt(v_hat) + 1e-7), m, v", "epsilon_placement"),
]


@pytest.mark.parametrize("exercise_id, body, diagnosis", MISTAKES, ids=[f"{e}-{d}" for e, _, d in MISTAKES])
def test_a_typical_mistake_draws_its_own_diagnosis(tmp_path, exercise_id, body, diagnosis):
    result = verdict(exercise_id, learner_file(tmp_path, exercise_id, body))
    assert result.status == "failed" and result.diagnosis == diagnosis, result.report()
    mistake = next(m for m in EXERCISES[exercise_id].mistakes if m.name == diagnosis)
    assert result.summary == mistake.diagnosis
    lines = result.report().splitlines()
    assert lines[1].startswith("    on the smallest failing case: ")
    assert lines[2].startswith("    expected: ") and lines[3].startswith("    got:      ")


def test_the_catalogue_covers_the_issues_list_of_typical_mistakes():
    seen = {(e, d) for e, _, d in MISTAKES}
    assert len(MISTAKES) >= 20 and len(seen) == len(MISTAKES)
    for kind in ("sign", "mean", "transposed", "bias", "overflow", "no_bias_correction", "epsilon_placement"):
        assert any(d == kind for _, d in seen), kind


def test_the_smallest_failing_case_and_its_numbers_are_shown(tmp_path):
    result = verdict("day3.sgd_step", learner_file(tmp_path, "day3.sgd_step", "return w + learning_rate * grad"))
    w, g = np.array([0.5, -0.25]), np.array([0.2, -0.4])
    assert result.report().splitlines()[1:] == [
        "    on the smallest failing case: w = [0.5, -0.25], grad = [0.2, -0.4], learning_rate = 0.1",
        f"    expected: [{w[0] - 0.1 * g[0]:.6g}, {w[1] - 0.1 * g[1]:.6g}]",
        f"    got:      [{w[0] + 0.1 * g[0]:.6g}, {w[1] + 0.1 * g[1]:.6g}]"]


def test_a_wrong_shape_is_named(tmp_path):
    result = verdict("day1.perceptron_forward", learner_file(tmp_path, "day1.perceptron_forward",
                                                            "return 1 / (1 + np.exp(-(x @ w.reshape(-1, 1) + b)))"))
    assert result.diagnosis == "shape" and result.summary == "p has the wrong shape: expected (2,), got (2, 1)"


def test_an_unknown_mistake_still_shows_expected_and_actual(tmp_path):
    result = verdict("day3.sgd_step", learner_file(tmp_path, "day3.sgd_step", "return w * 0.5"))
    assert result.diagnosis == "values" and "expected: [0.48, -0.21]" in result.report()


def test_a_learners_exception_is_reported_at_the_learners_own_line(tmp_path):
    path = learner_file(tmp_path, "day2.dense_layer", "z = x @ W + bias\nreturn 1 / (1 + np.exp(-z))")
    result = verdict("day2.dense_layer", path)
    assert result.status == "error" and result.summary == "your code raised NameError: name 'bias' is not defined"
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "bias\n" in text + "\n"
                and "z = x @ W + bias" in text)
    assert result.details == [f"    line {line}, in dense_layer: z = x @ W + bias"]
    assert "checker.py" not in result.report() and "Traceback" not in result.report()


def test_a_shape_error_in_a_matrix_product_says_to_check_the_transpose(tmp_path):
    path = learner_file(tmp_path, "day6.backprop_two_layer",
                        "a1 = 1 / (1 + np.exp(-(x @ W1 + b1)))\np = 1 / (1 + np.exp(-(a1 @ W2 + b2)))\n"
                        "d2 = (p - y.reshape(-1, 1)) / len(y)\nd1 = (d2 @ W2) * a1 * (1 - a1)\n"
                        "return x.T @ d1, d1.sum(axis=0), a1.T @ d2, d2.sum(axis=0)")
    result = verdict("day6.backprop_two_layer", path)
    assert result.status == "error" and "d1 = (d2 @ W2) * a1 * (1 - a1)" in result.details[0]
    assert "which matrix needs a transpose (.T)" in result.details[-1]


def test_an_endless_loop_ends_in_a_time_out(tmp_path):
    import time
    start = time.perf_counter()
    result = verdict("day1.sigmoid", learner_file(tmp_path, "day1.sigmoid", "while True:\n    pass"))
    assert result.status == "timeout" and result.summary.startswith(f"time-out: your function did not return "
                                                                    f"within {TIMEOUT:g} s")
    assert time.perf_counter() - start < TIMEOUT + 1.5


def test_code_that_catches_every_exception_cannot_hide_the_time_out(tmp_path):
    body = "while True:\n    try:\n        pass\n    except Exception:\n        pass"
    assert verdict("day1.sigmoid", learner_file(tmp_path, "day1.sigmoid", body)).status == "timeout"


def test_a_syntax_error_and_a_missing_function_are_clear(tmp_path):
    path = learner_file(tmp_path, "day3.sgd_step", "return w -")
    result = verdict("day3.sgd_step", path)
    assert result.status == "error" and result.summary.startswith("a syntax error at line ")
    path.write_text("import numpy as np\n")
    assert verdict("day3.sgd_step", path).summary == "define a function named sgd_step in this file"


def test_changing_an_argument_in_place_is_caught_even_when_the_result_is_right(tmp_path):
    result = verdict("day3.sgd_step", learner_file(tmp_path, "day3.sgd_step",
                                                   "w -= learning_rate * grad\nreturn w"))
    assert result.diagnosis == "changed_input" and "changed its argument w in place" in result.summary


def test_check_in_a_notebook_prints_the_same_verdict_and_returns_the_result(capsys):
    def sgd_step(w, grad, learning_rate):
        return w + learning_rate * grad

    result = check("day3.sgd_step", sgd_step)
    out = capsys.readouterr().out
    assert not result.passed and result.diagnosis == "sign"
    assert out == result.report() + "\n" and out.startswith("FAIL    day3.sgd_step: the sign is flipped")
    with pytest.raises(ValueError, match="no exercise 'day3.sgd'"):
        check("day3.sgd", sgd_step)
