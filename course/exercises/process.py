"""The checker's side of the worker process: started once per command (again only after one died or was
killed), asked one thing at a time, each answer awaited until a deadline the checker keeps.

    with LearnerProcess() as worker:
        reply = worker.ask({"op": "load", ...}, seconds=2.0)      # TimedOut, Ended or Garbled otherwise

On a time-out the worker's whole process group is killed (a loop, a thread that never ends, a child it
started) and the next request starts a fresh worker. No signal is used for the deadline: the learner's
code cannot disarm it. The worker's output goes nowhere (its prints are captured per call), so nothing
it writes can reach the checker's terminal or the protocol.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from course.exercises import wire

COURSE_ROOT = str(Path(__file__).resolve().parents[2])    # the directory that holds the `course` package
STARTUP = 60.0         # seconds a worker may take to start (a loaded machine; it takes a tenth of a second)
BOOT = ("import sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; sys.path.insert(0, sys.argv[1]); "
        "from course.exercises.worker import main; sys.exit(main(sys.argv[2:]))")


class WorkerFault(Exception):
    """The worker gave no usable answer: ``kind`` says how (timeout, ended, garbled), ``detail`` more."""

    def __init__(self, kind: str, detail: str = "", returncode=None):
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail, self.returncode = kind, detail, returncode


class LearnerProcess:
    """One worker at a time; ``ask`` starts one when there is none."""

    def __init__(self, env: dict | None = None):
        self.proc, self.env, self.started, self.stderr, self.closed, self.loads = None, env, 0, None, False, 0
        self.tensorflow = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def start(self) -> None:
        """Start a worker now (it takes a tenth of a second: call it early, it loads while the checker reads)."""
        if self.proc is not None:
            return
        if self.closed:
            raise WorkerFault("ended", "the checker was closed")
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        self._close_stderr()
        self.stderr = tempfile.TemporaryFile()
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", BOOT, COURSE_ROOT, str(to_worker_r), str(from_worker_w)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.stderr,
                pass_fds=(to_worker_r, from_worker_w), start_new_session=True, close_fds=True,
                env={**os.environ, **(self.env or {})})
        finally:
            os.close(to_worker_r)
            os.close(from_worker_w)
        self.wfd, self.rfd = to_worker_w, from_worker_r
        self.started, self.loads = self.started + 1, 0      # loads: files this worker has run
        self.ready, self.tensorflow = False, False           # tensorflow: loaded in this worker (by the course)

    def ask(self, message: dict, seconds: float) -> dict:
        """Send ``message``, return the answer; WorkerFault when none comes within ``seconds`` (counted once the
        worker is up: its start-up is not the learner's time)."""
        self.start()
        self.wait_ready()
        deadline = time.monotonic() + seconds
        self.send(message, deadline)
        return self.next(deadline)

    def send(self, message: dict, deadline: float) -> None:
        """Send ``message`` to a worker that is up (started now if there is none); WorkerFault if it cannot take it."""
        self.start()
        self.wait_ready()
        try:
            wire.send(self.wfd, message, deadline)
        except EOFError:
            raise self._fault("ended") from None
        except wire.Deadline:
            raise self._fault("timeout") from None

    def wait_ready(self) -> None:
        """The worker's first word: it is up. Dying before it is the course's failure, never the learner's."""
        if self.ready:
            return
        try:
            self.ready = self.next(time.monotonic() + STARTUP) == {"ready": True}
        except WorkerFault as fault:
            raise WorkerFault("broken", fault.detail or self._last_words(), fault.returncode) from None
        if not self.ready:
            raise self._fault("broken", "its first message was not the expected one")

    def next(self, deadline: float) -> dict:
        """The worker's next message (one of a stream, as --train sends them)."""
        try:
            answer = wire.receive(self.rfd, deadline)
        except wire.Deadline:
            raise self._fault("timeout") from None
        except EOFError:
            raise self._fault("ended") from None
        except wire.WireError as err:
            raise self._fault("garbled", str(err)) from None
        if not isinstance(answer, dict):
            raise self._fault("garbled", "not a message")
        return answer

    def _fault(self, kind: str, detail: str = "") -> WorkerFault:
        code = self.kill(wait=0.5 if kind == "ended" else 0.0)
        return WorkerFault(kind, detail or (self._last_words() if kind == "ended" else ""), code)

    def _last_words(self) -> str:
        """The last line the worker wrote on its standard error (Python's "Fatal Python error: ..." after a crash)."""
        if self.stderr is None:
            return ""
        try:
            self.stderr.seek(0, os.SEEK_END)
            self.stderr.seek(max(0, self.stderr.tell() - 2000))
            lines = self.stderr.read().decode("utf-8", "replace").strip().splitlines()
            return lines[-1][:200] if lines else ""
        except (OSError, ValueError):
            return ""

    def signal(self, signum: int) -> None:
        """Send ``signum`` to the worker alone (SIGTERM: let --train close its logs)."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.proc.send_signal(signum)
            except ProcessLookupError:
                pass

    def kill(self, wait: float = 0.0):
        """End the worker and everything in its process group; its exit status (a signal as -N), None if unknown.
        ``wait``: seconds to let a worker that is exiting by itself finish first."""
        if self.proc is None:
            return None
        proc, self.proc = self.proc, None
        if wait:
            try:
                proc.wait(wait)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        proc.wait()
        for fd in (self.rfd, self.wfd):
            try:
                os.close(fd)
            except OSError:
                pass
        return proc.returncode

    def _close_stderr(self) -> None:
        if self.stderr is not None:
            self.stderr.close()
            self.stderr = None

    def close(self) -> None:
        """End the worker; no other one starts after this."""
        self.closed = True
        self.kill()
        self._close_stderr()
