"""The fault catalogue of the lessons (issue 20, and cases of our own): Ctrl-C at any moment, flags out of range,
environment variables, a log directory that vanishes, a terminal that cannot print a path. Each ends in one
clear line (or none) with the documented exit status: 0 done, 2 usage, 74 a file that cannot be written, 130
Ctrl-C; never a traceback. (SIGTERM, full disks, closed pipes and the footer's quoting are in tests/cli/.)"""
import io
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from course.cli import lesson_main, startup
from course.checks import tensorflow_backend
from course.config import Config
from course.core import datasets, models
from course.engine.loop import fit
from course.engine.records import Observer
from course.experiment import train_and_log
from course.runs import LessonResult
from course.runs.figures import add_figures
from lessons import day1_perceptron, day9_network_types
from tests.helpers import ROOT


@pytest.mark.parametrize("delay", [0.0, 0.2, 1.0])
def test_ctrl_c_while_tensorflow_loads_ends_quietly_with_130(delay, tmp_path):
    """Once the lesson has printed its title, while TensorFlow loads (seconds): a Ctrl-C ends the lesson with 130
    and nothing on stderr, also when the shell started it with SIGINT ignored (as it starts `&` jobs); nothing is
    written. (Before that, in the first tenths of a second, Python itself is starting: see tests/cli.)"""
    proc = subprocess.Popen([sys.executable, "-u", "-m", "lessons.day2_mlp", "--logdir", str(tmp_path / "logs")],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    title = proc.stdout.readline()
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert title.startswith(b"Day 2 - ") and (proc.returncode, err) == (130, b""), (delay, err[-500:])
    assert b"Traceback" not in out and not (tmp_path / "logs").exists()


def test_ctrl_c_while_the_step_is_traced_waits_for_the_trace_and_stops_before_the_first_step():
    """The graph of the step is traced first; a Ctrl-C then (here sent by an observer as training begins) is held
    until the trace is done, then stops the run before its first step, which says so: TensorFlow's tracing is
    never cut in half (it gave SystemError and 'Could not pack sequence', or lost the Ctrl-C)."""
    class CtrlC(Observer):
        wants_graph, graphs = True, []

        def on_train_begin(self, model, config, names, initial):
            os.kill(os.getpid(), signal.SIGINT)

        def on_graph(self, graph):
            self.graphs.append(graph)

        def on_train_end(self, history):
            self.history = history

    ctrl_c = CtrlC()
    # Python's own Ctrl-C handler for this test: a session started in the background (`pytest &` from a script)
    # inherits SIGINT ignored, and a process that ignores SIGINT rightly trains on
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            fit(models.perceptron(2, seed=0), datasets.blobs(seed=0), Config(epochs=2), observers=[ctrl_c])
    finally:
        signal.signal(signal.SIGINT, before)
    assert len(ctrl_c.graphs) == 1 and ctrl_c.history.stopped == "interrupted before the first step"


@pytest.mark.parametrize("argv, message", [
    (["--epochs", "18446744073709551616"], "argument --epochs: must be a positive integer up to 1,000,000, got "
                                           "'18446744073709551616'"),
    (["--epochs", "1000001"], "argument --epochs: must be a positive integer up to 1,000,000"),          # ours
    (["--learning-rate", "1e-300"], "argument --learning-rate/--lr: must be a positive finite number of at least "
                                    "1.2e-38"),
    (["--clip-norm", "nan"], "argument --clip-norm: must be a non-negative finite number, got 'nan'"),  # ours
    (["--logdir", ""], "logdir must be a non-empty path"),                                              # ours
    (["--logdir", "/proc/course"], "logdir '/proc/course' cannot be created"),                         # ours
    (["--dataset", "blobs\n"], "argument --dataset: invalid choice"),                                   # ours
])
def test_flags_out_of_range_end_in_one_line_with_2(argv, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        day1_perceptron.main(argv if "--logdir" in argv else [*argv, "--logdir", str(tmp_path / "logs")])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and message in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "logs").exists()


def test_day9_family_and_day10_options_refuse_what_they_do_not_know(capsys):                                 # ours
    with pytest.raises(SystemExit) as exit_info:
        day9_network_types.main(["--family", "gru"])
    assert exit_info.value.code == 2 and "argument --family: invalid choice: 'gru'" in capsys.readouterr().err


@pytest.mark.parametrize("backend", ["jax", "nope", "torch"])
def test_another_keras_backend_is_set_back_to_tensorflow_with_a_note(backend):
    environ = {"KERAS_BACKEND": backend}
    assert tensorflow_backend(environ, keras_imported=False) == (f"KERAS_BACKEND={backend} is ignored: the course "
                                                                  "runs Keras on TensorFlow")
    assert environ == {"KERAS_BACKEND": "tensorflow"}
    assert tensorflow_backend({}, keras_imported=True) == ""                   # unset, or tensorflow: nothing to say
    with pytest.raises(RuntimeError, match=f"imported Keras with KERAS_BACKEND={backend} first"):
        tensorflow_backend({"KERAS_BACKEND": backend}, keras_imported=True)


def test_a_terminal_that_cannot_encode_a_path_prints_it_escaped(monkeypatch):
    """PYTHONIOENCODING=ascii and a --logdir with an accent: the footer printed the path with UnicodeEncodeError;
    a lesson's streams now write what they cannot encode as escapes."""
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii", errors="strict")
    monkeypatch.setattr(sys, "stdout", stream)
    monkeypatch.setattr(startup, "command_line", lambda: True)
    previous = signal.getsignal(signal.SIGINT)
    try:
        startup.prepare()
        print("  logs/ÿé/day1_perceptron")
        stream.flush()
    finally:
        signal.signal(signal.SIGINT, previous)
    assert raw.getvalue() == b"  logs/\\xff\\xe9/day1_perceptron\n"


def test_a_log_directory_deleted_under_a_lesson_ends_in_one_line_with_74(tmp_path, capsys):
    """The run directory removed while the lesson runs (before its end-of-run figure): one line, exit 74."""
    def run(config):
        result = LessonResult("day1_perceptron", config.logdir)
        run_ = train_and_log(models.perceptron(2, seed=0), datasets.blobs(seed=0, n_samples=100), config,
                             lesson="day1_perceptron", name="blobs")
        import shutil
        shutil.rmtree(run_.run_dir.parent)
        from matplotlib.figure import Figure
        add_figures(run_, {"late": Figure()})
        return result

    code = lesson_main(run, "day1_perceptron", "Title", ["--epochs", "1", "--quiet", "--logdir", str(tmp_path)],
                       defaults=Config())
    err = capsys.readouterr().err
    assert code == 74 and "Traceback" not in err
    assert err.startswith(f"Stopped: {tmp_path / 'day1_perceptron'}/") and "could not be written (the run directory " \
                                                                         "is gone (moved or deleted?))" in err


def test_the_distributed_entry_points_answer_bad_arguments_in_one_line():                                   # ours
    for module, words in (("course.distribute.workers", "usage: python -m course.distribute.workers JOB.json"),
                          ("course.distribute.isolation", "usage: python -m course.distribute.isolation DIR N")):
        proc = subprocess.run([sys.executable, "-m", module], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2 and proc.stderr.startswith(words) and "Traceback" not in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "course.distribute.workers", "nosuch.json", "out.json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stderr.startswith("course.distribute.workers: error: the job nosuch.json: ")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_a_stopped_run_reports_nan_not_a_crash_when_every_input_is_extreme(tmp_path, capsys):               # ours
    """A learning rate of 1e308 on XOR: the run stops at its first step and the lesson goes on."""
    config = Config(epochs=2, learning_rate=1e308, logdir=str(tmp_path), quiet=True, dataset="xor")
    result = day1_perceptron.run(config)
    assert result.runs["xor"].history.stopped.startswith("diverged at step 1")
    assert np.isnan(result.runs["xor"].metrics["val_accuracy"])
