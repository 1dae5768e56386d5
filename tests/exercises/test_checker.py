"""The checker: every reference solution passes through the worker process, every untouched starter is "not
implemented yet" without being run, every catalogued mistake draws its own diagnosis, and whatever a learner's
code does (raise, loop, exit, patch the checker) ends in a verdict for that exercise alone."""
import dataclasses
import re
import time

import numpy as np
import pytest

from course.exercises import EXERCISES, check
from course.exercises.checker import Checker, check_function
from course.exercises.texts import solution_text, starter_text
from course.exercises.verdicts import TIMEOUT
from tests.helpers import learner_text


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    """One worker for the module, as `course check` has one: the TensorFlow exercises' right answers first."""
    root = tmp_path_factory.mktemp("references")
    with Checker() as shared:
        shared.prepare([(e, learner_file(root, e.id, "return None")) for e in EXERCISES.values()
                        if e.reference_in_worker])
        yield shared


def learner_file(tmp_path, exercise_id, body, prelude=""):
    """The starter of ``exercise_id`` with its body replaced by ``body`` (what a learner types), in ``tmp_path``."""
    path = tmp_path / EXERCISES[exercise_id].path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(learner_text(exercise_id, body, prelude))
    return path


FORWARD = "a1 = 1 / (1 + np.exp(-(x @ W1 + b1)))\np = 1 / (1 + np.exp(-(a1 @ W2 + b2)))\n"
STEP_TAPE, STEP_LOSS = "with tf.GradientTape() as tape:\n", "    loss = loss_fn(y, model(x, training=True))\n"
STEP_APPLY = ("grads = tape.gradient(loss, model.trainable_variables)\n"
              "optimizer.apply_gradients(zip(grads, model.trainable_variables))\nreturn loss")
GRADS = "return x.T @ d1, d1.sum(axis=0), a1.T @ d2, d2.sum(axis=0)"


def test_there_are_thirty_exercises_or_more_one_to_six_a_day_for_days_1_to_10():
    per_day = {}
    for exercise in EXERCISES.values():
        per_day[exercise.day] = per_day.get(exercise.day, 0) + 1
    assert sorted(per_day) == list(range(1, 11)) and all(1 <= n <= 6 for n in per_day.values())
    assert len(EXERCISES) >= 30 and len([e for e in EXERCISES.values() if e.tensorflow]) >= 5


def _solutions(tmp_path, exercises) -> dict:
    paths = {}
    for exercise in exercises:
        paths[exercise.id] = tmp_path / exercise.path
        paths[exercise.id].parent.mkdir(parents=True, exist_ok=True)
        paths[exercise.id].write_text(solution_text(exercise))
    return paths


def test_every_numpy_solution_passes_and_their_workspace_checks_with_one_worker_in_under_two_seconds(tmp_path):
    paths = _solutions(tmp_path, [e for e in EXERCISES.values() if not e.tensorflow])
    start = time.perf_counter()
    with Checker() as fresh:
        fresh.prepare([(EXERCISES[eid], path) for eid, path in paths.items()])
        results = {eid: fresh.check_file(EXERCISES[eid], path) for eid, path in paths.items()}
        started, tensorflow = fresh.process.started, fresh.process.tensorflow
    seconds = time.perf_counter() - start
    assert {eid: r.summary for eid, r in results.items()} == {
        eid: f"passed all {len(EXERCISES[eid].seeded_cases())} cases" for eid in paths}
    assert started == 1 and seconds < 2.0 and not tensorflow       # the worker never loaded TensorFlow


