"""The worker processes of one machine: their ``TF_CONFIG``, their ports, their start, their end.

``supervise`` starts the N workers of a job on 127.0.0.1 and waits for them: every one is stopped when one
fails, when the time is up and on Ctrl-C. ``course.distribute.workers.run_workers`` calls it inside a private
network (``course.distribute.isolation``), or, when asked, on this machine's own network.

    supervise(Path(tmp), 2, timeout=300)     # tmp holds job.json; the workers write worker-0.json ...
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

STOP_GRACE_S = 5.0      # after terminate(), how long a worker gets before kill()
ROOT = str(Path(__file__).resolve().parents[2])   # the directory that holds the course package


def tf_config(workers: list, index: int) -> str:
    """The ``TF_CONFIG`` of worker ``index`` in a cluster of ``workers`` ("host:port" each).

    Example:
        >>> tf_config(["10.0.0.1:12345", "10.0.0.2:12345"], 1)
        '{"cluster": {"worker": ["10.0.0.1:12345", "10.0.0.2:12345"]}, "task": {"type": "worker", "index": 1}}'
    """
    if not isinstance(index, int) or not 0 <= index < len(workers):
        raise ValueError(f"index must be 0 .. {len(workers) - 1}, got {index!r}")
    return json.dumps({"cluster": {"worker": list(workers)}, "task": {"type": "worker", "index": index}})


def free_ports(n: int) -> list:
    """``n`` distinct ports on 127.0.0.1 that were free a moment ago.

    Another program could take one before a worker binds it (TensorFlow's server will not share
    a port); ``run_workers`` then tries again with new ports.
    """
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class WorkerError(RuntimeError):
    """A worker failed or timed out; the message ends with the end of its error output."""


class IsolationUnavailable(WorkerError):
    """This machine cannot give the workers a network of their own (``course.distribute.isolation``), and
    ``run_workers`` was not asked to let their servers on the network."""


def tail(path: Path, lines: int = 12) -> str:
    """The last lines of a worker's error output, TensorFlow's start-up notices left out."""
    from course.core.runtime import is_chatter   # (imports TensorFlow: only once a worker has failed)
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    kept = [line for line in text.splitlines() if line.strip() and not is_chatter(line)]
    return "\n".join(kept[-lines:])


def stop(procs) -> None:
    """Terminate every worker still running, then kill what has not stopped after ``STOP_GRACE_S``."""
    for p in procs:
        if p.poll() is None:
            p.terminate()
    deadline = time.monotonic() + STOP_GRACE_S
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def environment() -> dict:
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0", "CUDA_VISIBLE_DEVICES": "",
            "MPLBACKEND": "Agg", "PYTHONPATH": os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))}


def supervise(tmp: Path, n_workers: int, timeout: float) -> None:
    """Start the ``n_workers`` workers of the job in ``tmp`` on 127.0.0.1 and wait for them: every one is
    stopped when one fails, on ``timeout`` and on Ctrl-C or SIGTERM. Their process ids go to ``tmp/pids``."""
    workers = [f"127.0.0.1:{port}" for port in free_ports(n_workers)]
    procs = []
    try:
        for i in range(n_workers):
            env = {**environment(), "TF_CONFIG": tf_config(workers, i), "COURSE_PARENT_PID": str(os.getpid())}
            with open(tmp / f"worker-{i}.out", "wb") as out, open(tmp / f"worker-{i}.err", "wb") as err:
                # its own session: Ctrl-C in the terminal reaches only us, and we stop the workers
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "course.distribute.workers", str(tmp / "job.json"),
                     str(tmp / f"worker-{i}.json")], stdout=out, stderr=err, env=env, cwd=ROOT,
                    stdin=subprocess.DEVNULL, start_new_session=True))
        (tmp / "pids").write_text(" ".join(str(p.pid) for p in procs))
        deadline = time.monotonic() + timeout
        while True:
            failed = [i for i, p in enumerate(procs) if p.poll() not in (None, 0)]
            if failed:
                i = failed[0]
                raise WorkerError(f"worker {i} failed (exit status {procs[i].returncode}):\n"
                                  + tail(tmp / f"worker-{i}.err"))
            if all(p.returncode == 0 for p in procs):
                break
            if time.monotonic() > deadline:
                raise WorkerError(f"the workers did not finish within {timeout:g} s; stopped them")
            time.sleep(0.05)
    finally:
        stop(procs)
