"""Helpers the tests share: reading TensorBoard event files back, and running Python in a fresh process.

    from tests.helpers import read_events, ROOT
"""
from __future__ import annotations

import os
import re
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


def descendants(root, marker):
    """The processes below ``root`` (at any depth) whose command line holds ``marker`` (bytes)."""
    parents, lines = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            lines[int(stat.parent.name)] = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue

    def below(pid):
        while pid in parents and pid > 1:
            pid = parents[pid]
            if pid == root:
                return True
        return False

    return [pid for pid, line in lines.items() if marker in line and below(pid)]


# --- fresh processes, run beside the in-process tests ------------------------------------------------------

class Background:
    """Jobs that need a fresh process (signals, exit statuses, what importing prints), started as soon as the
    tests are collected (``conftest.py``) so that they run beside the in-process tests instead of one after
    another. A test marks its job with ``@pytest.mark.fresh_process(job)`` and takes the job's result with
    ``BACKGROUND.result(job)`` (which starts it then, if it was not started yet).

    A job is a function of no arguments; it makes its own temporary directory (``job_dir``) and starts its
    processes with ``popen`` or ``python`` (``nice=True``): in the scheduler's idle class, so that they take
    the CPU the in-process tests leave idle, and registered, so that none outlives the session. Two jobs run at
    a time: the in-process tests leave a core idle while they wait (time-outs, a worker loading TensorFlow),
    and the second job takes it (the suite 234 -> 219 s, paired runs on 2 cores).
    """

    def __init__(self, workers=2):
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


# --- the printed update lines, checked as a calculator would -------------------------------------------------

_NUM = r"\(?(-?[0-9.]+(?:e[-+]?[0-9]+)?)\)?"
_SGD_LINE = re.compile(rf"^\s+(\S+\[[0-9,]+\]): {_NUM} - {_NUM} x {_NUM} = {_NUM}$")
_ADAM_FIRST = re.compile(rf"^\s+(\S+\[[0-9,]+\]): g = {_NUM};  m = 0\.9 x {_NUM} \+ 0\.1 x g = {_NUM};  "
                         rf"v = 0\.999 x {_NUM} \+ 0\.001 x g\^2 = {_NUM}$")
_ADAM_SECOND = re.compile(rf"^\s+m_hat = m / {_NUM} = {_NUM};  v_hat = v / {_NUM} = {_NUM};  "
                          rf"step = {_NUM} x m_hat / \(sqrt\(v_hat\) \+ {_NUM}\) = {_NUM};  "
                          rf"w = {_NUM} - {_NUM} = {_NUM}$")


def _places(text):
    """Half a unit in the last printed digit of ``text`` (a number as printed)."""
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 0.5 * 10.0 ** (-decimals + (int(exponent) if exponent else 0))


def sgd_lines_hold(out):
    """Every printed ``name[i]: before - lr x (gradient) = after`` line of ``out``, checked as a calculator
    would: ``before - lr * gradient`` from the printed numbers, rounded as ``after`` is printed, is ``after``.
    Returns how many lines there were."""
    count = 0
    for line in out.splitlines():
        match = _SGD_LINE.match(line)
        if match:
            name, *texts = match.groups()
            before, lr, grad, after = (float(t) for t in texts)
            if "e" in texts[3].lower():       # e-notation (a rate far too large): to the printed digits
                slack = _places(texts[0]) + lr * _places(texts[2]) + _places(texts[3]) + 1e-12
                assert abs(before - lr * grad - after) <= slack, line
            else:                             # as a calculator does it: the printed numbers, rounded as printed
                places = len(texts[3].partition(".")[2])
                assert float(f"{before - lr * grad:.{places}f}") == after, line      # -0.0000 reads as 0.0000
            count += 1
    return count


