"""course.cli.lessons: the lesson registry, a lesson's goal read without importing it, and lesson_main: flags,
options, exit statuses (2 bad input, 130 Ctrl-C, 143 SIGTERM, 141 a closed pipe), the footer.

lesson_main is driven in-process with run functions that raise; what needs a real process (a signal while a
lesson trains, a pipe whose reader leaves, Ctrl-C while TensorFlow is still loading) runs in a fresh one."""
import ast
import errno
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

from course.cli import lessons as cli_lessons
from course.cli.lessons import LESSONS, lesson_doc, lesson_goal, lesson_main, print_footer
from course.core.config import Config, ConfigError
from course.engine.signals import Terminated
from course.runs.results import LessonResult
from tests.helpers import BACKGROUND, ROOT, fresh_process, python, read_events, text

DEFAULTS = Config(epochs=3)


def test_the_registry_is_the_ten_lessons_in_order():
    assert LESSONS == tuple(f"{p.stem}" for p in sorted((ROOT / "lessons").glob("day*.py"),
                                                        key=lambda p: int(p.stem[3:].split("_")[0])))
    assert len(LESSONS) == 10 and LESSONS[0] == "day1_perceptron" and LESSONS[-1] == "day10_distributed"


@pytest.mark.parametrize("name", LESSONS)
def test_a_lessons_doc_and_goal_are_read_from_its_source(name):
    source = (ROOT / "lessons" / f"{name}.py").read_text()
    assert lesson_doc(name) == ast.get_docstring(ast.parse(source))
    goal = [p for p in lesson_doc(name).split("\n\n") if p.startswith("Goal:")][0]
    assert lesson_goal(name) == " ".join(goal[len("Goal:"):].split())
    with pytest.raises(ValueError, match="lesson must be one of"):
        lesson_doc("day11")


FOOTER = ["Look at them in TensorBoard (it prints the address to open, http://127.0.0.1:6006):",
          "  course tensorboard --logdir {logdir}",
          "  (or plain: tensorboard --logdir {logdir}   which keeps a sample of 10 pictures per tag)"]


def test_print_footer_names_the_runs_the_tensorboard_command_and_the_days_exercises(tmp_path):
    from course.exercises import EXERCISES
    from course.runs.results import RunResult
    result = LessonResult("day1_perceptron", tmp_path)
    result.runs["blobs"] = RunResult("blobs", tmp_path / "day1_perceptron" / "x_blobs", None, None)
    out = []
    print_footer(result, print_fn=out.append)
    logdir = tmp_path / "day1_perceptron"
    day1 = [eid for eid in EXERCISES if eid.startswith("day1.")]
    math, keras = [e for e in day1 if not EXERCISES[e].tensorflow], [e for e in day1 if EXERCISES[e].tensorflow]
    practise = ("Practise: write this lesson's math yourself, and the course checks it: " + ", ".join(math) +
                "; and its Keras side, checked by running it: " + ", ".join(keras))
    assert math and keras and out[:6] == ["", "Runs written:", f"  {logdir / 'x_blobs'}",
                                          *[f.format(logdir=logdir) for f in FOOTER]]
    assert out[6] == "" and " ".join(line.strip() for line in out[7:-1]) == practise
    assert out[-1] == f"  course exercises init   (once), then   course check {day1[0]}   (course hint {day1[0]} for a hint)"
    assert all(len(line) <= 100 for line in out[7:-1])
    for lesson in cli_lessons.LESSONS:                       # every lesson names its day's exercises, and only those
        day = lesson.split("_")[0]
        named = " ".join(cli_lessons.practice_lines(lesson)[:-1])
        assert {eid for eid in EXERCISES if eid.split(".")[0] == day} == set(re.findall(r"day\d+\.\w+", named))
    ten = []
    print_footer(LessonResult("day10_distributed", tmp_path), print_fn=ten.append)
    assert ten == ["", "Runs written:", *[f.format(logdir=tmp_path / "day10_distributed") for f in FOOTER], "",
                   "Practise: write this lesson's math yourself, and the course checks it: day10.all_reduce",
                   "  course exercises init   (once), then   course check day10.all_reduce   (course hint "
                   "day10.all_reduce for a hint)"]
    spaced = []                                            # a path with spaces pastes into a shell as one argument
    print_footer(LessonResult("day10_distributed", tmp_path / "my logs"), print_fn=spaced.append)
    quoted = "'" + str(tmp_path / "my logs" / "day10_distributed") + "'"
    assert spaced[-5:-3] == [FOOTER[1].format(logdir=quoted), FOOTER[2].format(logdir=quoted)]


