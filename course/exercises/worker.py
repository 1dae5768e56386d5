"""The worker process: the one place where a learner's code is imported and called.

The checker starts it once per command (``course.exercises.process``), in a session of its own, with
its standard output and input going nowhere; it reads requests on one pipe and answers on another
(``course.exercises.wire``), one answer a request:

    {"op": "load", "key": K, "path": P, "source": <bytes>, "function": "sgd_step"}  -> {"ok": true} | {"error": ...}
    {"op": "call", "key": K, "kwargs": {...}}       -> the call's record (``course.exercises.calls.call``)
    {"op": "tensorflow"}                            -> {"ok": true} once TensorFlow is loaded (the course's time)
    {"op": "reference", "exercise": ID, "seed": 0}  -> {"expected": [outputs per case]} (``references``): the
        course's own function driven as the learner's will be, asked before any learner code runs here
    {"op": "train", "key": K, "exercise": ID, "logdir": DIR, "seed": 0}
        -> {"event": "line"|"call"|"returned", ...} while it trains, then {"event": "done"|"fault", ...}

It decides nothing: it returns what the learner's code gave, and the checker compares it with the
oracles. Whatever the learner's code does here (exit, loop, print, patch the course's modules, change
directory) ends at most this process; the checker starts another one for the exercises left.
"""
from __future__ import annotations

import sys

from course.exercises import calls, wire


class Worker:
    def __init__(self, rfd: int, wfd: int):
        self.rfd, self.wfd = rfd, wfd
        self.functions, self.paths = {}, {}

    def send(self, message: dict) -> None:
        wire.send(self.wfd, message)

    def serve(self) -> int:
        self.send({"ready": True})       # the course's side is up: what fails from now on is the learner's code
        while True:
            try:
                message = wire.receive(self.rfd)
            except EOFError:
                return 0
            op = message.get("op")
            if op == "load":
                self.send(self.load(message))
            elif op == "call":
                self.send(self.call(message))
            elif op == "tensorflow":
                from course.core import runtime  # noqa: F401  (quiet, deterministic; the learner's import is then free)
                self.send({"ok": True})
            elif op == "reference":
                self.send(self.reference(message))
            elif op == "train":
                from course.exercises.learner_training import train   # TensorFlow loads here, only for --train
                train(self, message)
            else:
                return 0

    def load(self, message: dict) -> dict:
        path = message["path"]
        source = wire.decode(message["source"])
        function, error = calls.load(path, source, message["function"])
        self.functions[message["key"]], self.paths[message["key"]] = function, path
        return {"ok": True} if error is None else {"error": wire.encode(error)}

    def reference(self, message: dict) -> dict:
        from course.exercises import EXERCISES
        from course.exercises.references import reference
        try:
            with calls.Captured():
                expected = reference(EXERCISES[message["exercise"]], int(message.get("seed", 0)))
        except Exception as err:  # noqa: BLE001 - the course's own failure: the checker says so
            return {"error": f"{type(err).__name__}: {err}"[:500]}
        return {"expected": wire.encode(expected)}

    def call(self, message: dict) -> dict:
        key = message["key"]
        kwargs = wire.decode(message["kwargs"], refs=True)
        to_data = wire.decode(message.get("to_data"), refs=True)
        drive = wire.decode(message.get("drive"), refs=True)
        return {"record": wire.encode(calls.call(self.functions[key], kwargs, self.paths[key], to_data=to_data,
                                                 drive=drive))}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    return Worker(int(argv[0]), int(argv[1])).serve()


if __name__ == "__main__":
    sys.exit(main())
