"""Run in a fresh process by tests/cli/test_lessons.py: every lesson, started as ``python -m`` starts it, with a
bad flag, with --help, and for real, in a process where importing TensorFlow prints a marker and exits 99. What each
printed before that marker, and its exit status, come back as JSON: the answers that need no TensorFlow."""
import contextlib
import io
import json
import runpy
import sys
from pathlib import Path


class StopAtTensorFlow:
    def find_spec(self, name, path=None, target=None):
        if name == "tensorflow":
            print("<tensorflow import starts>")
            raise SystemExit(99)


def started(module, argv):
    out, err = io.StringIO(), io.StringIO()
    sys.argv = [f"python -m {module}", *argv]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            runpy.run_module(module, run_name="__main__", alter_sys=True)
            code = 0
        except SystemExit as done:
            code = done.code
    return {"code": code, "out": out.getvalue(), "err": err.getvalue()}


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))   # as `python -m` from the repository root
    sys.meta_path.insert(0, StopAtTensorFlow())
    logdir, lessons = sys.argv[1], sys.argv[2:]
    results = {name: {"bad flag": started(f"lessons.{name}", ["--bogus"]),
                      "help": started(f"lessons.{name}", ["--help"]),
                      "run": started(f"lessons.{name}", ["--epochs", "1", "--logdir", logdir])}
               for name in lessons}
    from course.cli import main
    for case, argv in {"course run bad flag": ["run", "day2_mlp", "--epochs", "0"],
                       "course tensorboard nosuch.invalid": ["tensorboard", "--logdir", logdir, "--host",
                                                             "nosuch.invalid"]}.items():
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as done:
                code = done.code
        results[case] = {"code": code, "out": out.getvalue(), "err": err.getvalue()}
    sys.stdout.write(json.dumps(results))