def test_every_tensorflow_solution_passes_in_one_worker_each_within_three_seconds_of_tensorflows_import(tmp_path):
    """What ``course check`` does: the right answers first, in a worker no learner code has run in, then the
    learner's files. Each TensorFlow exercise takes under 3 s beyond the import (timed in the same worker)."""
    exercises = [e for e in EXERCISES.values() if e.tensorflow]
    paths = _solutions(tmp_path, exercises)
    with Checker() as fresh:
        start = time.perf_counter()
        fresh.process.ask({"op": "tensorflow"}, 300)
        imported, seconds = time.perf_counter() - start, {}
        for exercise in exercises:
            start = time.perf_counter()
            fresh.prepare([(exercise, paths[exercise.id])])
            seconds[exercise.id] = time.perf_counter() - start
        results = {}
        for exercise in exercises:
            start = time.perf_counter()
            results[exercise.id] = fresh.check_file(exercise, paths[exercise.id])
            seconds[exercise.id] += time.perf_counter() - start
        started = fresh.process.started
    assert {eid: r.summary for eid, r in results.items()} == {
        e.id: f"passed all {len(e.seeded_cases())} cases" for e in exercises}
    assert started == 1 and max(seconds.values()) < 3.0, (imported, seconds)


def test_untouched_starters_are_not_implemented_yet_without_starting_a_worker(tmp_path):
    with Checker() as fresh:
        for exercise in EXERCISES.values():
            path = tmp_path / exercise.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(starter_text(exercise).replace("\n", "\r\n").encode())   # a Windows editor's save
            result = fresh.check_file(exercise, path)
            assert result.status == "not implemented" and result.summary.startswith("not implemented yet")
        assert fresh.process.started == 0


def test_a_starter_run_anyway_is_not_implemented_yet(tmp_path, checker):
    path = learner_file(tmp_path, "day3.sgd_step", 'raise NotImplementedError("later")', prelude="# edited\n")
    assert checker.check_file(EXERCISES["day3.sgd_step"], path).status == "not implemented"


def fits(template: str, summary: str) -> bool:
    """``summary`` is the diagnosis ``template`` with its {fields} filled in."""
    pattern = re.sub(r"\\\{[^}]*\\\}", ".+?", re.escape(template))
    return re.fullmatch(pattern, summary) is not None


@pytest.mark.parametrize("exercise_id", list(EXERCISES))
def test_every_catalogued_mistake_draws_its_own_diagnosis(exercise_id):
    """Run in this process (``check()``): the TensorFlow exercises' mistakes are TensorFlow code too."""
    exercise = EXERCISES[exercise_id]
    for mistake in exercise.mistakes:
        result = check_function(exercise, mistake.model)
        assert (result.status, result.diagnosis) == ("failed", mistake.name), result.report()
        assert fits(mistake.diagnosis, result.summary), result.summary


