"""A TensorBoard event file of one run split, written from Python with TensorBoard's own protobuf classes.

Everything ``fit`` reports reaches the host anyway, once an epoch, as NumPy arrays: every step's
loss, accuracy and gradient norm (for small models every parameter and gradient entry too), the
epoch's metrics, the weights and the last gradients. Writing them from there costs microseconds a
step: each step's ``Event`` is a cached ``event_pb2`` template (one ``Summary.Value`` per tag) whose
step, time and numbers are filled in, then serialised and appended as a TFRecord. Summary ops inside
the compiled epoch would cost more than a tiny model's training.

Text, images (PNG bytes), histograms, ready-made ``Summary`` protos (hparams, the custom-scalars
layout) and the graph of the training step go through the same file: a run split holds one event
file, opened again for appending when a figure joins a finished run.

    events = EventFile(run_dir / "train")
    events.scalars(1, [[0.69, 0.1], [0.65, 0.09]], ["batch_loss", "gradient_norm"])   # steps 1, 2
    events.histograms(2, {"weights/output": histogram_buckets(w)})
    events.images(2, {"snapshots/decision_boundary": [png_bytes]})
    events.close()
"""
from __future__ import annotations

import contextlib
import errno
import itertools
import os
import socket
import time
from pathlib import Path

import numpy as np
from tensorboard.compat.proto import event_pb2, summary_pb2, types_pb2

from course.tensorboard.values import (histogram_buckets, histogram_value, image_value,  # noqa: F401 (re-exported)
                                       metadata, text_value)

_FILE_NUMBERS = itertools.count()
SUFFIX = ".course.v2"     # the course's event files end so; one per split directory


def _check_step(step) -> int:
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step < 0:
        raise ValueError(f"step must be an integer >= 0, got {step!r}")
    return int(step)


class _Appending:
    """TFRecords appended to an existing event file, framed by TensorBoard's own ``RecordWriter``."""

    def __init__(self, path):
        from tensorboard.summary.writer.record_writer import RecordWriter
        self._file = open(path, "ab")
        self._records = RecordWriter(self._file)

    def write(self, data: bytes) -> None:
        self._records.write(data)

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        self._file.close()


