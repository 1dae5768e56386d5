"""Checking a learner's exercise: seeded cases against the oracle, a diagnosis of what is wrong, no traceback.

    with Checker() as checker:                       # one worker process for the whole command
        result = checker.check_file(EXERCISES["day3.sgd_step"], "/abs/course-exercises/day3/sgd_step.py")
    result.passed, result.status, print(result.report())

The checker reads the file's bytes; the worker process (``course.exercises.worker``) compiles them as Python
reads a file, runs them, and calls the function on each case the checker sends; the checker compares what
came back with the oracle and diagnoses it (``verdicts``, ``locate``). Whatever the learner's code does
(exit, loop, hang a thread, disarm a signal, patch the course's modules) it does in the worker: the
checker keeps the time-outs and the verdicts. An untouched starter is "not implemented yet" without
being run. ``check_function`` checks a function in this process (a notebook's), with the same verdicts.
"""
from __future__ import annotations

import functools
import os
import signal
import stat
import threading
import time

from course.exercises import calls, verdicts, wire
from course.exercises.process import LearnerProcess, WorkerFault
from course.exercises.references import made, reference
from course.exercises.result import Result
from course.exercises.texts import untouched

MAX_SOURCE = 1 << 20       # bytes of a learner's file
COURSE_TIME = 300.0        # seconds the course's own work in the worker may take (TensorFlow's import, a reference)


def read_source(exercise, path):
    """The file's bytes, or a failed Result: missing, not a regular file (a FIFO, a device), unreadable, too big."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as err:
        return Result(exercise, "error", f"cannot read {path}: {err.strerror or err}", diagnosis="missing_file")
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return Result(exercise, "error", f"cannot read {path}: not a regular file", diagnosis="missing_file")
        data = os.read(fd, MAX_SOURCE + 1)
    except OSError as err:
        return Result(exercise, "error", f"cannot read {path}: {err.strerror or err}", diagnosis="missing_file")
    finally:
        os.close(fd)
    if len(data) > MAX_SOURCE:
        return Result(exercise, "error", f"{path} is over {MAX_SOURCE >> 20} MB: is it the right file?",
                      diagnosis="missing_file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Result(exercise, "error", "Python cannot read this file: it is saved as UTF-16, and Python reads "
                      "source files as UTF-8", ["    save it as UTF-8 (your editor's encoding setting)"],
                      diagnosis="encoding")
    return data


class Checker:
    """Checks exercises with one worker process (started on first need, again only after one ended).

    A TensorFlow exercise's right answers come from the course's own function, driven in a worker before any
    learner code has run there (``prepare``, or a fresh worker); they are kept in ``references``, which
    checkers may share (a class graded learner by learner)."""

    def __init__(self, process: LearnerProcess | None = None, seed: int = 0, references: dict | None = None):
        self.process = process if process is not None else LearnerProcess()
        self.seed = seed
        self.references = references if references is not None else {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self) -> None:
        self.process.close()

    def prepare(self, exercises_and_paths) -> None:
        """The right answers of the TensorFlow exercises about to be checked (those written in), computed before
        any learner code runs: then a learner's file cannot change them."""
        for exercise, path in exercises_and_paths:
            key = (exercise.id, self.seed)
            if exercise.reference_in_worker and key not in self.references:
                source = read_source(exercise, path)
                if isinstance(source, bytes) and not untouched(exercise, source):
                    self._reference(exercise)

    def _reference(self, exercise):
        """The oracle's outputs per case (a list), or a Result saying the course could not compute them."""
        key = (exercise.id, self.seed)
        if key not in self.references:
            if self.process.proc is not None and self.process.loads > 0:
                self.process.kill()           # a worker no learner code has run in
            try:
                reply = self.process.ask({"op": "reference", "exercise": exercise.id, "seed": self.seed}, COURSE_TIME)
                if "expected" not in reply:
                    raise WorkerFault("garbled", str(reply.get("error", "no answer")))
                self.process.tensorflow = True
                self.references[key] = wire.decode(reply["expected"])
            except (WorkerFault, wire.WireError) as err:
                return Result(exercise, "error", "the course could not compute this exercise's right answers: this "
                              "is the course's fault, not your code's", [f"    {err}"], diagnosis="worker")
        return self.references[key]

    def check_file(self, exercise, path) -> Result:
        """The verdict on the learner's file at ``path`` (absolute)."""
        source = read_source(exercise, path)
        if isinstance(source, Result):
            return source
        if untouched(exercise, source):
            return verdicts.not_implemented(exercise)
        expected = self._reference(exercise) if exercise.reference_in_worker else None
        if isinstance(expected, Result):
            return expected
        shared = self.process.proc is not None and self.process.loads > 0
        result = self._run(exercise, path, source, expected)
        if shared and result.diagnosis in ("exit", "signal", "channel") and result.status == "error" and \
                self.process.proc is None:
            # The worker ended while it held other exercises' code too (a thread of theirs may have ended it):
            # this exercise gets a worker of its own before it is blamed.
            result = self._run(exercise, path, source, expected)
        return result

    def _tensorflow(self) -> None:
        """TensorFlow loaded in the worker, on the course's time: the learner's ``import tensorflow`` is then free."""
        if not self.process.tensorflow:
            self.process.ask({"op": "tensorflow"}, COURSE_TIME)
            self.process.tensorflow = True

    def _run(self, exercise, path, source: bytes, expected=None) -> Result:
        message = {"op": "load", "key": exercise.id, "path": str(path), "source": wire.encode(source),
                   "function": exercise.function}
        try:
            self.process.start()
            if exercise.tensorflow:
                self._tensorflow()
        except WorkerFault as fault:
            return verdicts.fault(exercise, WorkerFault("broken", fault.detail or fault.kind), loading=True)
        try:
            self.process.loads += 1
            reply = self.process.ask(message, exercise.seconds)
            if "error" in reply:
                return verdicts.load_error(exercise, _record(wire.decode(reply["error"])))
        except (WorkerFault, wire.WireError) as err:
            return self._fault(exercise, err, loading=True)
        cases = exercise.seeded_cases(self.seed)
        deadline = time.monotonic() + exercise.seconds
        for i, case in enumerate(cases):
            try:
                message = {"op": "call", "key": exercise.id, "kwargs": wire.encode(case),
                           "to_data": wire.encode(exercise.to_data), "drive": wire.encode(exercise.drive)}
                reply = self.process.ask(message, max(deadline - time.monotonic(), 0.001))
                record = _record(wire.decode(reply.get("record")))
            except (WorkerFault, wire.WireError) as err:
                return self._fault(exercise, err, loading=False)
            result = verdicts.judge(exercise, case, record, None if expected is None else expected[i])
            if result is not None:
                return result
        return verdicts.passed(exercise, cases)

    def _fault(self, exercise, err, loading):
        if isinstance(err, wire.WireError):              # a message that decoded to nonsense: the worker goes
            self.process.kill()
            err = WorkerFault("garbled", str(err))
        return verdicts.fault(exercise, err, loading)