# Typical mistakes typed as a learner would, and the catalogued diagnosis each must draw.
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
    ("day1.binary_cross_entropy", "p = np.clip(p, 1e-7, 1 - 1e-7)\nreturn -np.mean(y * np.log(p))", "label_zero_term"),
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
    ("day4.sigmoid_derivative", "s = 1 / (1 + np.exp(-z))\nreturn s * (1 - z)", "mixed"),
    ("day4.relu_derivative", "return (z >= 0).astype(float)", "at_zero"),
    ("day5.softmax", "e = np.exp(z)\nreturn e / e.sum(axis=1, keepdims=True)", "overflow"),
    ("day5.softmax", "e = np.exp(z - z.max())\nreturn e / e.sum(axis=0, keepdims=True)", "axis"),
    ("day5.softmax", "e = np.exp(z - np.max(z))\nreturn e / np.sum(e)", "whole_array"),
    ("day5.cross_entropy", "p = np.clip(p, 1e-7, 1 - 1e-7)\nreturn -np.sum(np.log(p[np.arange(len(y)), y]))", "mean"),
    ("day5.softmax_cross_entropy_gradient", "e = np.exp(z - z.max(axis=1, keepdims=True))\n"
                                            "return e / e.sum(axis=1, keepdims=True) - np.eye(z.shape[1])[y]", "mean"),
    ("day6.backprop_two_layer", FORWARD + "d2 = (p - y.reshape(-1, 1)) / len(y)\nd1 = d2 @ W2.T\n" + GRADS,
     "sigmoid_derivative"),
    ("day6.backprop_two_layer", FORWARD + "d2 = (p - y.reshape(-1, 1)) / len(y)\nd1 = (d2 @ W2.T) * a1 * (1 - a1)\n"
                                "return x.T @ d1, d1, a1.T @ d2, d2", "bias_sum"),
    ("day6.numerical_gradient", "g = np.zeros_like(w)\nfor i in range(w.size):\n    s = np.zeros_like(w)\n"
                                "    s.flat[i] = eps\n    g.flat[i] = (f(w + s) - f(w)) / eps\nreturn g", "forward_difference"),
    ("day7.batches", "return [(s, s + batch_size) for s in range(0, n, batch_size)]", "past_the_end"),
    ("day7.minibatch_epoch", "p = 1 / (1 + np.exp(-(w * x + b)))\ndz = (p - y) / len(x)\n"
                             "return w - learning_rate * np.sum(dz * x), b - learning_rate * np.sum(dz)", "full_batch"),
    ("day8.momentum_step", "velocity = 0.9 * velocity + grad\nreturn w - learning_rate * velocity, velocity", "pytorch"),
    ("day8.momentum_step", "new_w = w + velocity\nvelocity = 0.9 * velocity - learning_rate * grad\n"
                           "return new_w, velocity", "old_velocity"),
    ("day8.rmsprop_step", "s = 0.9 * s + 0.1 * grad ** 2\nreturn w - learning_rate * grad / (np.sqrt(s) + 1e-7), s",
     "epsilon_outside"),
    ("day8.adam_step", "m = 0.9 * m + 0.1 * grad\nv = 0.999 * v + 0.001 * grad ** 2\n"
                       "return w - learning_rate * m / (np.sqrt(v) + 1e-7), m, v", "no_bias_correction"),
    ("day8.adam_step", "m = 0.9 * m + 0.1 * grad\nv = 0.999 * v + 0.001 * grad ** 2\n"
                       "m_hat, v_hat = m / (1 - 0.9 ** t), v / (1 - 0.999 ** t)\n"
                       "return w - learning_rate * m_hat / (np.sqrt(v_hat) + 1e-7), m, v", "epsilon_placement"),
    # the TensorFlow exercises, each in the worker, and Days 9-10 (issue 21)
    ("day1.tape_gradients", "w, b = tf.Variable(w), tf.Variable(b)\nwith tf.GradientTape() as tape:\n"
                            "    p = tf.sigmoid(x @ w + b)\nloss = keras.losses.BinaryCrossentropy()(y, p)\n"
                            "return tape.gradient(loss, [w, b])", "no_gradient"),
    ("day2.keras_mlp", "return keras.Sequential([keras.Input(shape=(n_features,))] + [keras.layers.Dense(units, "
                       "activation=activation) for units in hidden] + [keras.layers.Dense(1, activation='sigmoid')])",
     "names"),
    ("day2.train_step", STEP_TAPE + "    predictions = model(x, training=True)\nloss = loss_fn(y, predictions)\n"
                        + STEP_APPLY, "loss_outside_tape"),
    ("day2.train_step", STEP_TAPE + STEP_LOSS + "grads = tape.gradient(loss, model.trainable_variables)\n"
                        "optimizer.apply_gradients(zip(model.trainable_variables, grads))\nreturn loss", "pairs_order"),
    ("day2.train_step", STEP_TAPE + STEP_LOSS + "grads = tape.gradient(loss, model.weights)\n"
                        "optimizer.apply_gradients(zip(grads, model.weights))\nreturn loss", "non_trainable"),
    ("day2.train_step", STEP_TAPE + STEP_LOSS + "grads = tape.gradient(loss, model.trainable_variables)\n"
                        "for _ in range(2):\n    optimizer.apply_gradients(zip(grads, model.trainable_variables))\n"
                        "return loss", "twice"),
    ("day2.train_step", STEP_TAPE + "    predictions = model(x, training=True)\n"
                        "    loss = tf.reduce_sum(keras.losses.get(loss_fn.get_config()['name'])(y, predictions))\n"
                        + STEP_APPLY, "sum"),
    ("day3.variable_update", "for v, g in zip(variables, grads):\n    v = v - learning_rate * g", "rebound"),
    ("day7.train_epoch", "data = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed)\n"
                         "return [train_step(model, loss_fn, optimizer, xb, yb) for xb, yb in "
                         "data.batch(batch_size, drop_remainder=True)]", "dropped_last"),
    ("day7.logged_epoch", "for xb, yb in dataset:\n    loss, _, grads = train_step(model, loss_fn, optimizer, xb, yb)\n"
                          "    tf.summary.scalar('batch_loss', loss, step=step)\n    step += 1\nreturn step",
     "nothing_written"),
    ("day9.conv_output", "if padding == 'same':\n    out = (-(-height // strides), -(-width // strides))\nelse:\n"
                         "    out = ((height - kernel_size) // strides + 1, (width - kernel_size) // strides + 1)\n"
                         "return (*out, filters), kernel_size ** 2 * channels * filters", "no_bias"),
    ("day9.lstm_step", "i, f, g, o = np.split(x @ kernel + h @ recurrent_kernel + bias, 4, axis=-1)\n"
                       "s = lambda v: 1 / (1 + np.exp(-v))\nc = s(i) * c + s(f) * np.tanh(g)\n"
                       "return s(o) * np.tanh(c), c", "swapped_gates"),
    ("day9.attention", "s = q @ k.T\ne = np.exp(s - s.max(axis=-1, keepdims=True))\n"
                       "w = e / e.sum(axis=-1, keepdims=True)\nreturn w @ v, w", "no_scale"),
    ("day10.all_reduce", "m = len(y)\nshares = np.array([gradient(x[r * m // replicas:(r + 1) * m // replicas], "
                         "y[r * m // replicas:(r + 1) * m // replicas]) / replicas for r in range(replicas)])\n"
                         "return shares, shares.sum(axis=0)", "mean_of_means"),
]