def adam_lines_hold(out, lr):
    """Every printed Adam update (two lines per parameter) of ``out``, checked with Keras's constants: m, v,
    the bias corrections 1 - float32(0.9)^t and 1 - float32(0.999)^t, m_hat, v_hat, epsilon 1e-7 / sqrt(1 -
    0.999^t), the step and the new weight, each to its printed digits. Returns how many parameters."""
    import numpy as np
    lines, count = out.splitlines(), 0
    for first, second in zip(lines, lines[1:]):
        head, tail = _ADAM_FIRST.match(first), _ADAM_SECOND.match(second)
        if not head:
            continue
        assert tail, second
        g, m0, m, v0, v = (float(t) for t in head.groups()[1:])
        c1, m_hat, c2, v_hat, step_lr, eps, step, w0, step_again, w1 = (float(t) for t in tail.groups())
        rel = 2e-5                                                     # six significant digits, twice
        assert m == pytest_approx(0.9 * m0 + 0.1 * g, rel, 1e-12) and v == pytest_approx(0.999 * v0 + 0.001 * g * g,
                                                                                            rel, 1e-15), first
        t = round(np.log(1 - c1) / np.log(0.9))                        # the step number the correction names
        assert (f"{c1:.9g}", f"{c2:.9g}") == tuple(f"{c:.9g}" for c in kerass_adam_corrections(t)), second
        assert m_hat == pytest_approx(m / c1, rel, 1e-12) and v_hat == pytest_approx(v / c2, rel, 1e-15), second
        assert eps == pytest_approx(1e-7 / np.sqrt(c2), 1e-4, 0) and step_lr == lr, second
        assert step == pytest_approx(lr * m_hat / (np.sqrt(v_hat) + eps), rel, 1e-12) and step_again == step, second
        tail_texts, head_texts = tail.groups(), head.groups()
        # as a calculator would: the printed inputs, rounded as the result is printed
        assert f"{0.9 * m0 + 0.1 * g:.6g}" == head_texts[3] and f"{0.999 * v0 + 0.001 * g * g:.6g}" == head_texts[5], first
        places = len(tail_texts[9].partition(".")[2])
        assert float(f"{w0 - step:.{places}f}") == w1, second
        count += 1
    return count


def kerass_adam_corrections(t):
    """(1 - beta_1^t, 1 - beta_2^t) computed by Keras's own ops as its Adam does: float32 betas and step."""
    from course.core.runtime import keras
    ops, step = keras.ops, keras.ops.cast(t, "float32")
    return tuple(float(1 - ops.power(ops.cast(beta, "float32"), step)) for beta in (0.9, 0.999))


CLAIM_OPS = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, "<": lambda a, b: a < b}


def check_claim(request, name, value, op, bound, failed):
    """Assert ``value op bound``; with ``--claims-file FILE``, append the claim to FILE as a JSON line (test,
    claim, value, op, bound, seed, oneDNN setting) for benchmarks/seed_margins.py and, if it fails, add it to
    ``failed`` instead of raising (the ``claim`` fixture fails the test at its end)."""
    import json
    value, bound = float(value), float(bound)
    path = request.config.getoption("--claims-file")
    if path:
        row = {"test": request.node.nodeid, "claim": name, "value": value, "op": op, "bound": bound,
               "seed": request.config.getoption("--trained-seed"),
               "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "0")}
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(row) + "\n")
        if not CLAIM_OPS[op](value, bound):
            failed.append(f"{name}: {value!r} {op} {bound!r}")
        return
    assert CLAIM_OPS[op](value, bound), f"{name}: {value!r} {op} {bound!r} does not hold"


def pytest_approx(expected, rel, abs_):
    import pytest
    return pytest.approx(expected, rel=rel, abs=abs_)


def step_record(before, grads, after, names, lr=0.1, optimizer="sgd"):
    """A ``StepRecord`` of step 1 (epoch 1, batch 1 of 5, loss 0.69314, gradient norm 0.5) with these weights."""
    from course.engine.records import StepRecord
    return StepRecord(step=1, epoch=1, batch=1, batches_per_epoch=5, loss=0.69314, grad_norm=0.5,
                      names=names, before=before, grads=grads, after=after, learning_rate=lr,
                      optimizer=optimizer)


# --- a learner's exercise files ---------------------------------------------------------------------------------

def learner_text(exercise_id, body, prelude=""):
    """The starter of ``exercise_id`` with its body replaced by ``body`` (what a learner types, indented for the
    function) and ``prelude`` after its ``import numpy as np`` (code at the top of the file)."""
    import textwrap

    from course.exercises import EXERCISES
    from course.exercises.texts import NOT_WRITTEN, starter_text
    exercise = EXERCISES[exercise_id]
    marker = "    " + NOT_WRITTEN.format(function=exercise.function) + "\n"
    starter = starter_text(exercise)
    assert marker in starter
    text = starter.replace(marker, textwrap.indent(textwrap.dedent(body).strip() + "\n", "    "))
    return text.replace("import numpy as np\n", "import numpy as np\n" + prelude, 1)
