"""course.core.runtime: TensorFlow imported once, quietly, deterministically."""
import os
import random

import numpy as np
import pytest

from course.core.runtime import filtered_stderr, is_chatter, keras, seed_everything, tf
from tests.helpers import BACKGROUND, fresh_process, python


def import_the_runtime():
    return python("-c", "import course.core.runtime as r; r.tf.constant(1.0) + 1; print('ok')", nice=True)


@fresh_process(import_the_runtime)
def test_importing_the_course_runtime_prints_no_tensorflow_chatter():
    # import-time behaviour: only a fresh process shows what importing TensorFlow prints
    proc = BACKGROUND.result(import_the_runtime)
    assert proc.returncode == 0
    assert proc.stdout == "ok\n"
    assert proc.stderr == ""


def test_real_errors_still_reach_stderr(capfd):
    capfd.readouterr()
    with filtered_stderr():
        os.write(2, b"I0000 00:00:1795283827.469441    2234 cudart_stub.cc:31] Could not find cuda drivers\n")
        os.write(2, b"a real problem\n")
        os.write(2, b"W0000 00:00:1795283827.5    2234 cpu_feature_guard.cc:1] To enable AVX\n")
    out, err = capfd.readouterr()
    assert (out, err) == ("", "a real problem\n")


def test_chatter_patterns():
    assert is_chatter("WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n")
    assert is_chatter("I0000 00:00:1795283790.213558    1937 port.cc:153] oneDNN custom operations are on.\n")
    assert is_chatter("E0000 00:00:1795283798.130187    1984 cuda_platform.cc:52] failed call to cuInit: INTERNAL\n")
    assert is_chatter("To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow\n")
    assert not is_chatter("E0000 00:00:1795283798.130187    1984 op_kernel.cc:52] Out of memory\n")
    assert not is_chatter("ValueError: something the learner did\n")


def test_the_runtime_is_deterministic_and_keras_runs_on_tensorflow():
    from tensorflow.python.framework.config import is_op_determinism_enabled   # no public reader in TF 2.x
    assert is_op_determinism_enabled()
    assert keras.backend.backend() == "tensorflow"
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "2"


def test_keras_fit_still_works_under_op_determinism():
    # op determinism refuses random ops without a global seed (model.fit's shuffling): the runtime sets one
    from course.core.models import perceptron
    model = perceptron(2, seed=0)
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    history = model.fit(np.zeros((8, 2), "float32"), np.ones((8, 1), "float32"), epochs=1, shuffle=True, verbose=0)
    # one batch from zero inputs and a zero bias: p = sigmoid(0) = 1/2 for every example, so the loss is log 2
    assert history.history["loss"][0] == pytest.approx(np.log(2), abs=1e-6)


def test_seed_everything_seeds_python_numpy_and_tensorflow():
    random.seed(5)
    np.random.seed(5)
    expected = (random.random(), np.random.rand())
    tf.random.set_seed(5)
    expected_tf = float(tf.random.uniform([]))
    try:
        seed_everything(5)
        assert (random.random(), np.random.rand()) == expected
        assert float(tf.random.uniform([])) == expected_tf
    finally:
        seed_everything(0)            # the runtime's default global seed, for the tests that follow
