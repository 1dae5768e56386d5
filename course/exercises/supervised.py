"""``course check EXERCISE --train``, the checker's side: the worker trains (``learner_training``), the checker
prints what it reports, keeps a time limit on every call of the learner's function, and stops it at once
on Ctrl-C. TensorFlow loads in the worker only.

    code = train(process, exercise, path, source, logdir="logs", print_fn=print)   # 0, 1 or 74

A function that raises, loops, exits or returns NaN at any step is blamed at that step, at the
learner's own line; the exit status is then 1.
"""
from __future__ import annotations

import errno
import signal
import threading
import time

from course.exercises import wire
from course.exercises.process import WorkerFault
from course.exercises.result import show
from course.exercises.verdicts import raised

COURSE_LIMIT = 600.0     # seconds the course's own part may go without a word (TensorFlow's import, a compile)


def train(process, exercise, path, source: bytes, *, logdir, seed=0, print_fn=print, shown_logdir=None) -> int:
    """Train ``exercise``'s model with the learner's file in the worker; the exit status. ``shown_logdir``:
    the runs' directory as the learner named it (the worker is given an absolute one)."""
    message = {"op": "train", "exercise": exercise.id, "path": str(path), "source": wire.encode(source),
               "logdir": str(logdir), "seed": seed}
    call = None
    try:
        try:
            process.send(message, time.monotonic() + COURSE_LIMIT)
        except WorkerFault as fault:
            return _lost(exercise, fault, None, print_fn)
        while True:
            limit = exercise.seconds if call else COURSE_LIMIT
            try:
                event = process.next(time.monotonic() + limit)
            except WorkerFault as fault:
                return _lost(exercise, fault, call, print_fn)
            kind = event.get("event")
            if kind == "line":
                print_fn(str(event.get("text", "")))
            elif kind == "call":
                call = event
            elif kind == "returned":
                call = None
            elif kind == "fault":
                return _fault(exercise, wire.decode(event.get("fault")), print_fn)
            elif kind == "done":
                return done(event, print_fn, shown_logdir)
            else:
                print_fn(f"Training stopped: the worker said {kind!r}.")
                return 1
    except KeyboardInterrupt:
        _stop(process, print_fn)
        raise


def _at(call) -> str:
    return f" at step {call.get('step')} (call {call.get('n')} of your function)" if call else ""


def _lost(exercise, fault, call, print_fn) -> int:
    if fault.kind == "broken":
        print_fn(f"Stopped: the course's worker process could not start ({fault.detail}); nothing was trained")
    elif fault.kind == "timeout" and call:
        print_fn(f"FAIL    {exercise.id}: your function did not return within {exercise.seconds:g} s{_at(call)}: it "
                 "was stopped, and the training with it (an endless loop on some inputs?)")
    elif fault.kind == "timeout":
        print_fn(f"FAIL    {exercise.id}: the training made no progress for {COURSE_LIMIT:g} s and was stopped")
    else:
        how = (f"exit status {fault.returncode}" if isinstance(fault.returncode, int) and fault.returncode >= 0
               else f"signal {-fault.returncode}" if isinstance(fault.returncode, int) else "a broken channel")
        print_fn(f"FAIL    {exercise.id}: the process running your code ended ({how}){_at(call)}: an exit or a "
                 "crash in your code? Nothing more was trained")
    return 1


def _fault(exercise, record, print_fn) -> int:
    if not isinstance(record, dict):
        print_fn(f"FAIL    {exercise.id}: the process running your code sent something unreadable")
        return 1
    kind, step = record.get("kind"), record.get("step")
    where = f" at step {step}" + (f" ({record['variable']})" if record.get("variable") else "")
    if kind == "load":
        print_fn(f"FAIL    {exercise.id}: your file did not load for the training: "
                 f"{raised(exercise, record.get('error') or {}, {}).summary}")
    elif kind == "exception":
        result = raised(exercise, record.get("error") or {}, {})
        print_fn(f"FAIL    {exercise.id}: {result.summary}{where}, call {record.get('call')} of your function")
        for line in result.details:
            print_fn(line)
    elif kind == "not_finite":
        print_fn(f"FAIL    {exercise.id}: your {exercise.function} returned a {record.get('output')} that is not "
                 f"finite (in float32, as Keras keeps the weights){where}, call {record.get('call')}: "
                 f"{show(record.get('value'))}")
        print_fn("        the training stopped there; what it logged until then stays in TensorBoard")
    elif kind == "diverged":
        print_fn(f"FAIL    {exercise.id}: the training with your {exercise.function} diverged at step {step}: the loss "
                 "or a gradient stopped being finite, while the course's own rule trains this model from the same "
                 "start: look at what your function returns as the steps go on")
    elif kind == "disk":
        number = record.get("errno")
        what = {errno.EFBIG: "a file reached the size limit of this shell (ulimit -f)",
                errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up"}.get(
            number, str(record.get("message")))
        print_fn(f"Stopped: {what}, writing {record.get('filename')}. What was logged before stays readable in "
                 "TensorBoard; free some space, or use another --logdir.")
        return 74 if number in (errno.EFBIG, errno.ENOSPC, errno.EDQUOT) else 1
    else:
        print_fn(f"FAIL    {exercise.id}: the training stopped ({kind})")
    return 1


def done(event, print_fn, shown_logdir=None) -> int:
    """Print the end of a training (the "done" event): the two runs' last losses, how their curves lie on one
    chart, where they are; 0."""
    steps, compared = event.get("steps"), event.get("compared")
    if compared:
        print_fn(f"  batch loss after {steps} steps: yours {event['yours']:.6f}, the course's {event['course']:.6f}; "
                 f"largest difference over the {compared} steps {event['gap']:.1e}")
        print_fn(coincide(event["gap"], max(abs(event["yours"]), abs(event["course"]))))
    else:
        print_fn("  no step was taken")
    runs = shown_logdir or event.get("runs")
    print_fn(f"\nBoth runs are in {runs}; their loss curves overlay in TensorBoard:")
    print_fn(f"  course tensorboard --logdir {runs}")
    return 0


def coincide(gap: float, size: float) -> str:
    """What the two loss curves look like on one chart, from their largest difference ``gap`` (``size``: the
    losses' size, for float32's precision)."""
    if gap == 0:
        return ("  The two loss curves coincide exactly, step for step: TensorBoard draws yours on top of the "
                "course's, so you see one line. batch_loss_difference (yours minus the course's) is 0 at every step.")
    if gap <= 1e-6 * max(size, 1.0):
        return (f"  The two loss curves coincide to float32 precision (they differ by {gap:.1e} at most): on the chart "
                "they lie on top of each other, one line. batch_loss_difference shows yours minus the course's.")
    return (f"  The two loss curves differ by up to {gap:.1e}: batch_loss_difference shows yours minus the course's, "
            "step by step.")


def _stop(process, print_fn, grace: float = 1.0) -> None:
    """Ctrl-C: SIGTERM lets the worker close its logs; a second later its process group is killed, whatever
    the learner's function is doing. A second Ctrl-C meanwhile changes nothing."""
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        process.signal(signal.SIGTERM)
        end = time.monotonic() + grace
        while time.monotonic() < end:
            try:
                event = process.next(end)
            except WorkerFault:
                break
            if event.get("event") == "line":
                print_fn(str(event.get("text", "")))
            elif event.get("event") in ("stopped", "done", "fault"):
                break
        process.kill()
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)