@pytest.mark.parametrize("exercise_id, body, diagnosis", MISTAKES, ids=[f"{e}-{d}" for e, _, d in MISTAKES])
def test_a_typical_mistake_written_as_a_learner_would_draws_its_own_diagnosis(tmp_path, checker, exercise_id, body,
                                                                              diagnosis):
    result = checker.check_file(EXERCISES[exercise_id], learner_file(tmp_path, exercise_id, body))
    assert result.status == "failed" and result.diagnosis == diagnosis, result.report()
    mistake = next(m for m in EXERCISES[exercise_id].mistakes if m.name == diagnosis)
    assert fits(mistake.diagnosis, result.summary) and "Traceback" not in result.report()
    lines = result.report().splitlines()
    assert lines[1].startswith("    on the smallest failing case: ")
    assert lines[2].startswith("    expected: ") and lines[3].startswith("    got:      ")


def test_a_tensorflow_exercise_raises_at_the_learners_own_line_in_plain_words(tmp_path, checker):
    path = learner_file(tmp_path, "day2.train_step", STEP_TAPE + STEP_LOSS + "grads = tape.gradients(loss, "
                        "model.trainable_variables)\n" + STEP_APPLY.split("\n", 1)[1])
    result = checker.check_file(EXERCISES["day2.train_step"], path)
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "tape.gradients(" in text)
    assert result.status == "error" and result.summary.startswith("your code raised AttributeError: ")
    assert result.details[0] == f"    line {line}, in train_step: grads = tape.gradients(loss, model.trainable_variables)"
    path = learner_file(tmp_path, "day2.train_step", "return tf.matmul(x, x)")
    assert checker.check_file(EXERCISES["day2.train_step"], path).summary == (
        "your code raised InvalidArgumentError: Matrix size-incompatible: In[0]: [8,2], In[1]: [8,2] [Op:MatMul]")


def test_a_tensorflow_exercise_that_loops_forever_ends_in_its_own_time_out(tmp_path, checker):
    """While the worker has TensorFlow loaded (the tests after it kill it): the exercise's limit cut to 1 s here."""
    exercise = dataclasses.replace(EXERCISES["day2.train_step"], seconds=1.0)
    start = time.perf_counter()
    result = checker.check_file(exercise, learner_file(tmp_path, exercise.id, "while True:\n    pass"))
    assert result.status == "timeout" and result.summary.startswith("time-out: your function did not return within "
                                                                    "1 s")
    assert time.perf_counter() - start < 1.0 + 1.5


