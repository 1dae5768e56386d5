"""The fault catalogue of the exercise CLI: hostile learner code, files a learner really has, --train, the workspace,
and how a command ends (signals, closed or full output). Each case is what a user types and the documented exit
status (0 pass, 1 fail, 2 usage, 130 Ctrl-C, 143 SIGTERM, 74 a file limit, 120 a closed or full standard output,
141 a reader that left). A case ends well when nothing came out as a traceback, nothing hung, nothing was lost
(every file the learner had is as it was, nothing outside the workspace changed) and the status is the documented
one, with the words the case names.

The cases know nothing of the course's modules (files as text, the `course` command's arguments), so the same
catalogue measures any version of the course: ``run_in_process`` for the tests (learner code runs in the worker,
so this process is safe), ``run_in_a_process`` for what needs a process of its own, and for an older version.
"""
from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PATHS = {"sigmoid": "day1/sigmoid.py", "sgd_step": "day3/sgd_step.py", "momentum_step": "day8/momentum_step.py",
         "softmax": "day5/softmax.py"}
SIGNATURES = {"sigmoid": "sigmoid(z)", "sgd_step": "sgd_step(w, grad, learning_rate)",
              "momentum_step": "momentum_step(w, grad, velocity, learning_rate)", "softmax": "softmax(z)"}
RIGHT = {"sigmoid": "with np.errstate(over='ignore'):\n    return 1 / (1 + np.exp(-np.asarray(z, float)))",
         "sgd_step": "return w - learning_rate * grad",
         "momentum_step": "velocity = 0.9 * velocity - learning_rate * grad\nreturn w + velocity, velocity"}


def learner(name, body=None, prelude="", header=""):
    """A learner's whole file for the exercise function ``name``: ``header`` (a coding line), NumPy, ``prelude``
    at the top level, then the function with ``body`` (the right one by default)."""
    body = RIGHT[name] if body is None else body
    indented = "\n".join("    " + line for line in body.splitlines())
    return f"{header}import numpy as np\n{prelude}\n\ndef {SIGNATURES[name]}:\n{indented}\n"


def files(**bodies):
    """{path: text}: ``sigmoid="..."`` is the learner's sigmoid with that body; the right sigmoid unless given."""
    out = {PATHS["sigmoid"]: learner("sigmoid")}
    for name, text in bodies.items():
        out[PATHS[name]] = text
    return out


@dataclass
class Case:
    name: str
    group: str
    argv: list                  # the `course` command's arguments; the workspace is ./ws
    exit: int                   # the documented exit status
    files: dict = field(default_factory=dict)     # {path in ws: str or bytes}, written after `exercises init ws`
    setup: object = None        # setup(tmp): links, FIFOs, a corrupt state (after the files)
    says: tuple = ()            # words the output must hold
    never: tuple = ()           # words it must not hold
    kept: object = None         # kept(tmp) -> "" or what was lost
    process: str = ""           # "" (any runner), or why it needs a process: signal, output, ulimit, env, watch
    signal: tuple = ()          # (signal, seconds after the start, or the words it is sent after) to send
    stdout: str = ""            # "closed" or "full": what standard output is
    env: dict = field(default_factory=dict)
    timeout: float = 60.0
    init: bool = True


@dataclass
class Outcome:
    case: Case
    status: object              # the exit status, None when it hung
    output: str
    traceback: bool
    hung: bool
    lost: str
    seconds: float

    @property
    def wrong_exit(self) -> bool:
        return not self.hung and self.status != self.case.exit

    @property
    def missing(self) -> list:
        return [w for w in self.case.says if w not in self.output] + [w for w in self.case.never if w in self.output]

    @property
    def ok(self) -> bool:
        return not (self.traceback or self.hung or self.lost or self.wrong_exit or self.missing)

    def why(self) -> str:
        return (f"{self.case.group} / {self.case.name}: status {self.status} (expected {self.case.exit}), "
                f"traceback {self.traceback}, hung {self.hung}, lost {self.lost!r}, missing {self.missing}\n"
                + self.output[-1500:])


# --- preparing a case and judging what is left ----------------------------------------------------------------

def prepare(case: Case, tmp: Path, init) -> dict:
    """The workspace and the case's files, links and states; the snapshot of every file that must stay as it is."""
    (tmp / "outside").mkdir()
    (tmp / "outside" / "precious.txt").write_text("the learner's own file, outside the workspace")
    if case.init:
        init(tmp)
    for relative, text in case.files.items():
        path = tmp / "ws" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    if case.setup is not None:
        case.setup(tmp)
    return snapshot(tmp)


def snapshot(tmp: Path) -> dict:
    """Every regular file of the learner's (not the course's own state, solutions and logs)."""
    out = {}
    for path in tmp.rglob("*"):
        relative = path.relative_to(tmp).as_posix()
        if relative.startswith(("ws/solutions", "ws/.course-exercises.json", "logs", "out", "grades")):
            continue
        if path.is_file() and not path.is_symlink() and not path.is_fifo() and path.stat().st_size < (1 << 22):
            out[relative] = path.read_bytes()
    return out


def lost(case: Case, tmp: Path, before: dict) -> str:
    after = snapshot(tmp)
    changed = [p for p, data in before.items() if after.get(p) != data]
    extra = [p for p in after if p.startswith("outside/") and p not in before]
    try:
        said = case.kept(tmp) if case.kept is not None else ""
    except OSError as err:
        said = f"could not look: {err}"
    return "; ".join(filter(None, [", ".join(changed + extra), said]))


