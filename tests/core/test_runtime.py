import subprocess
import sys

from course.runtime import is_chatter


def test_importing_the_course_runtime_prints_no_tensorflow_chatter():
    code = "import course.runtime as r; r.tf.constant(1.0) + 1; import sys; print('ok')"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0
    assert proc.stdout == "ok\n"
    assert proc.stderr == ""


def test_real_errors_still_reach_stderr():
    code = ("import os, course.runtime as r\n"
            "with r.filtered_stderr():\n"
            "    os.write(2, b'I0000 00:00:1795283827.469441    2234 cudart_stub.cc:31] Could not find cuda\\n')\n"
            "    os.write(2, b'a real problem\\n')\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0
    assert proc.stderr == "a real problem\n"


def test_chatter_patterns():
    assert is_chatter("WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n")
    assert is_chatter("I0000 00:00:1795283790.213558    1937 port.cc:153] oneDNN custom operations are on.\n")
    assert is_chatter("E0000 00:00:1795283798.130187    1984 cuda_platform.cc:52] failed call to cuInit: INTERNAL\n")
    assert not is_chatter("E0000 00:00:1795283798.130187    1984 op_kernel.cc:52] Out of memory\n")
    assert not is_chatter("ValueError: something the learner did\n")


def test_keras_fit_still_works_under_op_determinism():
    import numpy as np
    from course import models
    model = models.perceptron(2, seed=0)
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    history = model.fit(np.zeros((8, 2), "float32"), np.ones((8, 1), "float32"), epochs=1, shuffle=True, verbose=0)
    assert np.isfinite(history.history["loss"][0])
