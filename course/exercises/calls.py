"""Running the learner's code once, as the worker process does it (and ``check()`` in a notebook): the file
loaded from its bytes, the function called on one case, and what came of it as plain data: the value it
returned, the arguments after the call, what it printed, what it raised at which of its own lines, and
the shapes of its local arrays (where a broadcast went wrong). Nothing here judges: the checker does.

    function, error = load(path, source_bytes, "sgd_step")
    record = call(function, {"w": ..., "grad": ..., "learning_rate": 0.1}, path)
    record["value"], record["error"], record["printed"], record["locals"]
"""
from __future__ import annotations

import io
import linecache
import re
import sys
import tokenize
import types
import warnings

import numpy as np

MAX_PRINTED = 2000        # characters of the learner's printed output kept with a record


class _Printed(io.TextIOBase):
    """sys.stdout and sys.stderr while learner code runs: the first characters kept, the rest counted."""

    def __init__(self):
        self.parts, self.size = [], 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        if self.size < MAX_PRINTED:
            self.parts.append(text[:MAX_PRINTED - self.size])
        self.size += len(text)
        return len(text)

    def text(self) -> str:
        out = "".join(self.parts)
        return out + (f"... ({self.size - MAX_PRINTED} more characters)" if self.size > MAX_PRINTED else "")


class Captured:
    """Learner code runs inside: its prints kept, its warnings silent, NumPy's floating-point errors quiet."""

    def __enter__(self):
        self.printed, self.saved = _Printed(), (sys.stdout, sys.stderr)
        sys.stdout = sys.stderr = self.printed
        self.warnings = warnings.catch_warnings()
        self.warnings.__enter__()
        warnings.simplefilter("ignore")
        self.errstate = np.errstate(all="ignore")
        self.errstate.__enter__()
        return self

    def __exit__(self, *exc):
        self.errstate.__exit__(*exc)
        self.warnings.__exit__(*exc)
        sys.stdout, sys.stderr = self.saved
        return False


def load(path: str, source: bytes, function_name: str):
    """(the learner's function, None), or (None, what went wrong): the file compiled from its bytes as Python
    reads a file (its encoding declaration, a byte-order mark), then run in a fresh module."""
    unreadable = _undecodable(source)
    if unreadable:
        return None, {"kind": "syntax", "lineno": unreadable[0], "msg": unreadable[1], "text": ""}
    try:
        code = compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as err:
        return None, {"kind": "syntax", "lineno": err.lineno, "msg": str(err.msg), "text": (err.text or "").rstrip()}
    except ValueError as err:                      # null bytes, on older Pythons
        return None, {"kind": "syntax", "lineno": None, "msg": str(err), "text": ""}
    _remember_lines(path, source)
    module = types.ModuleType(f"exercise_{function_name}")
    module.__file__ = path
    with Captured() as captured:
        try:
            exec(code, module.__dict__)
        except BaseException as err:               # noqa: BLE001 - sys.exit, KeyboardInterrupt: all the learner's
            return None, {**exception(err, path), "printed": captured.printed.text()}
    function = module.__dict__.get(function_name)
    if not callable(function):
        return None, {"kind": "missing_function", "found": type(function).__name__ if function is not None else ""}
    return function, None


COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")    # PEP 263's encoding declaration


def _undecodable(source: bytes):
    """(line, message) when ``python file.py`` would refuse the file's bytes: with no encoding declared it
    decodes the whole file as UTF-8 (``compile`` alone lets a bad byte in a comment pass); with a declaration,
    ``compile`` does as ``python`` does."""
    if any(COOKIE.match(line) for line in source.splitlines()[:2]):
        return None
    try:
        source.decode("utf-8-sig")
    except UnicodeDecodeError as bad:
        line = source[:bad.start].count(b"\n") + 1
        byte = f"\\x{source[bad.start]:02x}"
        return line, f"Non-UTF-8 code starting with '{byte}' on line {line}, but no encoding declared"
    return None


