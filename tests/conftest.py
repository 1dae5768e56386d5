"""Shared fixtures. The tests run in one pytest process, TensorFlow imported once; what needs a fresh process
(signals, exit statuses, what importing prints) runs as a background job started right after collection, beside
the in-process tests (``tests.helpers.Background``).

Before TensorFlow runs anything, the CPU is split into two logical devices (what Day 10 does first
in its own process, ``course.distribute.split_cpu``): the loop's two-replica path and ``split_batch``
can then be checked in this process against the one-device loop, with one shared strategy
(``two_replicas``; the Day 10 lesson makes a strategy of its own, so it runs in a fresh process). A
model built outside a strategy's scope still runs on ``CPU:0`` alone, exactly as without the split.
"""
from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.distribute.devices import split_cpu  # noqa: E402
from tests.helpers import BACKGROUND  # noqa: E402

CPUS = split_cpu(2)          # ['/device:CPU:0', '/device:CPU:1']: the first thing TensorFlow does here


def pytest_addoption(parser):
    group = parser.getgroup("course", "the course's trained claims")
    group.addoption("--trained-seed", type=int, default=0, metavar="S",
                    help="the seed of the lesson runs in the tests marked 'trained' (default 0; "
                         "benchmarks/seed_margins.py sweeps 0-4)")
    group.addoption("--claims-file", default=None, metavar="FILE",
                    help="append each trained claim a test checks (its value and bound) to FILE, one JSON line each")


def pytest_configure(config):
    config.addinivalue_line("markers", "fresh_process(job): the test reads the result of a job that runs in a "
                                       "fresh process, started beside the in-process tests (tests/helpers.py)")
    config.addinivalue_line("markers", "notebooks: the test runs notebooks in Jupyter kernels (needs the notebooks "
                                       "extra; a few minutes): left out of the default run by setup.cfg's addopts, "
                                       "run with python -m pytest -m notebooks, as .ci/run does")
    config.addinivalue_line("markers", "trained: the test asserts a trained result (an accuracy, a loss, an order "
                                       "of runs) through the claim fixture; benchmarks/seed_margins.py runs these "
                                       "over seeds 0-4 with oneDNN off and on, .ci/run again with oneDNN on")


# Tests that start and time processes of their own (TensorBoard, `course check --watch`, the exercises'
# time-outs): they run once the background jobs are done, on a machine that is not busy with them.
OWN_PROCESSES = ("cli", "exercises")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    """Start the fresh-process jobs of the selected tests (after -k and --deselect), in collection order; run
    the other tests first, then those reading the jobs' results (done by then), then ``OWN_PROCESSES``."""
    if config.option.collectonly:
        return
    waiting = [item for item in items if item.get_closest_marker("fresh_process")]
    for item in waiting:
        for marker in item.iter_markers("fresh_process"):
            for job in marker.args:
                BACKGROUND.start(job)

    tests_dir = os.path.dirname(os.path.abspath(__file__))

    def own_processes(item):
        parts = os.path.relpath(str(item.path), tests_dir).split(os.sep)
        return len(parts) > 1 and parts[0] in OWN_PROCESSES

    rest = [item for item in items if not item.get_closest_marker("fresh_process")]
    items[:] = [item for item in rest if not own_processes(item)] + waiting + [item for item in rest
                                                                              if own_processes(item)]


def pytest_sessionfinish(session, exitstatus):
    BACKGROUND.close()


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture(scope="session")
def trained_seed(pytestconfig):
    """The seed of the lessons' runs in the tests marked ``trained`` (``--trained-seed``, default 0)."""
    return pytestconfig.getoption("--trained-seed")


@pytest.fixture
def claim(request):
    """``claim(name, value, op, bound)``: assert ``value op bound`` (op one of >=, <=, >, <). With
    ``--claims-file`` every claim is recorded (how far each trained result sits from its bar, over seeds and
    CPUs) and a claim that fails lets the test go on, so the claims after it are measured too: the test then
    fails at its end, naming every claim that did not hold."""
    from tests.helpers import check_claim
    failed = []
    yield lambda name, value, op, bound: check_claim(request, name, value, op, bound, failed)
    if failed:
        pytest.fail("claims that did not hold: " + "; ".join(failed), pytrace=False)


@pytest.fixture(scope="session")
def two_replicas():
    """A MirroredStrategy over the two logical CPUs: two replicas in this process."""
    from course.distribute.devices import mirrored_strategy
    return mirrored_strategy(2)
