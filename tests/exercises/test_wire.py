"""What crosses the pipe between the checker and the worker: data only, every kind the checker reads kept exactly
(NaN, inf, complex, dtypes, shapes), anything else described; a frame that is not a message is refused, and nothing
in a message can run code in the checker."""
import json
import os

import numpy as np
import pytest

from course.exercises import wire
from course.exercises.days.day6 import sum_of_exp_3w


def roundtrip(value, refs=False):
    return wire.decode(json.loads(json.dumps(wire.encode(value), allow_nan=False)), refs=refs)


def test_values_come_back_as_they_were():
    value = {"a": (1, 2.5, float("nan"), -float("inf"), 2 + 3j, None, True, "é\ud800", b"\x00\xff", 10 ** 30),
             "arrays": [np.arange(6, dtype=np.int32).reshape(2, 3), np.array([1 + 2j]), np.float32(1.5), np.bool_(True)]}
    back = roundtrip(value)
    a = back["a"]
    assert a[:2] == (1, 2.5) and np.isnan(a[2]) and a[3] == -np.inf and a[4] == 2 + 3j and a[5:7] == (None, True)
    assert a[7] == "é\\ud800" and a[8] == b"\x00\xff" and a[9] == 10 ** 30
    arrays = back["arrays"]
    assert arrays[0].dtype == np.int32 and arrays[0].shape == (2, 3) and arrays[0].flags.writeable
    assert np.array_equal(arrays[0], np.arange(6).reshape(2, 3)) and arrays[1].dtype == np.complex128
    assert arrays[2] == np.float32(1.5) and isinstance(arrays[2], np.float32) and arrays[3] is np.True_


def test_what_is_not_data_is_described_and_a_huge_array_sends_its_shape_only():
    def gen():
        yield 1
    opaque = roundtrip(gen())
    assert isinstance(opaque, wire.Opaque) and opaque.type_name == "generator"
    big = roundtrip(np.zeros(wire.MAX_ARRAY + 1))
    assert isinstance(big, wire.TooLarge) and big.shape == (wire.MAX_ARRAY + 1,)
    nested = []
    nested.append(nested)
    assert roundtrip(nested)                                       # a list that holds itself ends, described


def test_a_course_function_travels_by_name_and_is_looked_up_in_the_worker_only():
    assert roundtrip(sum_of_exp_3w, refs=True) is sum_of_exp_3w
    with pytest.raises(wire.WireError):
        roundtrip(sum_of_exp_3w)                                   # the checker never imports what a message names
    with pytest.raises(wire.WireError):
        wire.decode({"$": "ref", "module": "os", "name": "system"}, refs=True)


@pytest.mark.parametrize("data", [
    {"$": "pickle", "data": "gASV"}, {"$": "array", "dtype": "|O", "shape": [1], "data": ""},
    {"$": "array", "dtype": "<f8", "shape": [3], "data": "AAAA"}, {"$": "array", "dtype": "<f8", "shape": [-1], "data": ""},
    {"no": "tag"}, {"$": "dict", "items": [[{"$": "dict", "items": []}, 1]]}, {"$": "float", "text": "os.system"},
])
def test_malformed_values_are_refused(data):
    with pytest.raises(wire.WireError):
        wire.decode(data)


def test_frames_carry_messages_and_refuse_what_is_not_one():
    r, w = os.pipe()
    try:
        wire.send(w, {"op": "call", "kwargs": wire.encode({"w": np.ones(2)})})
        assert wire.decode(wire.receive(r)["kwargs"])["w"].tolist() == [1.0, 1.0]
        os.write(w, (5).to_bytes(8, "big") + b"{oops")
        with pytest.raises(wire.WireError):
            wire.receive(r)
        os.write(w, (wire.MAX_FRAME + 1).to_bytes(8, "big"))
        with pytest.raises(wire.WireError):
            wire.receive(r)
        with pytest.raises(wire.Deadline):
            import time
            wire.receive(r, time.monotonic() + 0.05)
    finally:
        os.close(w)
    with pytest.raises(EOFError):
        wire.receive(r)
    os.close(r)
