"""course.engine.signals: Ctrl-C and SIGTERM wait until an update step and its logging are done."""
import os
import signal
import subprocess
import sys
import threading

import pytest

from course.engine.signals import Terminated, raise_terminated, signals_deferred
from tests.helpers import BACKGROUND, fresh_process, ROOT


@pytest.fixture
def handlers():
    """Record the signals delivered to our own handlers; put the previous handlers back afterwards."""
    got = []
    previous = {sig: signal.signal(sig, lambda signum, frame: got.append(signum))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    yield got
    for sig, handler in previous.items():
        signal.signal(sig, handler)


def test_a_signal_in_the_block_is_delivered_once_the_block_ends(handlers):
    inside = []
    with signals_deferred():
        os.kill(os.getpid(), signal.SIGTERM)
        inside.append(list(handlers))                  # not delivered yet
        inside.append("step finished")
    assert inside == [[], "step finished"]
    assert handlers == [signal.SIGTERM]               # then delivered to the handler that was there before
    assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL and len(handlers) == 1


def test_only_the_first_of_several_signals_is_delivered(handlers):
    with signals_deferred():
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGTERM)
    assert handlers == [signal.SIGINT]


def test_no_signal_no_delivery_and_the_handlers_are_restored(handlers):
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with signals_deferred():
        assert signal.getsignal(signal.SIGINT) not in before   # held while inside
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
    assert handlers == []


def test_ctrl_c_with_pythons_default_handler_raises_keyboard_interrupt_after_the_block():
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    done = []
    try:
        with pytest.raises(KeyboardInterrupt):
            with signals_deferred():
                os.kill(os.getpid(), signal.SIGINT)
                done.append("logged")
        assert done == ["logged"]
    finally:
        signal.signal(signal.SIGINT, previous)


def test_sigterm_is_raised_like_ctrl_c():
    assert issubclass(Terminated, KeyboardInterrupt)
    with pytest.raises(Terminated):
        raise_terminated(signal.SIGTERM, None)
    previous = signal.signal(signal.SIGTERM, raise_terminated)
    try:
        with pytest.raises(Terminated):
            with signals_deferred():
                os.kill(os.getpid(), signal.SIGTERM)
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_off_the_main_thread_nothing_is_held():
    errors, ran = [], []

    def work():
        try:
            with signals_deferred():                  # signal.signal would raise ValueError here
                ran.append(True)
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert (ran, errors) == ([True], [])


def sigterm_during_a_plain_fit():
    script = ("from course import data, models, training\nfrom course.config import Config\n"
              "class Go(training.Observer):\n"
              "    def on_epoch_end(self, record):\n        print('epoch', record.epoch, flush=True)\n"
              "training.fit(models.perceptron(2), data.blobs(), Config(epochs=100000, trace_steps=0), "
              "observers=[Go()])\nprint('finished', flush=True)\n")
    proc = BACKGROUND.popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    first = proc.stdout.readline()
    if first.startswith("epoch"):
        proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    return first, proc.returncode, out, err


@fresh_process(sigterm_during_a_plain_fit)
def test_sigterm_during_a_plain_fit_ends_the_process():
    """Without the CLI's handler (a script, a worker), SIGTERM held back during a step must still end
    the process afterwards, as it would have without the hold: a fresh process, SIGTERM's default action."""
    first, code, out, err = BACKGROUND.result(sigterm_during_a_plain_fit)
    assert first.startswith("epoch"), err
    assert code == -signal.SIGTERM and "finished" not in out
