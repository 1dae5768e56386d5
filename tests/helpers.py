"""Helpers the tests share: reading TensorBoard event files back, and running Python in a fresh process.

    from tests.helpers import read_events, ROOT
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def read_events(directory):
    """All tensor summaries under ``directory``, read by TensorBoard's own EventAccumulator:
    {tag: [(step, value ndarray), ...]}, every event kept (not a reservoir sample)."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.util import tensor_util

    acc = EventAccumulator(str(directory), size_guidance={"tensors": 0})   # 0 = keep all, not a sample
    acc.Reload()
    return {tag: [(e.step, tensor_util.make_ndarray(e.tensor_proto)) for e in acc.Tensors(tag)]
            for tag in acc.Tags()["tensors"]}


def scalars(events, tag):
    """[(step, float)] of one scalar tag of ``read_events``' result."""
    return [(step, float(value)) for step, value in events[tag]]


def text(events, tag, index=0):
    """The Markdown text logged under ``tag`` (the ``index``-th event)."""
    return events[tag][index][1].item().decode()


def event_files(directory):
    """The TensorBoard event files directly in ``directory``."""
    return sorted(Path(directory).glob("events.out.tfevents.*"))


def python(*args, env=None, timeout=180, nice=False, **kwargs):
    """Run ``python *args`` in a fresh process from the repository root; the CompletedProcess. ``nice``: at a
    lower priority (a background job, ``Background``)."""
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})}, timeout=timeout,
                          preexec_fn=_lower_priority if nice else None, **kwargs)


def _lower_priority():
    """The scheduler's idle class: the process runs on what the other processes leave (else: nice 19)."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(19)


# --- fresh processes, run beside the in-process tests ------------------------------------------------------

class Background:
    """Jobs that need a fresh process (signals, exit statuses, what importing prints), started as soon as the
    tests are collected (``conftest.py``) so that they run beside the in-process tests instead of one after
    another. A test marks its job with ``@pytest.mark.fresh_process(job)`` and takes the job's result with
    ``BACKGROUND.result(job)`` (which starts it then, if it was not started yet).

    A job is a function of no arguments; it makes its own temporary directory (``job_dir``) and starts its
    processes with ``popen`` or ``python`` (``nice=True``): in the scheduler's idle class, so that they take
    the CPU the in-process tests leave idle, and registered, so that none outlives the session.
    """

    def __init__(self, workers=1):
        import concurrent.futures
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fresh-process")
        self.futures, self.processes, self.dirs = {}, [], []

    def start(self, job):
        if job not in self.futures:
            self.futures[job] = self.pool.submit(job)
        return self.futures[job]

    def result(self, job, timeout=600):
        return self.start(job).result(timeout)

    def popen(self, *args, **kwargs):
        proc = subprocess.Popen(*args, preexec_fn=_lower_priority, **kwargs)
        self.processes.append(proc)
        return proc

    def job_dir(self, name):
        import tempfile
        path = Path(tempfile.mkdtemp(prefix=f"course-test-{name}-"))
        self.dirs.append(path)
        return path

    def close(self):
        """Kill what is still running (an interrupted session), wait for the jobs, remove their directories."""
        import shutil
        for proc in self.processes:
            if proc.poll() is None:
                proc.kill()
        self.pool.shutdown(wait=True, cancel_futures=True)
        for path in self.dirs:
            shutil.rmtree(path, ignore_errors=True)


BACKGROUND = Background()


def fresh_process(*jobs):
    """``@fresh_process(job, ...)``: the test reads these jobs' results; they start right after collection."""
    import pytest
    return pytest.mark.fresh_process.with_args(*jobs)
