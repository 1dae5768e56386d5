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

import dataclasses
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from course.distribute.cluster import (ROOT, STOP_GRACE_S, IsolationUnavailable, WorkerError, environment,
                                       free_ports, stop, supervise, tail, tf_config)
from course.distribute.isolation import NO_ISOLATION, watch_parent

__all__ = ["run_workers", "worker_main", "WorkerError", "IsolationUnavailable", "tf_config", "free_ports"]

PORT_CLASH = ("Could not start gRPC server", "Address already in use")   # a port taken meanwhile


def run_workers(job: dict, n_workers: int = 2, *, timeout: float = 300.0, attempts: int = 2,
                network: bool = False) -> list:
    """Start ``n_workers`` processes on 127.0.0.1 running ``job``; return their results, chief first.

    Every worker is stopped when one fails, on ``timeout`` seconds and on Ctrl-C (which then
    goes on). Their output goes to a temporary directory, TensorFlow's chatter with it.

    TensorFlow's worker servers listen on every interface, so the workers run in a private network that
    holds only a loopback interface (``course.distribute.isolation``, Linux). Where that cannot be made,
    ``IsolationUnavailable`` is raised, unless ``network`` is True: then they run on this machine's network
    as TensorFlow starts them (each result says ``"isolated": False``: tell the user), and a port taken by
    another program between choosing and binding it costs one more ``attempt``.

    Args:
        job: {"dataset", "hidden", "activation", "config": Config fields, "lesson", "name",
            "goal", "hparams"}; the chief logs the run to ``config["logdir"]/lesson/<time>_name``.

    Returns:
        one dict per worker: index, weights (lists), history, seconds (training), run_dir (chief), isolated
        (True when it ran in a private network).
    """
    if isinstance(n_workers, bool) or not isinstance(n_workers, int) or n_workers < 1:
        raise ValueError(f"n_workers must be a positive integer, got {n_workers!r}")
    isolated, failed = True, 0
    while True:
        try:
            return _run_once(job, n_workers, timeout, isolated)
        except IsolationUnavailable:
            if not network:
                raise
            isolated = False                   # asked for: on this machine's network, as TensorFlow starts them
        except WorkerError as err:
            failed += 1
            if failed >= attempts or not any(clue in str(err) for clue in PORT_CLASH):
                raise


def _run_once(job, n_workers, timeout, isolated):
    config = dict(job.get("config", {}))
    if "logdir" in config:       # the workers run in ROOT (so `-m course.distribute.workers` finds this package)
        config["logdir"] = str(Path(config["logdir"]).resolve())
    job = {**job, "config": config}
    with tempfile.TemporaryDirectory(prefix="course-workers-") as tmp:
        tmp = Path(tmp)
        (tmp / "job.json").write_text(json.dumps(job))
        if isolated:
            _launch_isolated(tmp, n_workers, timeout)
        else:
            supervise(tmp, n_workers, timeout)
        missing = [i for i in range(n_workers) if not (tmp / f"worker-{i}.json").is_file()]
        if missing:
            raise WorkerError(f"worker {missing[0]} exited without writing its result:\n"
                              + tail(tmp / f"worker-{missing[0]}.err"))
        return [{**json.loads((tmp / f"worker-{i}.json").read_text()), "isolated": isolated} for i in range(n_workers)]


def _launch_isolated(tmp, n_workers, timeout):
    """The launcher (``course.distribute.isolation``) in its own session: it makes the private network and
    supervises the workers there; stopped with them on Ctrl-C."""
    env = {**environment(), "COURSE_PARENT_PID": str(os.getpid())}
    with open(tmp / "launcher.err", "wb") as err:
        launcher = subprocess.Popen([sys.executable, "-m", "course.distribute.isolation", str(tmp), str(n_workers),
                                     str(timeout)], stdout=err, stderr=err, env=env, cwd=ROOT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        code = launcher.wait(timeout=timeout + 2 * STOP_GRACE_S + 30)
    except subprocess.TimeoutExpired:
        code = None
    finally:
        stop([launcher])             # Ctrl-C or a time-out: it stops its workers on SIGTERM
    if code == 0:
        return
    if code == NO_ISOLATION:
        raise IsolationUnavailable((tmp / "isolation.txt").read_text())
    message = (tmp / "launcher.txt").read_text() if (tmp / "launcher.txt").exists() else (
        f"the workers' launcher failed (exit status {code}):\n" + tail(tmp / "launcher.err") if code is not None
        else f"the workers did not finish within {timeout:g} s; stopped them")
    raise WorkerError(message)


USAGE = ("usage: python -m course.distribute.workers JOB.json RESULT.json   (with TF_CONFIG naming every worker "
         "and this one's index; see the README's Day 10 section)")


def worker_main(argv=None) -> int:
    """One worker: read the job, join the cluster of ``TF_CONFIG``, train, write the result JSON. Exit status 2,
    with one line, for arguments or a job it cannot use."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if len(argv) != 2:
        print(USAGE, file=sys.stderr)
        return 2
    job_path, result_path = argv
    try:
        job = json.loads(Path(job_path).read_text(encoding="utf-8"))
        if not isinstance(job, dict) or not isinstance(job.get("config", {}), dict):
            raise ValueError("it must hold a JSON object, with a \"config\" object of Config fields")
        from course.core.config import Config
        Config(**job.get("config", {}))                     # its fields checked before TensorFlow starts
    except (OSError, ValueError, TypeError) as err:
        print(f"course.distribute.workers: error: the job {job_path}: {err}", file=sys.stderr)
        return 2
    watch_parent()                      # a worker whose launcher is gone exits instead of waiting for its peers
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
                    "val_accuracy": history.val_accuracy, "steps": history.steps,
                    "stop": dataclasses.asdict(history.stop) if history.stop is not None else None}}))
    return 0


if __name__ == "__main__":
    sys.exit(worker_main())
