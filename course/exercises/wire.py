"""What the checker and the learner's worker process say to each other: plain values as JSON, in frames.

    send(fd, {"op": "call", "kwargs": {"w": np.ones(2)}}, deadline)      # 8-byte length, then JSON
    message = receive(fd, deadline)                                    # WireError: not a message

Only data crosses: None, booleans, numbers (NaN, inf and complex kept), strings, bytes, lists, tuples,
dicts and NumPy arrays of numbers (their bytes, dtype and shape), and a description of anything else.
No pickle: whatever the worker sends is read as data and nothing in it can run in the checker. A
function the course passes to the learner's code (``day6.numerical_gradient``'s ``f``) travels as the
name of a course function and is looked up only in the worker (``refs=True``); an input the checker cannot
hold as data (a Keras model, for an exercise that takes one) travels as ``Build(course_function, **kwargs)``,
made in the worker, so the checker never imports TensorFlow for it.
"""
from __future__ import annotations

import base64
import errno
import importlib
import json
import os
import select
import time

import numpy as np

MAX_FRAME = 64 << 20          # bytes of one message
MAX_ARRAY = 1 << 20           # entries of an array sent with its values (a larger one: its shape and dtype)
MAX_TEXT = 4000               # characters of a string or a description
MAX_ITEMS = 10_000            # entries of a list, tuple or dict
MAX_DEPTH = 12


class WireError(ValueError):
    """A frame that is not a message of this protocol (the other side wrote something else, or went away)."""


class Deadline(Exception):
    """The other side did not answer in time."""


# --- values ---------------------------------------------------------------------------------------------

def encode(value, depth: int = 0):
    """``value`` as JSON-ready data (see the module's docstring)."""
    if depth > MAX_DEPTH:
        return {"$": "other", "type": type(value).__name__, "repr": "(nested too deep)"}
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):      # a lone surrogate (a learner may print one) becomes its escape
        return value[:MAX_TEXT].encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, (np.ndarray, np.generic)) and np.asarray(value).dtype.kind in "biufc":
        array = np.asarray(value)           # (before int and float: np.float64 is a float, and keeps its dtype)
        data = None if array.size > MAX_ARRAY else base64.b64encode(np.ascontiguousarray(array).tobytes()).decode()
        return {"$": "array" if isinstance(value, np.ndarray) else "scalar", "dtype": array.dtype.str,
                "shape": list(array.shape), "data": data}
    if isinstance(value, int):
        return int(value) if abs(value) < 1 << 53 else {"$": "bigint", "text": str(int(value))[:MAX_TEXT]}
    if isinstance(value, float):
        return float(value) if np.isfinite(value) else {"$": "float", "text": repr(float(value))}
    if isinstance(value, complex):
        return {"$": "complex", "re": encode(float(value.real)), "im": encode(float(value.imag))}
    if isinstance(value, (bytes, bytearray)):
        return {"$": "bytes", "data": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, (list, tuple)):
        items = [encode(v, depth + 1) for v in value[:MAX_ITEMS]]
        return items if isinstance(value, list) else {"$": "tuple", "items": items}
    if isinstance(value, dict):
        return {"$": "dict", "items": [[encode(k, depth + 1), encode(v, depth + 1)]
                                       for k, v in list(value.items())[:MAX_ITEMS]]}
    if isinstance(value, Build):
        return {"$": "build", "function": encode(value.function), "kwargs": encode(value.kwargs, depth + 1)}
    if callable(value) and getattr(value, "__module__", "").startswith("course.") and "<" not in value.__qualname__:
        return {"$": "ref", "module": value.__module__, "name": value.__qualname__}
    return {"$": "other", "type": _type_name(value), "repr": _short_repr(value)}


def _type_name(value) -> str:
    kind = type(value)                    # a learner's own class by its name; a library's with its module
    own = kind.__module__ == "builtins" or kind.__module__.startswith("exercise_")
    return kind.__qualname__ if own else f"{kind.__module__}.{kind.__qualname__}"


def _short_repr(value) -> str:
    try:
        return repr(value)[:200]
    except Exception:  # noqa: BLE001 - a learner's __repr__ may raise anything: the description says so
        return "(its repr raised an error)"


