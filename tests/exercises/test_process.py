"""The worker process: started once and reused, killed with its whole process group (a child it started, a thread
that never ends) on a time-out, restarted for the next request, never started again once closed."""
import os
import time

import pytest

from course.exercises import wire
from course.exercises.process import LearnerProcess, WorkerFault


def load(worker, tmp_path, source, seconds=2.0):
    path = tmp_path / "learner.py"
    path.write_text(source)
    return worker.ask({"op": "load", "key": "k", "path": str(path), "source": wire.encode(path.read_bytes()),
                       "function": "f"}, seconds)


def call(worker, seconds=2.0, **kwargs):
    return wire.decode(worker.ask({"op": "call", "key": "k", "kwargs": wire.encode(kwargs)}, seconds)["record"])


def running_in_group(pgid):
    """The processes of group ``pgid`` still running (a zombie whose parent has not reaped it has ended)."""
    running = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            running.append(int(pid))
    return running


def test_one_worker_answers_request_after_request(tmp_path):
    with LearnerProcess() as worker:
        for k in range(3):
            assert load(worker, tmp_path, f"def f(x):\n    print('hi')\n    return x + {k}\n") == {"ok": True}
            record = call(worker, x=1)
            assert (record["value"], record["printed"], record["error"]) == (1 + k, "hi\n", None)
        assert worker.started == 1


def test_a_time_out_kills_the_whole_group_and_the_next_request_gets_a_fresh_worker(tmp_path):
    with LearnerProcess() as worker:
        source = ("import os, threading, time\n"
                  "def f():\n"
                  "    pid = os.fork()\n"
                  "    if pid == 0:\n"
                  "        while True: time.sleep(1)\n"
                  "    threading.Thread(target=lambda: time.sleep(1000)).start()\n"
                  "    print(pid)\n"
                  "    while True: pass\n")
        assert load(worker, tmp_path, source) == {"ok": True}
        first = worker.proc.pid
        start = time.monotonic()
        with pytest.raises(WorkerFault) as fault:
            call(worker, seconds=0.5)
        assert fault.value.kind == "timeout" and time.monotonic() - start < 10    # its time-out, not a hang
        for _ in range(50):                         # SIGKILL reaches the group at once; the kernel may take a moment
            if not running_in_group(first):
                break
            time.sleep(0.05)
        assert running_in_group(first) == []        # the worker, and the child it forked, with it
        assert load(worker, tmp_path, "def f():\n    return 1\n") == {"ok": True} and worker.proc.pid != first


def test_an_exit_is_seen_with_its_status_and_a_closed_worker_never_starts_again(tmp_path):
    worker = LearnerProcess()
    with pytest.raises(WorkerFault) as fault:
        load(worker, tmp_path, "import os\nos._exit(5)\n")
    assert (fault.value.kind, fault.value.returncode) == ("ended", 5)
    worker.close()
    with pytest.raises(WorkerFault, match="closed"):
        load(worker, tmp_path, "def f():\n    return 1\n")


def test_a_learner_who_writes_into_the_channel_gets_a_fault_not_a_crash(tmp_path):
    with LearnerProcess() as worker:
        with pytest.raises(WorkerFault) as fault:
            load(worker, tmp_path, "import os\nfor fd in range(3, 64):\n    try:\n        os.write(fd, b'\\x00' * 7 + "
                                   "b'\\x05nope!')\n    except OSError:\n        pass\n")
        assert fault.value.kind in ("garbled", "ended")
        assert load(worker, tmp_path, "def f():\n    return 2\n") == {"ok": True} and call(worker)["value"] == 2
