import subprocess
import sys
from pathlib import Path

import pytest

from course import cli
from course.config import Config

ROOT = Path(__file__).resolve().parents[1]

BAD_FLAGS = [
    (["--epochs", "0"], "argument --epochs: must be a positive integer, got '0'"),
    (["--learning-rate", "-1"], "argument --learning-rate/--lr: must be a positive finite number, got '-1'"),
    (["--batch-size", "abc"], "argument --batch-size: must be a positive integer, got 'abc'"),
    (["--optimizer", "adagrad"], "argument --optimizer: invalid choice: 'adagrad'"),
    (["--dataset", "imagenet"], "argument --dataset: invalid choice: 'imagenet'"),
    (["--learning-rate", "nan"], "must be a positive finite number, got 'nan'"),
    (["--seed", "-1"], "argument --seed: must be a non-negative integer, got '-1'"),
    (["--seed", "99999999999"], "seed must be an integer from 0 to 4294967295, got 99999999999"),
    (["--trace-steps", "x"], "argument --trace-steps: must be a non-negative integer"),
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["--quiet", "two\nlines"], "unrecognized arguments: two lines"),
]


@pytest.mark.parametrize("lesson", ["day1_perceptron", "day2_mlp"])
@pytest.mark.parametrize("flags, message", BAD_FLAGS)
def test_bad_flags_exit_2_with_one_line_and_write_nothing(lesson, flags, message, tmp_path, capsys):
    module = __import__(f"lessons.{lesson}", fromlist=["main"])
    logdir = tmp_path / "logs"
    with pytest.raises(SystemExit) as exit_info:
        module.main(flags + ["--logdir", str(logdir)])
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and message in err and err.startswith(f"python -m lessons.{lesson}: error:")
    assert not logdir.exists()


