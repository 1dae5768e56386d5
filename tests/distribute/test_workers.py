"""course.distribute.workers: TF_CONFIG, free ports, and worker processes that are stopped when they fail or
take too long (the two-worker training itself runs in the Day 10 lesson's test)."""
import json
import os
from pathlib import Path

import pytest

from course.distribute import workers


def test_tf_config_names_every_worker_and_this_one():
    cluster = ["10.0.0.1:12345", "10.0.0.2:12345"]
    assert json.loads(workers.tf_config(cluster, 1)) == {
        "cluster": {"worker": cluster}, "task": {"type": "worker", "index": 1}}
    assert workers.tf_config(cluster, 1) == ('{"cluster": {"worker": ["10.0.0.1:12345", "10.0.0.2:12345"]}, '
                                             '"task": {"type": "worker", "index": 1}}')
    for bad in (2, -1, "0"):
        with pytest.raises(ValueError, match=r"index must be 0 \.\. 1, got "):
            workers.tf_config(cluster, bad)


def test_free_ports_are_distinct_and_bindable():
    import socket
    ports = workers.free_ports(3)
    assert len(set(ports)) == 3 and all(1024 <= p < 65536 for p in ports)
    for port in ports:
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))                 # free a moment ago, free now


def _children():
    """Processes started by this one that run course.distribute.workers."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and b"course.distribute.workers" in cmdline:
            found.append(stat.parent.name)
    return found


def test_workers_past_their_time_limit_are_stopped(tmp_path):
    job = {"dataset": "moons", "config": {"epochs": 1, "logdir": str(tmp_path)}}
    with pytest.raises(workers.WorkerError, match=r"did not finish within 0\.5 s; stopped them"):
        workers.run_workers(job, 2, timeout=0.5)
    assert _children() == []
    assert list(tmp_path.iterdir()) == []                 # nothing was logged


def test_the_number_of_workers_is_checked():
    for bad in (0, True, 1.5):
        with pytest.raises(ValueError, match="n_workers must be a positive integer"):
            workers.run_workers({}, bad)
