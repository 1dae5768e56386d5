"""How fast the exercises answer, measured as a learner meets it (the tests check what the answers say, never how
fast they come: this machine's times vary by tens of percent from one minute to the next).

    python -m benchmarks.bench_exercises            # 5 repeats; one JSON line per measure, then a summary

numpy_workspace: `course check` in a fresh process on a workspace whose NumPy exercises all hold the course's
solutions (the TensorFlow ones untouched), wall time including the interpreter's start; the worker never loads
TensorFlow (checked);
tensorflow_import: the worker loading TensorFlow, once per `course check` that meets a TensorFlow exercise;
tensorflow_exercise: each TensorFlow exercise's solution checked in that worker beyond the import: its right
answers (computed first, for all of them, as `course check` does) and the learner's file;
grading: `course grade` on a class of 5 workspaces holding the NumPy solutions (one of them also an endless loop
in day1.sigmoid, which waits for its time-out).
"""
import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from course.exercises import EXERCISES
from course.exercises.checker import Checker
from course.exercises.texts import solution_text
from course.exercises.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
NUMPY = [e for e in EXERCISES.values() if not e.tensorflow]
TENSORFLOW = [e for e in EXERCISES.values() if e.tensorflow]


def filled(path: Path, exercises) -> Workspace:
    ws = Workspace.init(path)
    for exercise in exercises:
        ws.path(exercise.id).write_text(solution_text(exercise))
    return ws


def numpy_workspace(tmp: Path) -> float:
    filled(tmp / "ws", NUMPY)
    code = ("import sys; from course.cli import main; code = main(['check', '--dir', sys.argv[1]]); "
            "assert 'tensorflow' not in sys.modules; sys.exit(code)")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, str(tmp / "ws")], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    assert proc.returncode == 1 and proc.stdout.count("ok      ") == len(NUMPY), proc.stdout + proc.stderr
    return seconds


def tensorflow_exercises(tmp: Path) -> dict:
    ws = filled(tmp / "ws", TENSORFLOW)
    seconds = {}
    with Checker() as checker:
        start = time.perf_counter()
        checker.process.ask({"op": "tensorflow"}, 300)
        seconds["tensorflow_import"] = time.perf_counter() - start
        for exercise in TENSORFLOW:     # as `course check` does: every right answer first, then the learner's files
            start = time.perf_counter()
            checker.prepare([(exercise, ws.path(exercise.id))])
            seconds[exercise.id] = time.perf_counter() - start
        for exercise in TENSORFLOW:
            start = time.perf_counter()
            result = checker.check_file(exercise, ws.path(exercise.id))
            seconds[exercise.id] += time.perf_counter() - start
            assert result.status == "passed", result.report()
        assert checker.process.started == 1     # one worker: TensorFlow imported once
    return seconds


def grading(tmp: Path) -> float:
    klass = tmp / "class"
    for name in ("alice", "bob", "carol", "dave", "erin"):
        ws = filled(klass / name, NUMPY)
    ws.path("day1.sigmoid").write_text(solution_text(EXERCISES["day1.sigmoid"]).replace(
        "def sigmoid(z):", "def sigmoid(z):\n    while True:\n        pass"))
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "course", "grade", str(klass), "--out", str(tmp / "out")], cwd=ROOT,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr
    return seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="repeats of each measure (default 5)")
    args = parser.parse_args(argv)
    samples = {}
    for _ in range(args.repeats):
        for name, measure in (("numpy_workspace", numpy_workspace), ("grading", grading)):
            with tempfile.TemporaryDirectory() as tmp:
                samples.setdefault(name, []).append(measure(Path(tmp)))
        with tempfile.TemporaryDirectory() as tmp:
            for name, seconds in tensorflow_exercises(Path(tmp)).items():
                samples.setdefault(name, []).append(seconds)
    for name, values in samples.items():
        print(json.dumps({"measure": name, "median_s": round(statistics.median(values), 3),
                          "min_s": round(min(values), 3), "max_s": round(max(values), 3)}))
    slowest = max((e.id for e in TENSORFLOW), key=lambda eid: statistics.median(samples[eid]))
    print(f"\nA workspace of {len(NUMPY)} NumPy solutions: `course check` answers in "
          f"{statistics.median(samples['numpy_workspace']):.2f} s (interpreter included, no TensorFlow).")
    print(f"A TensorFlow exercise: the worker loads TensorFlow in {statistics.median(samples['tensorflow_import']):.2f}"
          f" s, then the slowest exercise ({slowest}) takes {statistics.median(samples[slowest]):.2f} s beyond it.")
    print(f"`course grade` on 5 learners' NumPy solutions (one endless loop): "
          f"{statistics.median(samples['grading']):.2f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