def _record(data) -> dict:
    """A record from the worker, its fields of the types the verdicts read (anything else: WireError)."""
    if not isinstance(data, dict):
        raise wire.WireError("a record that is not a dict")
    for key, kind in (("error", (dict, type(None))), ("after", (dict, type(None))), ("locals", (dict, type(None))),
                      ("printed", (str, type(None))), ("frames", (list, type(None)))):
        if not isinstance(data.get(key), kind):
            raise wire.WireError(f"a record whose {key} is {type(data.get(key)).__name__}")
    error = data.get("error")
    if error is not None:
        _record(error)
        frames = error.get("frames") or []
        if not all(isinstance(f, list) and len(f) == 3 for f in frames):
            raise wire.WireError("a record with malformed frames")
    shapes = data.get("locals") or {}
    if not all(isinstance(v, list) and len(v) == 2 and isinstance(v[0], list) for v in shapes.values()):
        raise wire.WireError("a record with malformed locals")
    return data


# --- in this process, for a notebook ------------------------------------------------------------------

class TimedOut(BaseException):
    """The learner's code ran past its time (a BaseException: a learner's ``except Exception`` cannot hide it)."""


class _Deadline:
    """SIGALRM after ``seconds``, in the main thread only (elsewhere, a notebook's thread: no time limit)."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def __enter__(self):
        self.armed = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
        if self.armed:
            self.previous = signal.signal(signal.SIGALRM, self._expire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    @staticmethod
    def _expire(signum, frame):
        raise TimedOut()

    def __exit__(self, *exc):
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        return False


@functools.lru_cache(maxsize=64)
def _reference(exercise, seed):
    """The course's outputs for a TensorFlow exercise, computed once in this process (a notebook checks again)."""
    return reference(exercise, seed)


def check_function(exercise, function, *, filename: str = "", seed: int = 0) -> Result:
    """Check ``function`` in this process (a notebook's function, with the same verdicts as ``course check``).

    Unlike ``course check`` nothing contains it: a function that exits or disarms SIGALRM does so here, in
    the notebook's own process; the time-out (SIGALRM) works in the main thread only.
    """
    path = filename or getattr(getattr(function, "__code__", None), "co_filename", "")
    cases = exercise.seeded_cases(seed)
    expected = _reference(exercise, seed) if exercise.reference_in_worker else [None] * len(cases)
    try:
        with _Deadline(exercise.seconds):
            for case, right in zip(cases, expected):
                record = calls.call(function, made(case), path, passthrough=(TimedOut, KeyboardInterrupt),
                                    to_data=exercise.to_data, drive=exercise.drive)
                result = verdicts.judge(exercise, case, record, right)
                if result is not None:
                    return result
    except TimedOut:
        return verdicts.fault(exercise, WorkerFault("timeout"), loading=False)
    return verdicts.passed(exercise, cases)