def _remember_lines(path: str, source: bytes) -> None:
    """The lines as compiled, for the learner's lines in a report (the file may change on disk meanwhile)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        lines = source.decode(encoding).splitlines(keepends=True)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return
    linecache.cache[path] = (len(source), None, lines, path)


def call(function, kwargs: dict, path: str, passthrough: tuple = (), to_data=None, drive=None) -> dict:
    """Call ``function(**kwargs)`` once: {"value", "after" (the array arguments after the call), "printed",
    "error" (None, or what it raised), "locals" (the shapes of its local arrays as it returned or raised)}.
    ``passthrough``: exceptions raised on (a notebook's time-out and Ctrl-C), not recorded. ``to_data``: the
    exercise's course function that turns what the learner returned (a Keras model) into numbers. ``drive``:
    the exercise's course function that calls ``function`` as a loop would, ``drive(function, **kwargs)``, and
    returns the numbers instead (a TensorFlow exercise: k training steps)."""
    watched = {"locals": {}}
    code = getattr(function, "__code__", None)

    def profile(frame, event, arg):                # the learner's own frame, as it returns: its arrays' shapes
        if event == "return" and frame.f_code is code:
            watched["locals"] = shapes(frame.f_locals)

    value, error = None, None
    with Captured() as captured:
        previous = sys.getprofile()
        sys.setprofile(profile if code is not None else previous)
        try:
            value = drive(function, **kwargs) if drive is not None else function(**kwargs)
            value = plain(to_data(value) if to_data is not None else value)
        except passthrough:
            raise
        except BaseException as err:               # noqa: BLE001 - whatever the learner's code raises is reported
            error = exception(err, path)
        finally:
            sys.setprofile(previous)
    if error is not None and error.get("locals"):
        watched["locals"] = error.pop("locals")
    after = {k: v for k, v in kwargs.items() if isinstance(v, np.ndarray)}
    return {"value": value, "after": after, "printed": captured.printed.text(), "error": error,
            "locals": watched["locals"]}


def plain(value):
    """The learner's value as data the checker can read: tensors (anything with ``.numpy()``) as arrays,
    containers item by item; the rest as it is (the wire describes what it cannot send)."""
    if isinstance(value, (list, tuple)):
        items = [plain(v) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if not isinstance(value, (np.ndarray, np.generic)) and callable(getattr(value, "numpy", None)):
        try:
            return np.asarray(value.numpy())
        except Exception:  # noqa: BLE001 - not a tensor after all: described as it is
            return value
    return value


def exception(err: BaseException, path: str) -> dict:
    """What the learner's code raised: its type, message, the learner's own lines (the course's frames left
    out) and the shapes of the local arrays where it was raised."""
    frames, innermost = [], None
    tb = err.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            frames.append([tb.tb_lineno, tb.tb_frame.f_code.co_name, linecache.getline(path, tb.tb_lineno).strip()])
            innermost = tb.tb_frame
        tb = tb.tb_next
    try:
        message = str(err)
    except Exception:  # noqa: BLE001 - a learner's exception whose __str__ raises
        message = "(its message could not be read)"
    record = {"kind": "exception", "type": type(err).__name__, "message": message[:1000], "frames": frames[-3:],
              "not_an_error": not isinstance(err, Exception),     # KeyboardInterrupt, GeneratorExit, ...
              "locals": shapes(innermost.f_locals) if innermost is not None else {}}
    if isinstance(err, SystemExit):
        record["exit_code"] = err.code if isinstance(err.code, (int, str, type(None))) else repr(err.code)
    return record


def shapes(names: dict) -> dict:
    """{name: [shape, dtype]} of the arrays and numbers among a frame's local variables."""
    out = {}
    for name, value in list(names.items())[:60]:
        if isinstance(value, (np.ndarray, np.generic, int, float)) and not isinstance(value, bool):
            array = np.asarray(value)
            out[name] = [list(array.shape), array.dtype.str]
    return out
