"""``course check EXERCISE --train``, the worker's side: the learner's function trained in the course's Keras
loop (``train``), every call of it reported to the checker as it starts and ends, so that the checker
keeps a time limit per call and can stop everything at once (``supervised`` is the checker's side).

    {"event": "line", "text": ...}                   a line the training printed
    {"event": "call", "n": 6, "step": 3} / {"event": "returned"}     around each call of the learner's function
    {"event": "fault", "fault": {...}}               what the learner's function did: raised, not finite, diverged
    {"event": "done", ...} / {"event": "stopped"}    the end: the two runs' numbers, or after SIGTERM
"""
from __future__ import annotations

import signal

import numpy as np

from course.exercises import EXERCISES, calls, wire
from course.exercises.exercise import as_outputs


RETURNS = {"step": ("loss",), "epoch": ("losses",), "logged": ("step",)}   # a TensorFlow exercise's, in training


class _Guard:
    """Calls the learner's function for the training loop: reported, contained, its outputs checked."""

    def __init__(self, exercise, path, send):
        self.exercise, self.path, self.send, self.n = exercise, path, send, 0
        self.outputs = RETURNS.get(exercise.train, exercise.outputs)

    def __call__(self, function, kwargs, where):
        from course.exercises.train import LearnerFault
        self.n += 1
        self.send({"event": "call", "n": self.n, "step": int(where.get("step", 0))})
        record = calls.call(function, kwargs, self.path)
        self.send({"event": "returned"})
        place = {"step": int(where.get("step", 0)), "call": self.n, "variable": str(where.get("variable", ""))}
        if record["error"]:
            raise LearnerFault({"kind": "exception", "error": record["error"], **place})
        outputs = (record["value"],) if len(self.outputs) == 1 else as_outputs(self.exercise, record["value"])
        for name, value in zip(self.outputs, outputs):
            try:
                finite = bool(np.all(np.isfinite(np.asarray(value, dtype=np.float32))))
            except (TypeError, ValueError):
                finite = False
            if not finite:
                raise LearnerFault({"kind": "not_finite", "output": name, "value": value, **place})
        return outputs if len(self.outputs) > 1 else outputs[0]


def train(worker, message: dict) -> None:
    """Answer a "train" request: load the file, train with it, send the events (see the module's docstring)."""
    exercise = EXERCISES[message["exercise"]]
    path = message["path"]
    function, error = calls.load(path, wire.decode(message["source"]), exercise.function)
    if error is not None:
        worker.send({"event": "fault", "fault": wire.encode({"kind": "load", "error": error})})
        return
    from course.engine.signals import Terminated, raise_terminated
    signal.signal(signal.SIGTERM, raise_terminated)    # the checker's SIGTERM: the writers close, then it ends

    def print_fn(text=""):
        text = str(text)
        if not text.startswith("Stopped early: "):     # a run that diverged: the checker blames the function
            worker.send({"event": "line", "text": text})

    from course.exercises.train import LearnerFault
    try:
        runs = trainer(exercise)(exercise, function, logdir=message["logdir"], seed=int(message.get("seed", 0)),
                                 print_fn=print_fn, call=_Guard(exercise, path, worker.send))
    except LearnerFault as fault:
        worker.send({"event": "fault", "fault": wire.encode(fault.record)})
        return
    except Terminated:
        worker.send({"event": "stopped"})
        return
    except OSError as err:                              # a full disk, a file-size limit: the logs were closed
        worker.send({"event": "fault", "fault": {"kind": "disk", "errno": err.errno or 0,
                                                  "message": err.strerror or str(err), "filename": str(err.filename)}})
        return
    worker.send({"event": "done", **summary(runs)})


def trainer(exercise):
    """The function that trains ``exercise``'s model with a learner's function: ``train_exercise`` (NumPy update
    rules and gradients) or ``train_tensorflow_exercise`` (a step, an epoch, a logged epoch)."""
    if exercise.train in RETURNS:
        from course.exercises.tftrain import train_tensorflow_exercise
        return train_tensorflow_exercise
    from course.exercises.train import train_exercise
    return train_exercise


def summary(runs) -> dict:
    """The two runs' numbers (the "done" event's): the steps, the last losses, the largest difference, where they
    are."""
    yours, course = (np.asarray(runs[key].metrics["step_losses"], np.float64) for key in ("yours", "course"))
    steps = min(len(yours), len(course))
    last = {key: float(losses[-1]) if len(losses) else None for key, losses in (("yours", yours), ("course", course))}
    return {"steps": len(course), "compared": steps, **last,
            "gap": float(np.max(np.abs(yours[:steps] - course[:steps]))) if steps else None,
            "runs": str(runs["yours"].run_dir.parent)}
