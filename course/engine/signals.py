"""Ctrl-C and SIGTERM while training: an update step and its logging happen together, or not at all.

    with signals_deferred():
        outputs = step(x, y)        # a signal arriving now is delivered after the block
        observers_see(outputs)

``Terminated`` is SIGTERM raised like Ctrl-C (a ``KeyboardInterrupt``), so the same clean-up runs
(writers flushed and closed); the command line and the worker processes install it.
"""
from __future__ import annotations

import contextlib
import signal
import threading


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so the same clean-up runs (writers flushed and closed)."""


def raise_terminated(signum, frame):
    """A SIGTERM handler: raise ``Terminated``."""
    raise Terminated()


@contextlib.contextmanager
def signals_deferred():
    """Hold Ctrl-C and SIGTERM until the block ends: an update step and its logging happen together.

    A compiled call is atomic already (Python sees the signal when it returns); a step run from
    Python would otherwise be applied but only half logged.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    previous = {sig: signal.signal(sig, lambda signum, frame: received.append(signum))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for signum in received[:1]:      # now deliver it, to whatever handled it before
            handler = previous[signum]
            if callable(handler):
                handler(signum, None)
            elif handler == signal.SIG_DFL and signum == signal.SIGINT:
                raise KeyboardInterrupt
            elif handler == signal.SIG_DFL:
                signal.raise_signal(signum)   # SIGTERM with no handler: end the process, as it would have