# --- running it -----------------------------------------------------------------------------------------------

def run_in_process(case: Case, tmp: Path) -> Outcome:
    """`course ARGV` by ``course.cli.main`` in this process, from ``tmp`` (cases with no ``process`` only)."""
    from course.cli import main
    assert not case.process, case.name
    before = prepare(case, tmp, lambda t: _quietly(main, ["exercises", "init", str(t / "ws")]))
    start, traceback, status = time.monotonic(), False, None
    out = io.StringIO()
    with _inside(tmp), contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            status = main(list(case.argv))
        except SystemExit as done:
            status = done.code
        except BaseException as err:  # noqa: BLE001 - what escapes the command is what the catalogue counts
            traceback = True
            out.write(f"Traceback: {type(err).__name__}: {err}\n")
    return Outcome(case, status, out.getvalue(), traceback, False, lost(case, tmp, before), time.monotonic() - start)


@contextlib.contextmanager
def _inside(directory):
    here = os.getcwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(here)


def _quietly(main, argv):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        main(argv)


def run_in_a_process(case: Case, tmp: Path, python=sys.executable, pythonpath="", started=None) -> Outcome:
    """`python -m course ARGV` in a process of its own, from ``tmp``, a little below the tests' priority;
    ``pythonpath``: which course (another version's checkout, to measure it); ``started(proc)``: told of it."""
    env = {**os.environ, **case.env}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    command = [python, "-m", "course"]
    before = prepare(case, tmp, lambda t: subprocess.run([*command, "exercises", "init", "ws"], cwd=t, env=env,
                                                         capture_output=True, timeout=120))
    def before_exec():
        os.nice(5)
        if case.stdout == "closed":
            os.close(1)
        if case.process == "ulimit":
            import resource
            resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    stdout = {"closed": None, "full": open("/dev/full", "w")}.get(case.stdout, subprocess.PIPE)   # noqa: SIM115
    start = time.monotonic()
    # A session of its own, as a shell's job: Ctrl-C goes to its whole process group, as a terminal sends it,
    # and a hang ends with the group (a child the learner's code forked may hold the pipes).
    proc = subprocess.Popen([*command, *case.argv], cwd=tmp, env=env, stdout=stdout, stderr=subprocess.PIPE,
                            preexec_fn=before_exec, start_new_session=True)
    if started is not None:
        started(proc)
    streams = {name: [] for name in ("out", "err")}
    seen = threading.Event()
    marker = case.signal[1] if case.signal and isinstance(case.signal[1], str) else None
    readers = [threading.Thread(target=_read, args=(pipe, streams[name], marker, seen), daemon=True)
               for name, pipe in (("out", proc.stdout), ("err", proc.stderr)) if pipe is not None]
    for reader in readers:
        reader.start()
    if case.signal:
        if marker is None:
            time.sleep(case.signal[1])
        else:                                      # once the command has printed the marker: at a known moment
            seen.wait(case.timeout)
        _to_group(proc, case.signal[0])
    hung = False
    try:
        proc.wait(timeout=case.timeout)
    except subprocess.TimeoutExpired:
        hung = True
        _to_group(proc, signal.SIGKILL)
        proc.wait()
    for reader in readers:
        reader.join(5)
    output = b"".join(streams["out"]).decode(errors="replace") + b"".join(streams["err"]).decode(errors="replace")
    return Outcome(case, None if hung else proc.returncode, output, "Traceback" in output, hung,
                   lost(case, tmp, before), time.monotonic() - start)


def _read(pipe, lines, marker, seen) -> None:
    for line in iter(pipe.readline, b""):
        lines.append(line)
        if marker is not None and marker.encode() in line:
            seen.set()
    pipe.close()


def _to_group(proc, signum) -> None:
    try:
        os.killpg(proc.pid, signum)
    except ProcessLookupError:
        pass


def table(outcomes) -> list:
    """The catalogue's numbers: tried, tracebacks, hangs, data lost, wrong exit codes (per group and in all)."""
    groups = list(dict.fromkeys(o.case.group for o in outcomes))
    rows = ["| surface | tried | tracebacks | hangs | data lost | wrong exit code |", "|---|---|---|---|---|---|"]
    for group in groups + ["exercise CLI (all)"]:
        mine = [o for o in outcomes if o.case.group == group or group.endswith("(all)")]
        rows.append(f"| {group} | {len(mine)} | {sum(o.traceback for o in mine)} | {sum(o.hung for o in mine)} | "
                    f"{sum(bool(o.lost) for o in mine)} | {sum(o.wrong_exit for o in mine)} |")
    return rows


def link(relative, target):
    def setup(tmp):
        link = tmp / "ws" / relative
        if link.is_dir() and not link.is_symlink():
            import shutil
            shutil.rmtree(link)
        elif link.exists() or link.is_symlink():
            link.unlink()
        link.symlink_to(tmp / target)
    return setup


def put(relative, data):
    def setup(tmp):
        (tmp / relative).write_bytes(data)
    return setup


def outside_unchanged(tmp):
    names = sorted(p.name for p in (tmp / "outside").iterdir())
    return "" if names == ["precious.txt"] else f"outside/ holds {names}"