def test_bad_flags_from_the_shell_no_traceback_nothing_written(tmp_path):
    for flags in (["--epochs", "0"], ["--optimizer", "nope"]):
        proc = subprocess.run([sys.executable, "-m", "lessons.day2_mlp", *flags, "--logdir", str(tmp_path / "l")],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert proc.returncode == 2
        assert proc.stdout == "" and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_logdir_that_is_a_file_is_a_flag_error(tmp_path, capsys):
    from lessons import day1_perceptron
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(SystemExit) as exit_info:
        day1_perceptron.main(["--logdir", str(target)])
    assert exit_info.value.code == 2
    assert "exists and is not a directory" in capsys.readouterr().err
    assert target.read_text() == "x"


def test_help_explains_every_shared_flag_with_the_lessons_defaults(capsys):
    from lessons import day1_perceptron
    with pytest.raises(SystemExit) as exit_info:
        day1_perceptron.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for flag in ("--epochs", "--learning-rate", "--batch-size", "--optimizer", "--seed", "--logdir",
                 "--trace-steps", "--eager", "--dataset", "--quiet"):
        assert flag in out
    assert "(default: 30)" in out and "(default: 0.5)" in out and "Goal: train a single sigmoid neuron" in out


def test_parse_gives_a_config_with_the_lesson_defaults(tmp_path):
    defaults = Config(epochs=7, learning_rate=0.3, dataset="b")
    config = cli.parse_lesson_args("day1_perceptron", "Title", ["--lr", "0.01", "--logdir", str(tmp_path)],
                                   defaults, datasets=("a", "b"))
    assert config == defaults.replace(learning_rate=0.01, logdir=str(tmp_path))


def test_course_list_shows_every_lesson_with_its_goal():
    proc = subprocess.run([sys.executable, "-m", "course", "list"], capture_output=True, text=True, cwd=ROOT,
                          timeout=60)
    assert proc.returncode == 0 and proc.stderr == ""
    lines = proc.stdout.splitlines()
    width = max(len(name) for name in cli.LESSONS)
    starts = [line for line in lines if line[:1].strip()]      # a lesson's first line starts with its name
    assert [line.split()[0] for line in starts[:-1]] == list(cli.LESSONS)
    for name, line in zip(cli.LESSONS, starts):
        goal = cli.lesson_goal(name)
        assert line == f"{name:<{width}}  {goal[:len(line) - width - 2]}" and len(line) <= 100
    assert lines[0].startswith("day1_perceptron".ljust(width) + "  train a single sigmoid neuron with gradient")
    assert starts[-1].startswith("Run one with: course run NAME")
    head = subprocess.run(f"{sys.executable} -m course list | head -2", shell=True, capture_output=True,
                          text=True, cwd=ROOT, timeout=60)        # a reader that leaves early
    assert head.stdout.splitlines() == lines[:2] and head.stderr == ""


def test_course_list_does_not_import_tensorflow():
    code = "import sys, course.cli as c; c.main(['list']); print('tensorflow' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.stdout.strip().endswith("False")


def test_course_run_unknown_lesson_and_no_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["run", "day99"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == (f"course: error: unknown lesson 'day99'; choose from "
                                       f"{', '.join(cli.LESSONS)} (see --help)\n")
    assert cli.LESSONS[:2] == ("day1_perceptron", "day2_mlp") and cli.LESSONS[-1] == "day10_distributed" and len(cli.LESSONS) == 10
    assert cli.main([]) == 2


def test_course_run_passes_flags_to_the_lesson(tmp_path, capsys):
    import signal
    handler_before = signal.getsignal(signal.SIGINT)
    code = cli.main(["run", "day1_perceptron", "--dataset", "blobs", "--epochs", "1", "--quiet",
                     "--logdir", str(tmp_path)])
    assert code == 0
    assert signal.getsignal(signal.SIGINT) is handler_before      # the caller's Ctrl-C handling is back
    out = capsys.readouterr().out
    assert f"tensorboard --logdir {tmp_path / 'day1_perceptron'}" in out
    assert len(list((tmp_path / "day1_perceptron").iterdir())) == 1
    with pytest.raises(SystemExit):
        cli.main(["run", "day1_perceptron", "--epochs", "0"])
    assert capsys.readouterr().err.startswith("course run day1_perceptron: error: argument --epochs")


def test_course_info_prints_versions_and_devices(capsys):
    import keras
    import tensorboard
    import tensorflow as tf
    assert cli.main(["info"]) == 0
    out = capsys.readouterr().out
    assert f"tensorflow   {tf.__version__}" in out
    assert f"keras        {keras.__version__}" in out
    assert f"tensorboard  {tensorboard.__version__}" in out
    assert "CPU devices  /physical_device:CPU:0" in out


def test_course_tensorboard_without_logs_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["tensorboard", "--logdir", str(tmp_path / "none")])
    assert exit_info.value.code == 2
    assert "run a lesson first" in capsys.readouterr().err


def test_console_script_is_declared():
    text = (ROOT / "setup.cfg").read_text()
    assert "course = course.cli:main" in text


# --- property-based: whatever a learner types, the parser answers with exit 0 or 2, never a traceback --

import contextlib  # noqa: E402
import io  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FLAGS = ["--epochs", "--learning-rate", "--lr", "--batch-size", "--optimizer", "--seed", "--logdir",
         "--trace-steps", "--eager", "--dataset", "--quiet", "--help", "--bogus", "-x", "--"]
VALUES = st.one_of(
    st.integers(min_value=-10**12, max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["sgd", "adam", "momentum", "rmsprop", "moons", "xor", "all", "digits", "", " ", "0x10",
                     "1e400", "-0", "nan", "inf", "1_000", "１２", "None", "/dev/null", "\x00"]),
    st.text(max_size=12),
)
ARGV = st.lists(st.one_of(st.sampled_from(FLAGS), VALUES), max_size=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=ARGV)
def test_random_flags_never_raise_only_exit_0_or_2(argv, tmp_path):
    defaults = Config(epochs=3, logdir=str(tmp_path / "logs"))
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        try:
            config = cli.parse_lesson_args("day1_perceptron", "Title", argv, defaults,
                                           datasets=("all", "blobs", "xor"))
        except SystemExit as exit_info:
            assert exit_info.code in (0, 2)
            if exit_info.code == 2:
                assert stderr.getvalue().count("\n") == 1 and "error:" in stderr.getvalue()
        else:
            assert isinstance(config, Config)      # accepted values made a valid Config
            assert config.epochs >= 1 and config.learning_rate > 0 and config.batch_size >= 1
    assert not (tmp_path / "logs").exists()       # parsing never writes


def test_course_run_without_a_lesson_lists_them(capsys):
    assert cli.main(["run", "--help"]) == 0
    assert "LESSON is one of: day1_perceptron, day2_mlp" in capsys.readouterr().out
    assert cli.main(["run"]) == 2
    assert "LESSON is one of" in capsys.readouterr().err


@pytest.mark.parametrize("unbuffered", [True, False])
def test_a_reader_that_leaves_early_ends_the_lesson_quietly(tmp_path, unbuffered):
    # python -m lessons.day1_perceptron | head -1
    import os
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"      # every line is written at once: the next one meets the closed pipe
    proc = subprocess.Popen([sys.executable, "-m", "lessons.day1_perceptron", "--dataset", "blobs",
                             "--logdir", str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                            env=env)
    proc.stdout.readline()
    proc.stdout.close()                  # the reader is gone
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    # buffered output may all be in the pipe before it closes: then the lesson simply finishes
    assert code == 141 if unbuffered else code in (0, 141)
    assert "Traceback" not in err and "BrokenPipeError" not in err and "Exception ignored" not in err


def test_ctrl_c_while_tensorflow_loads_exits_130_without_a_traceback(tmp_path):
    import os
    import signal
    import time
    for argv in (["-m", "lessons.day1_perceptron"], ["-m", "course", "run", "day1_perceptron"]):
        proc = subprocess.Popen([sys.executable, *argv, "--logdir", str(tmp_path)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ})
        time.sleep(1.0)                  # TensorFlow takes ~4 s to import
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err
        assert b"Traceback" not in err
    assert list(tmp_path.iterdir()) == []
