"""TensorBoard scalar events built in Python, for the per-step series of a run.

A run's per-step scalars (``batch_loss``, ``batch_accuracy``, ``gradient_norm`` and, for small
models, every parameter and gradient entry) reach the host anyway, once an epoch, as NumPy arrays.
Writing them from there costs microseconds a step; writing them from inside the compiled epoch
costs ops, a loop and string encoding that, for a 3-weight perceptron, add up to more than the
training. So ``StepEventFile`` writes them itself: one event per step holding every tag, appended
as TFRecords (the event file format) to a file of its own in the run's ``train`` directory, beside
the file of TensorFlow's summary writer. TensorBoard reads every event file of a run directory.

    events = StepEventFile(run_dir / "train", ["batch_loss", "gradient_norm"])
    events.write(first_step=1, rows=np.array([[0.69, 0.1], [0.65, 0.09]]))   # steps 1 and 2
    events.close()
"""
from __future__ import annotations

import itertools
import os
import socket
import struct
import time
from pathlib import Path

import numpy as np

from tensorboard.plugins.scalar import metadata as scalar_metadata

from course.runtime import tf

_FILE_NUMBERS = itertools.count()


def _varint(n: int) -> bytes:
    out = b""
    while True:
        byte, n = n & 0x7F, n >> 7
        if not n:
            return out + bytes([byte])
        out += bytes([byte | 0x80])


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def scalar_value_prefix(tag: str) -> bytes:
    """The bytes of a ``Summary.Value`` holding one float32 scalar, all but the value's 4 bytes.

    Summary.Value{tag: 1, metadata: 9 (the scalars plugin), tensor: 8 = TensorProto{dtype: DT_FLOAT,
    tensor_shape: [], float_val: [x]}}, as field 1 of a ``Summary``. Appending the 4 little-endian
    bytes of x completes it; several concatenated are one ``Summary`` with several tags.
    """
    metadata = scalar_metadata.create_summary_metadata(tag, "").SerializeToString()
    tensor = b"\x08\x01" + b"\x12\x00" + b"\x2a\x04"          # dtype FLOAT, shape [], float_val: 4 bytes follow
    value = _field(1, tag.encode()) + _field(9, metadata) + _varint(8 << 3 | 2) + _varint(len(tensor) + 4) + tensor
    return _varint(1 << 3 | 2) + _varint(len(value) + 4) + value


def scalar_event(step: int, wall_time: float, prefixes, values) -> bytes:
    """A serialized ``Event`` at ``step`` whose summary holds ``values[i]`` under ``prefixes[i]``'s tag."""
    raw = np.asarray(values, dtype="<f4").tobytes()                # protobuf floats are little-endian
    summary = b"".join(p + raw[4 * i:4 * i + 4] for i, p in enumerate(prefixes))
    # Event{wall_time: 1 (double), step: 2 (varint), summary: 5}
    return b"\x09" + struct.pack("<d", wall_time) + b"\x10" + _varint(int(step)) + _field(5, summary)


class StepEventFile:
    """Per-step scalars of one run, appended from Python to an event file of their own.

    Args:
        directory: the run's split directory (``<run_dir>/train``); created if missing.
        tags: the scalar tags, one per column of the rows given to ``write``.
    """

    FLUSH_SECONDS = 2.0     # a TensorBoard open beside a training run sees new steps this often

    def __init__(self, directory, tags):
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        name = (f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}.{os.getpid()}"
                f".{next(_FILE_NUMBERS)}.steps.v2")
        self.path = directory / name
        self.tags = list(tags)
        self._prefix = {tag: scalar_value_prefix(tag) for tag in self.tags}
        self._writer = tf.io.TFRecordWriter(str(self.path))      # the framing and CRCs of an event file
        now = time.time()
        self._writer.write(b"\x09" + struct.pack("<d", now) + _field(3, b"brain.Event:2"))   # file_version
        self._last_time = self._last_flush = now

    def write(self, first_step: int, rows, tags=None) -> None:
        """One event per row: step ``first_step + i`` holds ``rows[i, j]`` under ``tags[j]``.

        ``tags``: a subset of the file's tags, in the rows' column order (default: all of them).
        Wall times are spread evenly since the previous write (the steps ran in one compiled call).
        """
        prefixes = [self._prefix[tag] for tag in (self.tags if tags is None else tags)]
        rows = np.asarray(rows, dtype=np.float32).reshape(-1, len(prefixes))
        now = time.time()
        for i, row in enumerate(rows):
            wall = self._last_time + (now - self._last_time) * (i + 1) / len(rows)
            self._writer.write(scalar_event(first_step + i, wall, prefixes, row))
        self._last_time = now
        if now - self._last_flush >= self.FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        self._writer.flush()
        self._last_flush = time.time()

    def close(self) -> None:
        self._writer.close()