def decode(data, *, refs: bool = False, depth: int = 0):
    """The value ``encode`` described; WireError for anything else. ``refs``: look course functions up (the
    worker only)."""
    if depth > MAX_DEPTH + 2:
        raise WireError("nested too deep")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(v, refs=refs, depth=depth + 1) for v in data]
    if not isinstance(data, dict) or not isinstance(data.get("$"), str):
        raise WireError(f"not a value: {type(data).__name__}")
    tag = data["$"]
    try:
        if tag == "float":
            return float(data["text"])
        if tag == "bigint":
            return int(data["text"])
        if tag == "complex":
            return complex(decode(data["re"]), decode(data["im"]))
        if tag == "bytes":
            return base64.b64decode(data["data"], validate=True)
        if tag in ("array", "scalar"):
            return _array(data, tag)
        if tag == "tuple":
            return tuple(decode(v, refs=refs, depth=depth + 1) for v in data["items"])
        if tag == "dict":
            return {_key(decode(k, depth=depth + 1)): decode(v, refs=refs, depth=depth + 1) for k, v in data["items"]}
        if tag == "other":
            return Opaque(str(data["type"])[:200], str(data["repr"])[:MAX_TEXT])
        if tag == "ref" and refs and str(data["module"]).startswith("course."):
            return getattr(importlib.import_module(data["module"]), data["name"])
        if tag == "build" and refs:
            return decode(data["function"], refs=True)(**decode(data["kwargs"], refs=True))
    except (KeyError, TypeError, ValueError, AttributeError, ImportError) as err:
        raise WireError(f"a malformed {tag!r}: {err}") from None
    raise WireError(f"unknown value {tag!r}")


def _key(key):
    if not isinstance(key, (str, int, float, bool, type(None), tuple)):
        raise WireError("a dict key that is not a plain value")
    return key


def _array(data, tag):
    dtype = np.dtype(data["dtype"])
    shape = tuple(int(n) for n in data["shape"])
    if dtype.kind not in "biufc" or dtype.fields is not None or any(n < 0 for n in shape) or len(shape) > 32:
        raise WireError(f"an array of {dtype} {shape}")
    if data["data"] is None:
        return TooLarge(dtype.str, shape)
    raw = base64.b64decode(data["data"], validate=True)
    if len(raw) != int(np.prod(shape, dtype=np.int64)) * dtype.itemsize:
        raise WireError("an array whose bytes do not fill its shape")
    array = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()     # a copy: writable, as the learner's was
    return array if tag == "array" else array[()]


class Build:
    """An input made in the worker by a course function: ``Build(models.mlp, n_features=2, hidden=(3,))``."""

    def __init__(self, function, **kwargs):
        self.function, self.kwargs = function, kwargs

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.kwargs.items())
        return f"{getattr(self.function, '__name__', self.function)}({args})"


class Opaque:
    """Something that is not a number, an array or a container: its type and its repr, as the worker saw them."""

    def __init__(self, type_name: str, text: str):
        self.type_name, self.text = type_name, text

    def __repr__(self):
        return self.text


class TooLarge:
    """An array too large to send: only its dtype and shape came."""

    def __init__(self, dtype: str, shape: tuple):
        self.dtype, self.shape = np.dtype(dtype), shape

    def __repr__(self):
        return f"an array of shape {self.shape} ({self.dtype})"


# --- frames ---------------------------------------------------------------------------------------------

def send(fd: int, message, deadline: float | None = None) -> None:
    """Write ``message`` (already encoded values) as one frame; Deadline past ``deadline`` (time.monotonic)."""
    payload = json.dumps(message, separators=(",", ":"), allow_nan=False).encode()
    _write(fd, len(payload).to_bytes(8, "big") + payload, deadline)


def receive(fd: int, deadline: float | None = None):
    """The next frame's message; EOFError when the other side closed; Deadline; WireError."""
    size = int.from_bytes(_read(fd, 8, deadline), "big")
    if size > MAX_FRAME:
        raise WireError(f"a frame of {size} bytes")
    try:
        return json.loads(_read(fd, size, deadline))
    except (ValueError, RecursionError) as err:
        raise WireError(f"not JSON: {err}") from None


def _wait(fd: int, events: int, deadline: float | None) -> None:
    if deadline is None:
        return
    poller = select.poll()
    poller.register(fd, events)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise Deadline()
        if poller.poll(left * 1000):
            return


def _read(fd: int, n: int, deadline) -> bytes:
    chunks, got = [], 0
    while got < n:
        _wait(fd, select.POLLIN, deadline)
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            raise EOFError()
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _write(fd: int, data: bytes, deadline) -> None:
    view = memoryview(data)
    while view:
        _wait(fd, select.POLLOUT, deadline)
        try:
            view = view[os.write(fd, view[:select.PIPE_BUF]):]    # never blocks once POLLOUT said so
        except OSError as err:
            if err.errno == errno.EPIPE:
                raise EOFError() from None
            raise