def _main(run, argv, tmp_path, **kwargs):
    return lesson_main(run, "day1_perceptron", "Title", [*argv, "--logdir", str(tmp_path)], defaults=DEFAULTS,
                       **kwargs)


def _heading(out, title, name, loading=False):
    """The title, the goal wrapped to lines of at most 100 characters (asserted here), the loading line when
    TensorFlow is not imported yet, then a blank line: the heading that ``out`` starts with, returned."""
    lines = out.split("\n")
    goal = [lines[1]] + [line for line in lines[2:] if line.startswith("      ")]
    assert lines[0] == title and goal[0].startswith("Goal: ") and all(len(line) <= 100 for line in goal)
    assert " ".join(line.strip() for line in goal) == f"Goal: {lesson_goal(name)}"
    after = ["(loading TensorFlow: a few seconds)", ""] if loading else [""]
    assert lines[1 + len(goal):1 + len(goal) + len(after)] == after
    return "\n".join([title, *goal, *after]) + "\n"


def test_lesson_main_runs_the_lesson_with_the_parsed_config_and_prints_the_footer(tmp_path, capsys):
    seen = []

    def run(config):
        seen.append(config)
        return LessonResult("day1_perceptron", config.logdir)

    assert _main(run, ["--epochs", "5", "--quiet"], tmp_path) == 0
    assert seen == [DEFAULTS.replace(epochs=5, quiet=True, logdir=str(tmp_path))]
    footer = []
    print_footer(LessonResult("day1_perceptron", str(tmp_path)), print_fn=footer.append)
    # the title and goal first (before TensorFlow would load), the footer last
    out = capsys.readouterr().out
    assert _heading(out, "Title", "day1_perceptron") + "".join(line + "\n" for line in footer) == out


def test_lesson_main_passes_a_lessons_own_options_to_run(tmp_path, capsys):
    # what Day 9's --family does: run(config, family="cnn")
    seen = []

    def run(config, family):
        seen.append(family)
        return LessonResult("day9_network_types", config.logdir)

    options = {"--family": dict(choices=("all", "cnn"), default="all")}
    assert _main(run, ["--family", "cnn"], tmp_path, options=options) == 0
    assert _main(run, [], tmp_path, options=options) == 0
    assert seen == ["cnn", "all"]
    with pytest.raises(SystemExit) as exit_info:
        _main(run, ["--family", "rbm"], tmp_path, options=options)
    assert exit_info.value.code == 2 and "argument --family: invalid choice: 'rbm'" in capsys.readouterr().err


def test_a_config_error_found_by_the_lesson_is_a_flag_error(tmp_path, capsys):
    def run(config):
        raise ConfigError("batch_size 500 is larger than the 320 training examples of blobs")

    with pytest.raises(SystemExit) as exit_info:
        _main(run, [], tmp_path)
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == ("python -m lessons.day1_perceptron: error: batch_size 500 is larger than the "
                                       "320 training examples of blobs (see --help)\n")


@pytest.mark.parametrize("interruption, code, word", [(KeyboardInterrupt, 130, "Ctrl-C"), (Terminated, 143, "SIGTERM")])
def test_ctrl_c_and_sigterm_end_the_lesson_with_their_exit_status(tmp_path, capsys, interruption, code, word):
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    during = []

    def run(config):
        during.append((signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)))
        raise interruption()

    assert _main(run, [], tmp_path) == code
    assert capsys.readouterr().err == f"Stopped by {word}: what was logged so far stays readable in TensorBoard.\n"
    # while the lesson ran, Ctrl-C raised KeyboardInterrupt and SIGTERM Terminated; afterwards, as before
    assert during == [(signal.default_int_handler, cli_lessons.raise_terminated)]
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers


@pytest.mark.parametrize("error, code, message", [
    (OSError(errno.ENOSPC, "No space left on device", "logs/x/train/events"), 74,
     "Stopped: the disk is full, writing logs/x/train/events. The runs' files were closed; what was logged before "
     "stays readable in TensorBoard. Free some space, or use another --logdir.\n"),
    (OSError(errno.EFBIG, "File too large"), 74,
     "Stopped: a file reached the size limit of this shell (ulimit -f), writing a run file. The runs' files were "
     "closed; what was logged before stays readable in TensorBoard. Free some space, or use another --logdir.\n"),
])
def test_a_full_disk_ends_in_one_line_and_exit_74(tmp_path, capsys, error, code, message):
    def run(config):
        raise error

    assert _main(run, [], tmp_path) == code
    assert capsys.readouterr().err == message


@pytest.mark.parametrize("error, why", [
    (PermissionError(errno.EACCES, "Permission denied", "logs/day1/x/train/events"), "Permission denied"),
    (FileNotFoundError(errno.ENOENT, "No such file or directory", "logs/day1/x/network.png"),  # log dir deleted
     "No such file or directory")])
def test_other_write_errors_end_in_one_line_exit_74(tmp_path, capsys, error, why):
    def run(config):
        raise error

    assert _main(run, [], tmp_path) == 74
    err = capsys.readouterr().err
    assert err == (f"Stopped: {error.filename} could not be written ({why}). Was the log directory moved, deleted "
                   "or made read-only while the lesson ran? Earlier runs are untouched; run the lesson again.\n")


class _Broken(io.StringIO):
    def __init__(self, error):
        super().__init__()
        self.error = error

    def flush(self):
        raise self.error


def test_a_reader_that_left_or_a_closed_output_end_quietly(tmp_path, monkeypatch):
    def finished(config):
        return LessonResult("day1_perceptron", config.logdir)

    def full_disk(config):
        raise OSError(errno.EIO, "I/O error")

    started = cli_lessons.start("day1_perceptron", "Title", DEFAULTS, argv=["--logdir", str(tmp_path)])
    monkeypatch.setattr(sys, "stdout", _Broken(BrokenPipeError()))          # `| head` left: 141
    assert started.run(finished) == 141 and sys.stdout.name == os.devnull
    monkeypatch.setattr(sys, "stdout", _Broken(OSError(errno.EBADF, "Bad file descriptor")))   # closed: 120
    assert started.run(full_disk) == 120
    monkeypatch.setattr(sys, "stdout", None)
    with pytest.raises(SystemExit) as exit_info:                             # started with `>&-`
        cli_lessons.start("day1_perceptron", "Title", DEFAULTS, argv=[])
    assert exit_info.value.code == 120


def test_start_checks_the_flags_and_prints_the_title_before_the_lesson_runs(tmp_path, capsys, monkeypatch):
    previous = signal.getsignal(signal.SIGINT)
    started = cli_lessons.start("day1_perceptron", "Day 1 - The perceptron\n\nmore", DEFAULTS,
                                argv=["--epochs", "2", "--logdir", str(tmp_path)])
    try:
        assert started.config == DEFAULTS.replace(epochs=2, logdir=str(tmp_path)) and started.extra == {}
        out = capsys.readouterr().out
        assert _heading(out, "Day 1 - The perceptron", "day1_perceptron") == out
        with pytest.raises(SystemExit) as exit_info:                        # until it runs, Ctrl-C ends it: 130
            signal.getsignal(signal.SIGINT)(signal.SIGINT, None)
        assert exit_info.value.code == 130
    finally:
        signal.signal(signal.SIGINT, started.loading_handler)
    assert started.loading_handler is previous
    monkeypatch.setattr(sys, "argv", ["course run day1_perceptron"])        # as `course run` starts it
    with pytest.raises(SystemExit):
        cli_lessons.start("day1_perceptron", "Title", DEFAULTS, argv=["--epochs", "0"])
    assert capsys.readouterr().err.startswith("course run day1_perceptron: error: argument --epochs")