def test_the_smallest_failing_case_and_its_numbers_are_shown(tmp_path, checker):
    result = checker.check_file(EXERCISES["day3.sgd_step"],
                                learner_file(tmp_path, "day3.sgd_step", "return w + learning_rate * grad"))
    w, g = np.array([0.5, -0.25]), np.array([0.2, -0.4])
    assert result.report().splitlines()[1:] == [
        "    on the smallest failing case: w = [0.5, -0.25], grad = [0.2, -0.4], learning_rate = 0.1",
        f"    expected: [{w[0] - 0.1 * g[0]:.6g}, {w[1] - 0.1 * g[1]:.6g}]",
        f"    got:      [{w[0] + 0.1 * g[0]:.6g}, {w[1] + 0.1 * g[1]:.6g}]"]


def test_a_learners_exception_is_reported_at_the_learners_own_line(tmp_path, checker):
    path = learner_file(tmp_path, "day2.dense_layer", "z = x @ W + bias\nreturn 1 / (1 + np.exp(-z))")
    result = checker.check_file(EXERCISES["day2.dense_layer"], path)
    assert result.status == "error" and result.summary == "your code raised NameError: name 'bias' is not defined"
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "z = x @ W + bias" in text)
    assert result.details == [f"    line {line}, in dense_layer: z = x @ W + bias"]
    assert "checker" not in result.report() and "Traceback" not in result.report()


def test_a_shape_error_in_a_matrix_product_says_to_check_the_transpose(tmp_path, checker):
    path = learner_file(tmp_path, "day6.backprop_two_layer",
                        FORWARD + "d2 = (p - y.reshape(-1, 1)) / len(y)\nd1 = (d2 @ W2) * a1 * (1 - a1)\n" + GRADS)
    result = checker.check_file(EXERCISES["day6.backprop_two_layer"], path)
    assert result.status == "error" and "d1 = (d2 @ W2) * a1 * (1 - a1)" in result.details[0]
    assert "which matrix needs a transpose (.T)" in result.details[-1]


def test_labels_broadcast_against_a_column_are_named_not_a_transpose(tmp_path, checker):
    path = learner_file(tmp_path, "day6.backprop_two_layer",
                        FORWARD + "d2 = (p - y) / len(y)\nd1 = (d2 @ W2.T) * a1 * (1 - a1)\n" + GRADS)
    result = checker.check_file(EXERCISES["day6.backprop_two_layer"], path)
    assert result.status == "error" and result.details[-1] == (
        "    d2 has shape (6, 6): y has shape (6,) and p (6, 1), and NumPy broadcast them into a square; reshape y "
        "to (6, 1) first (y.reshape(-1, 1))")


def test_an_endless_loop_ends_in_a_time_out_even_one_that_catches_everything(tmp_path, checker):
    body = "while True:\n    try:\n        pass\n    except BaseException:\n        pass"
    start = time.perf_counter()
    result = checker.check_file(EXERCISES["day1.sigmoid"], learner_file(tmp_path, "day1.sigmoid", body))
    assert result.status == "timeout" and result.summary.startswith(
        f"time-out: your function did not return within {TIMEOUT:g} s")
    assert time.perf_counter() - start < TIMEOUT + 1.5


def test_a_syntax_error_and_a_missing_function_are_clear(tmp_path, checker):
    path = learner_file(tmp_path, "day3.sgd_step", "return w -")
    result = checker.check_file(EXERCISES["day3.sgd_step"], path)
    assert result.status == "error" and result.summary.startswith("a syntax error at line ")
    path.write_text("import numpy as np\n")
    assert checker.check_file(EXERCISES["day3.sgd_step"], path).summary == \
        "define a function named sgd_step in this file"


def test_changing_an_argument_in_place_is_caught_even_when_the_result_is_right(tmp_path, checker):
    result = checker.check_file(EXERCISES["day3.sgd_step"],
                                learner_file(tmp_path, "day3.sgd_step", "w -= learning_rate * grad\nreturn w"))
    assert result.diagnosis == "changed_input" and "changed its argument w in place" in result.summary


