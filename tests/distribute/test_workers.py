"""course.distribute.workers: TF_CONFIG, free ports, and worker processes that are stopped when they fail or
take too long (the two-worker training itself runs in the Day 10 lesson's test)."""
import json
import os
import subprocess
import sys

import pytest

from course.distribute import isolation, workers
from tests.helpers import ROOT, descendants


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


def test_workers_past_their_time_limit_are_stopped(tmp_path):
    job = {"dataset": "moons", "config": {"epochs": 1, "logdir": str(tmp_path)}}
    with pytest.raises(workers.WorkerError, match=r"did not finish within 0\.5 s; stopped them"):
        workers.run_workers(job, 2, timeout=0.5)
    assert descendants(os.getpid(), b"course.distribute") == []       # neither the launcher nor a worker is left
    assert list(tmp_path.iterdir()) == []                 # nothing was logged


def test_the_number_of_workers_is_checked():
    for bad in (0, True, 1.5):
        with pytest.raises(ValueError, match="n_workers must be a positive integer"):
            workers.run_workers({}, bad)


def test_a_private_network_has_only_loopback_and_its_ports_exist_nowhere_else():
    """In a fresh process: after private_network() a server bound to 0.0.0.0 (as TensorFlow's is) listens in a
    network of its own, whose only interface is lo; the port is not listening in this test's network."""
    code = ("import socket, json; from course.distribute.isolation import private_network, interfaces, listening; "
            "why = private_network(); s = socket.socket(); s.bind(('0.0.0.0', 0)); s.listen(); "
            "print(json.dumps([why, interfaces(), listening(), s.getsockname()[1]]), flush=True); input()")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    try:
        why, nets, inside, port = json.loads(proc.stdout.readline())
        here = isolation.listening()                                   # read while the other one listens
    finally:
        proc.communicate("\n", timeout=10)
    assert why == "" and nets == ["lo"] and ["0.0.0.0", port] in inside
    assert port not in [p for _, p in here]


def test_without_a_private_network_the_workers_start_only_when_asked(monkeypatch, tmp_path):
    def unavailable(tmp, n, timeout):
        raise workers.IsolationUnavailable("the kernel refused a private network (Operation not permitted)")

    started = []

    def on_the_network(tmp, n, timeout):                           # stands in for the real workers
        started.append(n)
        for i in range(n):
            (tmp / f"worker-{i}.json").write_text(json.dumps({"index": i}))

    monkeypatch.setattr(workers, "_launch_isolated", unavailable)
    monkeypatch.setattr(workers, "supervise", on_the_network)
    with pytest.raises(workers.IsolationUnavailable, match="the kernel refused a private network"):
        workers.run_workers({"config": {}}, 2)
    assert started == []                                               # nothing listened anywhere
    assert workers.run_workers({"config": {}}, 2, network=True) == [{"index": 0, "isolated": False},
                                                                     {"index": 1, "isolated": False}]


def test_the_launcher_says_why_there_is_no_private_network(monkeypatch, tmp_path):
    monkeypatch.setattr(isolation, "private_network", lambda: "network namespaces are a Linux feature, and this is "
                                                              "darwin")
    assert isolation.main([str(tmp_path), "2", "10"]) == isolation.NO_ISOLATION
    assert (tmp_path / "isolation.txt").read_text().endswith("and this is darwin")