def test_quiet_ctrl_c_while_loading_exits_130(monkeypatch):
    previous = cli_lessons.quiet_ctrl_c_while_loading()
    try:
        handler = signal.getsignal(signal.SIGINT)
        with pytest.raises(SystemExit) as exit_info:
            handler(signal.SIGINT, None)
        assert exit_info.value.code == 130
    finally:
        signal.signal(signal.SIGINT, previous)
    off_main = []
    thread = threading.Thread(target=lambda: off_main.append(cli_lessons.quiet_ctrl_c_while_loading()))
    thread.start()
    thread.join()
    assert off_main == [None]                              # signals can only be set on the main thread


# --- a lesson interrupted while it trains ------------------------------------------------------------------

def _interrupted(sig):
    """`python -m lessons.day1_perceptron` for ever on the blobs, then ``sig`` once training is under way."""
    def job():
        tmp_path = BACKGROUND.job_dir(f"signal-{sig}")
        proc = BACKGROUND.popen([sys.executable, "-m", "lessons.day1_perceptron", "--dataset", "blobs",
                                 "--epochs", "100000", "--trace-steps", "0", "--logdir", str(tmp_path)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
        before = []
        deadline = time.time() + 180
        while time.time() < deadline:      # wait until training is under way: an epoch line
            before.append(proc.stdout.readline())
            if before[-1].startswith("epoch") or not before[-1]:
                break
        time.sleep(1.0)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=120)
        return proc.returncode, "".join(before) + out, err, tmp_path
    job.__name__ = job.__qualname__ = f"interrupted_by_{signal.Signals(sig).name}"
    return job


INTERRUPTED = {signal.SIGINT: _interrupted(signal.SIGINT), signal.SIGTERM: _interrupted(signal.SIGTERM)}


def _check_interrupted_run(run_dir, out, err, word, seen):
    """The partial run: every finished step logged whole, in order, and why it stopped."""
    assert "Traceback" not in err, seen
    assert f"Stopped by {word}: what was logged so far stays readable in TensorBoard." in err
    assert f"Interrupted: the partial run is in {run_dir}" in out
    train = read_events(run_dir / "train")
    steps = [s for s, _ in train["batch_loss"]]
    assert len(steps) >= 10 and steps == list(range(1, len(steps) + 1)), (steps[:3], steps[-3:], seen)
    per_step = [t for t in train if t in ("batch_loss", "batch_accuracy", "gradient_norm") or "[" in t]
    assert len(per_step) == 3 + 6                                      # and one curve per parameter/gradient
    assert {train[t][-1][0] for t in per_step} == {steps[-1]}       # no step half logged
    stopped = text(train, "run/stopped")
    assert stopped.startswith(f"interrupted at step {steps[-1]} (epoch "), (stopped, steps[-1], seen)
    # 10 steps an epoch (320 blobs / 32): the epoch the last logged step is in, or the next one just begun
    assert int(stopped.split("(epoch ")[1].rstrip(")")) in ((steps[-1] - 1) // 10 + 1, steps[-1] // 10 + 1)
    assert len(read_events(run_dir / "validation")["epoch_loss"]) >= 1


@pytest.mark.parametrize("sig, code, word", [(signal.SIGINT, 130, "Ctrl-C"), (signal.SIGTERM, 143, "SIGTERM")])
@fresh_process(INTERRUPTED[signal.SIGINT])
@fresh_process(INTERRUPTED[signal.SIGTERM])
def test_interrupted_run_flushes_its_logs_and_exits_with_the_signal_code(sig, code, word):
    returncode, out, err, tmp_path = BACKGROUND.result(INTERRUPTED[sig])
    seen = f"stdout ends {out[-1500:]!r}\nstderr ends {err[-1500:]!r}"      # shown if an assertion fails
    assert returncode == code, seen
    (run_dir,) = (tmp_path / "day1_perceptron").iterdir()
    _check_interrupted_run(run_dir, out, err, word, seen)


def test_ctrl_c_between_eager_steps_logs_each_step_whole(tmp_path, capsys):
    """--eager: every step runs from Python, so Ctrl-C can land inside one; it waits for the step and its logs.
    In this process: lesson_main installs its handlers, a timer sends SIGINT once training is under way."""
    running, done = threading.Event(), threading.Event()

    def interrupt():
        deadline = time.time() + 120
        while time.time() < deadline and not list(tmp_path.glob("day1_perceptron/*/validation")):
            time.sleep(0.05)                         # the run's logger has begun: the lesson is training
        time.sleep(1.5)
        if not done.is_set():
            running.set()
            os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Thread(target=interrupt, daemon=True)
    timer.start()
    try:
        code = cli_lessons_main_for(tmp_path)
    finally:
        done.set()
    timer.join()
    out, err = capsys.readouterr()
    assert running.is_set() and code == 130
    (run_dir,) = (tmp_path / "day1_perceptron").iterdir()
    _check_interrupted_run(run_dir, out, err, "Ctrl-C", f"stderr {err[-500:]!r}")


def cli_lessons_main_for(tmp_path):
    from lessons import day1_perceptron
    return day1_perceptron.main(["--dataset", "blobs", "--epochs", "100000", "--trace-steps", "0", "--eager",
                                 "--logdir", str(tmp_path)])


# --- a reader that leaves, Ctrl-C while TensorFlow loads: in a fresh process ---------------------------------

def _reader_leaves(unbuffered):
    def job():
        # python -m lessons.day1_perceptron | head -1
        tmp_path = BACKGROUND.job_dir("pipe")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
        if unbuffered:
            env["PYTHONUNBUFFERED"] = "1"      # every line is written at once: the next one meets the closed pipe
        proc = BACKGROUND.popen([sys.executable, "-m", "lessons.day1_perceptron", "--dataset", "blobs",
                                 "--epochs", "3", "--logdir", str(tmp_path)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=ROOT, env=env)
        proc.stdout.readline()
        proc.stdout.close()                  # the reader is gone
        err = proc.stderr.read().decode()
        return proc.wait(timeout=120), err
    job.__name__ = job.__qualname__ = f"reader_leaves_{'unbuffered' if unbuffered else 'buffered'}"
    return job


READER_LEAVES = {True: _reader_leaves(True), False: _reader_leaves(False)}


@pytest.mark.parametrize("unbuffered", [True, False])
@fresh_process(READER_LEAVES[True])
@fresh_process(READER_LEAVES[False])
def test_a_reader_that_leaves_early_ends_the_lesson_quietly(unbuffered):
    code, err = BACKGROUND.result(READER_LEAVES[unbuffered])
    # buffered output may all be in the pipe before it closes: then the lesson simply finishes
    assert code == 141 if unbuffered else code in (0, 141)
    assert "Traceback" not in err and "BrokenPipeError" not in err and "Exception ignored" not in err


def ctrl_c_while_tensorflow_loads():
    tmp_path, results = BACKGROUND.job_dir("loading"), []
    for argv in (["-m", "lessons.day1_perceptron"], ["-m", "course", "run", "day1_perceptron"]):
        proc = BACKGROUND.popen([sys.executable, *argv, "--logdir", str(tmp_path)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ})
        time.sleep(1.0)                  # TensorFlow takes seconds to import
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        results.append((proc.returncode, err))
    return results, sorted(tmp_path.iterdir())


@fresh_process(ctrl_c_while_tensorflow_loads)
def test_ctrl_c_while_tensorflow_loads_exits_130_without_a_traceback():
    results, written = BACKGROUND.result(ctrl_c_while_tensorflow_loads)
    for code, err in results:
        assert code == 130, err
        assert b"Traceback" not in err
    assert written == []


# --- answers before TensorFlow loads ---------------------------------------------------------------------------

def every_lesson_until_tensorflow():
    """Every lesson with a bad flag, with --help and started for real, in one fresh process in which importing
    TensorFlow prints a marker and exits 99 (tests/cli/before_tensorflow.py)."""
    logdir = BACKGROUND.job_dir("before-tf")
    proc = python(str(ROOT / "tests" / "cli" / "before_tensorflow.py"), str(logdir), *LESSONS, timeout=120, nice=True)
    return proc, logdir


@fresh_process(every_lesson_until_tensorflow)
def test_flags_help_and_the_title_answer_before_tensorflow_is_imported():
    proc, logdir = BACKGROUND.result(every_lesson_until_tensorflow)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    for name in LESSONS:
        bad, help_, run = (results[name][case] for case in ("bad flag", "help", "run"))
        assert (bad["code"], bad["out"]) == (2, "")
        assert bad["err"] == f"python -m lessons.{name}: error: unrecognized arguments: --bogus (see --help)\n"
        assert help_["code"] == 0 and help_["out"].startswith(f"usage: python -m lessons.{name} [-h]")
        assert "--learning-rate" in help_["out"] and "<tensorflow import starts>" not in help_["out"]
        title = lesson_doc(name).splitlines()[0]
        assert run["code"] == 99, (name, run)                 # it went on to import TensorFlow only then
        heading = _heading(run["out"], title, name, loading=True)          # the loading line, TensorFlow not yet in
        assert run["out"] == heading + "<tensorflow import starts>\n", name
    assert results["course run bad flag"] == {"code": 2, "out": "", "err": (
        "course run day2_mlp: error: argument --epochs: must be a positive integer up to 1,000,000, got '0' (see --help)\n")}
    assert results["course tensorboard nosuch.invalid"] == {"code": 2, "out": "", "err": (
        "course: error: --host 'nosuch.invalid' is not an address this machine can bind (try 127.0.0.1) "
        "(see --help)\n")}
    assert list(logdir.iterdir()) == []                       # nothing written by any of them


# --- faults in real processes: a file-size limit, a closed stdout, a full one ------------------------------------

def lessons_under_faults():
    """Day 2 under `ulimit -f 64` (64 KiB a file: its first run's pictures reach it), and Day 1 with stdout closed
    (`>&-`) and on /dev/full."""
    logdir = BACKGROUND.job_dir("faults")
    limited = python("-c", "import resource, runpy, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536)); "
                     "sys.argv = ['python -m lessons.day2_mlp', '--epochs', '3', '--logdir', sys.argv[1]]; "
                     "runpy.run_module('lessons.day2_mlp', run_name='__main__', alter_sys=True)", str(logdir / "a"),
                     timeout=180, nice=True)
    closed = subprocess.run(f"{sys.executable} -m lessons.day1_perceptron --logdir {logdir / 'b'} >&-", shell=True,
                            capture_output=False, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=60)
    with open("/dev/full", "w") as full:
        on_full = subprocess.run([sys.executable, "-m", "lessons.day1_perceptron", "--logdir", str(logdir / "c")],
                                 stdout=full, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=60)
    return limited, closed, on_full, logdir


@fresh_process(lessons_under_faults)
def test_a_file_size_limit_a_closed_and_a_full_stdout_end_in_one_line_or_quietly():
    limited, closed, on_full, logdir = BACKGROUND.result(lessons_under_faults)
    assert limited.returncode == 74 and "Traceback" not in limited.stderr
    (line,) = limited.stderr.splitlines()                                   # one line, and nothing else
    assert line.startswith("Stopped: a file reached the size limit of this shell (ulimit -f), writing ")
    assert line.endswith(". The runs' files were closed; what was logged before stays readable in TensorBoard. "
                         "Free some space, or use another --logdir.")
    (run_dir,) = (logdir / "a" / "day2_mlp").iterdir()
    train = read_events(run_dir / "train")               # TensorBoard reads what was written before the limit
    assert {"run/goal", "snapshots/decision_boundary", "network"} <= set(train)
    assert [step for step, _ in train["snapshots/decision_boundary"]] == [0]
    assert max(p.stat().st_size for p in run_dir.rglob("events.out.tfevents.*")) <= 65536
    assert (closed.returncode, closed.stderr) == (120, "")          # no output to write to: quietly, 120
    assert (on_full.returncode, on_full.stderr) == (120, "")
    assert not (logdir / "b").exists() and not (logdir / "c").exists()   # nothing ran, nothing was written
