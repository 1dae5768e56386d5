"""Multi-worker training: the same loop in several processes, joined by ``TF_CONFIG``.

Each worker is a process with its own devices. ``TF_CONFIG`` (an environment variable, JSON)
tells it the address of every worker and which one it is; ``MultiWorkerMirroredStrategy`` then
all-reduces the gradients across all of them over the network. Worker 0, the *chief*, also
writes the TensorBoard logs. On several machines each one runs the same command with its own
``index``; here ``run_workers`` starts them all on 127.0.0.1::

    results = run_workers({"dataset": "moons", "hidden": [16, 16], "config": {"epochs": 3}}, n_workers=2)
    results[0]["weights"], results[0]["run_dir"]     # the chief's trained weights and its run

A worker is ``python -m course.distribute.workers JOB.json RESULT.json`` with ``TF_CONFIG`` set.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

STOP_GRACE_S = 5.0      # after terminate(), how long a worker gets before kill()


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


def _tail(path: Path, lines: int = 12) -> str:
    from course.core.runtime import is_chatter   # TensorFlow's start-up notices are not the error
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    kept = [line for line in text.splitlines() if line.strip() and not is_chatter(line)]
    return "\n".join(kept[-lines:])


def _stop(procs) -> None:
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


PORT_CLASH = ("Could not start gRPC server", "Address already in use")   # a port taken meanwhile


def run_workers(job: dict, n_workers: int = 2, *, timeout: float = 300.0, attempts: int = 2) -> list:
    """Start ``n_workers`` processes on 127.0.0.1 running ``job``; return their results, chief first.

    Every worker is stopped when one fails, on ``timeout`` seconds and on Ctrl-C (which then
    goes on). Their output goes to a temporary directory, TensorFlow's chatter with it. A port
    taken by another program between choosing and binding it costs one more ``attempt``.

    Args:
        job: {"dataset", "hidden", "activation", "config": Config fields, "lesson", "name",
            "goal", "hparams"}; the chief logs the run to ``config["logdir"]/lesson/<time>_name``.

    Returns:
        one dict per worker: index, weights (lists), history, seconds (training), run_dir (chief).
    """
    if isinstance(n_workers, bool) or not isinstance(n_workers, int) or n_workers < 1:
        raise ValueError(f"n_workers must be a positive integer, got {n_workers!r}")
    for attempt in range(1, attempts + 1):
        try:
            return _run_once(job, n_workers, timeout)
        except WorkerError as err:
            if attempt == attempts or not any(clue in str(err) for clue in PORT_CLASH):
                raise


def _run_once(job, n_workers, timeout):
    root = str(Path(__file__).resolve().parents[2])   # the directory that holds the course package
    config = dict(job.get("config", {}))
    if "logdir" in config:       # the workers run in `root` (so `-m course.distribute.workers` finds this package)
        config["logdir"] = str(Path(config["logdir"]).resolve())
    job = {**job, "config": config}
    with tempfile.TemporaryDirectory(prefix="course-workers-") as tmp:
        tmp = Path(tmp)
        (tmp / "job.json").write_text(json.dumps(job))
        workers = [f"127.0.0.1:{port}" for port in free_ports(n_workers)]
        procs = []
        try:
            for i in range(n_workers):
                env = {**os.environ, "TF_CONFIG": tf_config(workers, i), "TF_CPP_MIN_LOG_LEVEL": "2",
                       "TF_ENABLE_ONEDNN_OPTS": "0", "CUDA_VISIBLE_DEVICES": "", "MPLBACKEND": "Agg",
                       "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
                       "COURSE_PARENT_PID": str(os.getpid())}
                with open(tmp / f"worker-{i}.out", "wb") as out, open(tmp / f"worker-{i}.err", "wb") as err:
                    # its own session: Ctrl-C in the terminal reaches only us, and we stop the workers
                    procs.append(subprocess.Popen(
                        [sys.executable, "-m", "course.distribute.workers", str(tmp / "job.json"),
                         str(tmp / f"worker-{i}.json")], stdout=out, stderr=err, env=env, cwd=root,
                        stdin=subprocess.DEVNULL, start_new_session=True))
            deadline = time.monotonic() + timeout
            while True:
                failed = [i for i, p in enumerate(procs) if p.poll() not in (None, 0)]
                if failed:
                    i = failed[0]
                    raise WorkerError(f"worker {i} failed (exit status {procs[i].returncode}):\n"
                                      + _tail(tmp / f"worker-{i}.err"))
                if all(p.returncode == 0 for p in procs):
                    break
                if time.monotonic() > deadline:
                    raise WorkerError(f"the workers did not finish within {timeout:g} s; stopped them")
                time.sleep(0.05)
        finally:
            _stop(procs)
        missing = [i for i in range(n_workers) if not (tmp / f"worker-{i}.json").is_file()]
        if missing:
            raise WorkerError(f"worker {missing[0]} exited without writing its result:\n"
                              + _tail(tmp / f"worker-{missing[0]}.err"))
        return [json.loads((tmp / f"worker-{i}.json").read_text()) for i in range(n_workers)]


def _exit_with_parent() -> None:
    """A worker whose parent is gone (killed, crashed) exits instead of waiting for peers forever."""
    parent = int(os.environ.get("COURSE_PARENT_PID", "0"))

    def watch():
        while True:
            if parent and os.getppid() != parent:
                os._exit(3)
            time.sleep(0.5)

    threading.Thread(target=watch, daemon=True).start()


def worker_main(argv=None) -> int:
    """One worker: read the job, join the cluster of ``TF_CONFIG``, train, write the result JSON."""
    job_path, result_path = argv if argv is not None else sys.argv[1:3]
    _exit_with_parent()
    from course.engine.signals import Terminated

    def terminated(signum, frame):      # SIGTERM from the lesson: the chief closes its logs first
        raise Terminated(signum)

    signal.signal(signal.SIGTERM, terminated)
    try:
        return _work(job_path, result_path)
    except Terminated:
        return 128 + signal.SIGTERM


def _work(job_path, result_path) -> int:
    from course.core.runtime import tf
    strategy = tf.distribute.MultiWorkerMirroredStrategy()   # first, before any other TensorFlow op
    from course.core import datasets, models
    from course.core.config import Config
    from course.engine.loop import fit
    from course.runs.experiment import train_and_log

    job = json.loads(Path(job_path).read_text())
    config = Config(**job.get("config", {}))
    ds = datasets.load(job.get("dataset", "moons"), seed=config.seed)
    hidden, activation = tuple(job.get("hidden", (16, 16))), job.get("activation", "relu")
    with strategy.scope():                    # mirrored variables, kept equal across every worker
        if ds.n_classes == 2:
            model = models.mlp(ds.n_features, hidden=hidden, activation=activation, seed=config.seed)
        else:
            model = models.softmax_classifier(ds.n_features, ds.n_classes, hidden=hidden, seed=config.seed)
    index = strategy.cluster_resolver.task_id
    start = time.perf_counter()
    run_dir = ""
    if index == 0:                            # the chief logs; the others train the same steps quietly
        run = train_and_log(model, ds, config, lesson=job.get("lesson", "multiworker"),
                            name=job.get("name", "workers"), goal=job.get("goal", ""),
                            hparams={**job.get("hparams", {}), "workers": strategy.num_replicas_in_sync})
        history, run_dir = run.history, str(run.run_dir)
    else:
        history = fit(model, ds, config)
    seconds = time.perf_counter() - start
    Path(result_path).write_text(json.dumps({
        "index": index, "replicas": strategy.num_replicas_in_sync, "seconds": seconds, "run_dir": run_dir,
        "weights": [w.tolist() for w in model.get_weights()],
        "history": {"loss": history.loss, "accuracy": history.accuracy, "val_loss": history.val_loss,
                    "val_accuracy": history.val_accuracy, "steps": history.steps, "stopped": history.stopped}}))
    return 0


if __name__ == "__main__":
    sys.exit(worker_main())