@pytest.mark.parametrize("prelude, body, summary", [
    ("", "raise SystemExit(0)", "your code asked Python to exit (SystemExit(0): sys.exit, exit() or raise SystemExit)"),
    ("import sys\nsys.exit(3)\n", "return w", "your code asked Python to exit (SystemExit(3): sys.exit, exit() or "
                                              "raise SystemExit)"),
    ("import os\nos._exit(5)\n", "return w", "your code ended the process with exit status 5 while the file loaded"),
    ("", "import os\nos._exit(0)", "your code ended the process with exit status 0 while your function ran"),
    ("", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
     "the process running your code was ended by SIGKILL while your function ran"),
    ("", "raise KeyboardInterrupt", "your code raised KeyboardInterrupt"),
    ("class Stop(BaseException):\n    pass\n", "raise Stop('here')", "your code raised Stop: here"),
])
def test_code_that_ends_or_escapes_gets_a_verdict_and_the_next_exercise_is_still_checked(tmp_path, checker, prelude,
                                                                                        body, summary):
    result = checker.check_file(EXERCISES["day3.sgd_step"], learner_file(tmp_path, "day3.sgd_step", body, prelude))
    assert result.status in ("error", "timeout") and result.summary.startswith(summary), result.report()
    right = tmp_path / "sigmoid.py"
    right.write_text(solution_text(EXERCISES["day1.sigmoid"]))
    assert checker.check_file(EXERCISES["day1.sigmoid"], right).passed


def test_a_learner_who_patches_the_checker_does_not_pass(tmp_path, checker):
    prelude = ("import course.exercises.exercise as c\nc.same_outputs = lambda *a: True\n"
               "import course.exercises.verdicts as v\nv.judge = lambda *a: None\nnp.allclose = lambda *a, **k: True\n")
    result = checker.check_file(EXERCISES["day3.sgd_step"], learner_file(tmp_path, "day3.sgd_step", "return w * 2",
                                                                        prelude))
    assert result.status == "failed"


def test_a_worker_ended_by_another_exercises_thread_does_not_blame_the_next_one(tmp_path, checker):
    prelude = "import os, threading\nthreading.Timer(0.3, lambda: os._exit(7)).start()\n"
    sgd = learner_file(tmp_path, "day3.sgd_step", "return w - learning_rate * grad", prelude)
    assert checker.check_file(EXERCISES["day3.sgd_step"], sgd).passed
    slow = learner_file(tmp_path, "day1.sigmoid", "import time\ntime.sleep(0.2)\nreturn 1 / (1 + np.exp(-z))")
    assert checker.check_file(EXERCISES["day1.sigmoid"], slow).passed


def test_check_in_a_notebook_runs_here_prints_the_same_verdict_and_returns_the_result(capsys):
    def sgd_step(w, grad, learning_rate):
        return w + learning_rate * grad

    result = check("day3.sgd_step", sgd_step)
    out = capsys.readouterr().out
    assert not result.passed and result.diagnosis == "sign"
    assert out == result.report() + "\n" and out.startswith("FAIL    day3.sgd_step: the sign is flipped")
    with pytest.raises(ValueError, match="no exercise 'day3.sgd'"):
        check("day3.sgd", sgd_step)


def test_an_exercise_may_take_inputs_made_in_the_worker_and_turn_its_output_into_data_there(tmp_path, checker):
    """What an exercise of Keras objects needs (issue 21): inputs built by a course function in the worker
    (``Build``), and ``to_data``, a course function run there on what the learner returned."""
    from course.exercises.days.day6 import sum_of_exp_3w
    from course.exercises.exercise import Exercise
    from course.exercises.wire import Build
    from course.reference.activations import sigmoid

    toy = Exercise(id="day9.toy", title="toy", function="double", outputs=("p",), to_data=sigmoid,
                   cases=lambda rng: [{"z": Build(sum_of_exp_3w, w=np.zeros(2))}], oracle=lambda z: sigmoid(4.0))
    path = tmp_path / "toy.py"
    path.write_text("def double(z):\n    assert z == 2.0\n    return z * 2\n")
    assert checker.check_file(toy, path).passed
    path.write_text("def double(z):\n    return z * 3\n")
    assert checker.check_file(toy, path).status == "failed"
    assert check_function(toy, lambda z: z * 2).passed