class EventFile:
    """The TensorBoard event file of one run split (``<run_dir>/train``, ``/validation``, or the run itself).

    Args:
        directory: the split's directory; created if missing. If it holds a course event file
            already (a finished run that a figure joins), that file is appended to: one file a split.
        whole: write a new file under a hidden name and give it its real name when it is closed, so that it is
            there whole or not at all (the run's hyperparameters: a run killed at once leaves no empty file).
    """

    FLUSH_SECONDS = 2.0     # a TensorBoard open beside a training run sees new steps this often

    def __init__(self, directory, *, whole: bool = False):
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        existing = sorted(directory.glob(f"events.out.tfevents.*{SUFFIX}"))
        now = time.time()
        self._final = None
        if existing and not whole:
            self.path, self._writer = existing[-1], _Appending(existing[-1])
        else:
            from course.core.runtime import tf    # TensorFlow's C++ writer: the framing and CRCs, fast
            name = (f"events.out.tfevents.{int(now)}.{socket.gethostname()}.{os.getpid()}"
                    f".{next(_FILE_NUMBERS)}{SUFFIX}")
            self.path = directory / (f".{name}.partial" if whole else name)
            self._final = directory / name if whole else None
            self._writer = tf.io.TFRecordWriter(str(self.path))
            self._writer.write(event_pb2.Event(wall_time=now, file_version="brain.Event:2").SerializeToString())
        self._templates = {}
        self._last_time = self._last_flush = now
        self.closed = False

    def _template(self, tags: tuple) -> event_pb2.Event:
        """An Event holding one float32 scalar per tag (the scalars plugin's form), built once per tag list."""
        if tags not in self._templates:
            event = event_pb2.Event()
            for tag in tags:
                value = event.summary.value.add(tag=tag, metadata=metadata("scalars", tag))
                value.tensor.dtype = types_pb2.DT_FLOAT
                value.tensor.tensor_shape.SetInParent()      # shape []: a scalar
                value.tensor.float_val.append(0.0)
            self._templates[tags] = event
        return self._templates[tags]

    def scalars(self, first_step: int, rows, tags, *, steps=None) -> None:
        """One event per row: step ``first_step + i`` (or ``steps[i]``) holds ``rows[i, j]`` under ``tags[j]``.

        Wall times are spread evenly since the previous write (the steps ran in one compiled call).
        """
        first_step = _check_step(first_step)
        event = self._template(tuple(tags))
        values = list(event.summary.value)
        rows = np.asarray(rows, dtype=np.float32).reshape(-1, len(values))
        now = time.time()
        steps = range(first_step, first_step + len(rows)) if steps is None else [_check_step(s) for s in steps]
        for i, (step, row) in enumerate(zip(steps, rows.tolist())):
            event.step = step
            event.wall_time = self._last_time + (now - self._last_time) * (i + 1) / len(rows)
            for value, number in zip(values, row):
                value.tensor.float_val[0] = number
            self._write(event.SerializeToString())
        self._after_write(now)

    def histograms(self, step: int, buckets: dict) -> None:
        """One event at ``step`` holding a histogram per tag: ``{tag: (k, 3) buckets}``."""
        self.summary(step, summary_pb2.Summary(value=[histogram_value(t, b) for t, b in buckets.items()]))

    def images(self, step: int, images: dict, descriptions: dict | None = None) -> None:
        """One event at ``step``: ``{tag: [png bytes, ...]}`` (several PNGs of one size = samples)."""
        descriptions = descriptions or {}
        values = [image_value(tag, pngs, descriptions.get(tag, "")) for tag, pngs in images.items()]
        self.summary(step, summary_pb2.Summary(value=values))

    def text(self, step: int, tag: str, text: str) -> None:
        """Markdown text (tables render) under ``tag`` at ``step``."""
        self.summary(step, summary_pb2.Summary(value=[text_value(tag, text)]))

    def summary(self, step: int, summary) -> None:
        """A ready-made ``Summary`` proto (e.g. from the hparams or custom-scalars plugins) at ``step``."""
        if not isinstance(summary, summary_pb2.Summary):   # TensorFlow's own class of the same message
            summary = summary_pb2.Summary.FromString(summary.SerializeToString())
        now = time.time()
        self._write(event_pb2.Event(wall_time=now, step=_check_step(step), summary=summary).SerializeToString())
        self._after_write(now)

    def graph(self, graph_def) -> None:
        """A ``GraphDef`` (proto or bytes) for the Graphs dashboard."""
        data = graph_def if isinstance(graph_def, bytes) else graph_def.SerializeToString()
        now = time.time()
        self._write(event_pb2.Event(wall_time=now, graph_def=data).SerializeToString())
        self._after_write(now)

    def _write(self, data: bytes) -> None:
        if self.closed:
            raise ValueError(f"the event file {self.path} is closed")
        try:                                  # no context manager entered on this path: it runs once a step
            self._writer.write(data)
        except Exception as err:
            raise _oserror(err, self.path) from None

    def _after_write(self, now):
        self._last_time = now
        if now - self._last_flush >= self.FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        if not self.closed:
            with _as_oserror(self.path):
                self._writer.flush()
        self._last_flush = time.time()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            with _as_oserror(self.path):
                self._writer.close()
            if self._final is not None:            # whole: now under its real name, in one step
                os.replace(self.path, self._final)
                self.path = self._final


@contextlib.contextmanager
def _as_oserror(path):
    """Errors of TensorFlow's writer as ``_oserror`` makes them."""
    try:
        yield
    except Exception as err:
        raise _oserror(err, path) from None


def _oserror(err, path):
    """TensorFlow's writer reports a full disk (or a file-size limit) as its own error (a tf.errors.OpError):
    that as an OSError with the errno its text names (EIO when it names none). Any other error stays itself."""
    from course.core.runtime import tf    # already loaded: the writer is TensorFlow's

    if not isinstance(err, tf.errors.OpError):
        return err
    text = " ".join(str(err).split())
    lower = text.lower()
    code = (errno.EFBIG if "too large" in lower else errno.ENOSPC if "space" in lower or "quota" in lower
            else errno.EIO)
    return OSError(code, f"{os.strerror(code)} ({type(err).__name__}: {text[:120]})", str(path))
