"""The exercise commands from the command line: what a learner types, its output, exit codes and speed."""
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from course.cli import main
from course.exercises import EXERCISES
from course.exercises.texts import solution_text

ROOT = Path(__file__).resolve().parents[2]


def test_init_then_check_lists_every_exercise_as_not_done_fast_and_without_tensorflow(tmp_path):
    code = ("import sys, time; from course.cli import main; t = time.perf_counter();"
            "a = main(['exercises', 'init']); b = main(['check']);"
            "print(a, b, 'tensorflow' in sys.modules, round(time.perf_counter() - t, 2))")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - start
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert lines[0] == f"{len(EXERCISES)} exercises written to course-exercises/ (day1/ ... day10/, one file each)."
    assert lines[2:2 + len(EXERCISES)] == [f"not yet {eid}: not implemented yet" for eid in EXERCISES]
    assert lines[2 + len(EXERCISES)] == (f"0 of {len(EXERCISES)} done. Next: day1.sigmoid, in "
                                         "course-exercises/day1/sigmoid.py")
    code_init, code_check, tf_loaded, seconds = lines[-1].split()
    assert (code_init, code_check, tf_loaded) == ("0", "1", "False")
    assert float(seconds) < 2.0 and wall < 2.0 + 1.0       # the interpreter's own start on top


def test_init_a_second_time_says_the_workspace_is_up_to_date_and_changes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["exercises", "init"]) == 0
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    capsys.readouterr()
    assert main(["exercises", "init"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        f"course-exercises/ is up to date: it has all {len(EXERCISES)} exercises, and nothing was changed.")
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before
    (tmp_path / "course-exercises" / "day9" / "attention.py").unlink()        # an earlier version's workspace
    assert main(["exercises", "init"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == ("course-exercises/ was made by an earlier version of the "
                                                       "course: 1 new exercise added (day9.attention); your files are "
                                                       "as they were.")


def test_check_exit_codes_and_list_progress(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    main(["exercises", "init", "ws"])
    (tmp_path / "ws" / "day3" / "sgd_step.py").write_text(solution_text(EXERCISES["day3.sgd_step"]))
    capsys.readouterr()
    assert main(["check", "day3.sgd_step", "--dir", "ws"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok      day3.sgd_step (ws/day3/sgd_step.py): passed all 2 cases")
    assert "the course's solution, to compare with yours: ws/solutions/day3/sgd_step.py" in out
    assert "course check day3.sgd_step --train" in out
    assert main(["check", "day1.sigmoid", "--dir", "ws"]) == 1
    assert main(["exercises", "list", "--dir", "ws"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith("done     day3.sgd_step ") for line in out)
    assert out[-1] == f"1 of {len(EXERCISES)} done. Next: day1.sigmoid, in ws/day1/sigmoid.py"


@pytest.mark.parametrize("argv, message", [
    (["check", "day3.sgd_stp"], "no exercise 'day3.sgd_stp'; did you mean day3.sgd_step?"),
    (["check", "day1.sigmoid", "--train"], "day1.sigmoid does not train a model; --train takes"),
    (["check", "--train"], "--train trains one exercise"),
    (["hint", "nope"], "no exercise 'nope'"),
    (["exercises"], "say what to do: course exercises init [DIR] | course exercises list"),
])
def test_usage_errors_exit_2_with_one_line(tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    main(["exercises", "init"])
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and message in err and err.count("\n") == 1


def test_no_workspace_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["check"])
    assert exit_info.value.code == 2
    assert "no exercises here (nor in ./course-exercises): run `course exercises init` first" in capsys.readouterr().err


def test_hint_prints_the_next_hint(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    main(["exercises", "init"])
    capsys.readouterr()
    hints = EXERCISES["day5.softmax"].hints
    assert main(["hint", "day5.softmax"]) == 0 and main(["hint", "day5.softmax"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"Hint 1 of {len(hints)} for day5.softmax: {hints[0]}",
                                                     f"Hint 2 of {len(hints)} for day5.softmax: {hints[1]}",
                                                     "(that is the last hint: it leads to the formula; the "
                                                     "docstring's example is worth a second look)"][:2 + (len(hints) == 2)]


def test_watch_checks_a_saved_file_again_and_stops_on_ctrl_c(tmp_path):
    subprocess.run([sys.executable, "-m", "course", "exercises", "init"], cwd=tmp_path, check=True,
                   capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    proc = subprocess.Popen([sys.executable, "-u", "-m", "course", "check", "day3.sgd_step", "--watch"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    try:
        first, second = lines.get(timeout=60), lines.get(timeout=60)
        assert first.startswith("not yet day3.sgd_step") and second.startswith("Watching course-exercises/")
        target = tmp_path / "course-exercises" / "day3" / "sgd_step.py"
        target.write_text(solution_text(EXERCISES["day3.sgd_step"]))   # saved after "Watching": seen
        assert lines.get(timeout=60).startswith("ok      day3.sgd_step")
        after = [lines.get(timeout=20).strip() for _ in range(3)]
        assert after == ["the course's solution, to compare with yours: course-exercises/solutions/day3/sgd_step.py",
                         "train the lesson's Keras model with your function: course check day3.sgd_step --train",
                         f"1 of {len(EXERCISES)} done. Next: day1.sigmoid, in course-exercises/day1/sigmoid.py"]
        proc.send_signal(signal.SIGINT)
        rest = []
        while not rest or rest[-1] != "Stopped watching.":
            rest.append(lines.get(timeout=20).strip())
        err = proc.communicate(timeout=20)[1]
    finally:
        proc.kill()
    assert proc.returncode == 0 and "Traceback" not in err


@pytest.mark.parametrize("argv, words", [
    (["check", "--help"], "Exit status: 0 all that was checked passes, 1 something fails, 2 a usage error, 130 Ctrl-C."),
    (["grade", "--help"], "Writes grades.csv, feedback/LEARNER.txt (and grades.json) into --out. Exit status: 0 the "
                          "grading ran, 2 a usage error (nothing written), 130 Ctrl-C."),
])
def test_the_help_of_the_exercise_commands_says_what_they_write_and_how_they_end(capsys, argv, words):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0 and words in " ".join(capsys.readouterr().out.split())
