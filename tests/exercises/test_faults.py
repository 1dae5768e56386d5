"""The exercise CLI's fault catalogue (tests/exercises/fault_cases.py), one test per class of fault: every case ends
without a traceback, without a hang, with nothing lost and with its documented exit status and words. Cases that
need a process of their own (signals, a closed or full standard output, a file-size limit, TensorFlow for --train)
run as one background job, beside the in-process tests."""
import tempfile
from pathlib import Path

import pytest

from tests.exercises.fault_cases import CASES
from tests.exercises.faults import run_in_a_process, run_in_process
from tests.helpers import BACKGROUND, fresh_process

GROUPS = list(dict.fromkeys(case.group for case in CASES))


def in_processes():
    """Every case that needs a process of its own, one after another, each in a directory of its own."""
    outcomes = {}
    for case in CASES:
        if case.process:
            tmp = BACKGROUND.job_dir("fault")
            outcomes[case.name] = run_in_a_process(case, Path(tmp), started=BACKGROUND.processes.append)
    return outcomes


@fresh_process(in_processes)
@pytest.mark.parametrize("group", GROUPS)
def test_every_fault_of_the_class_ends_well(group):
    done = BACKGROUND.result(in_processes)
    failures = []
    for case in (c for c in CASES if c.group == group):
        if case.process:
            outcome = done[case.name]
        else:
            with tempfile.TemporaryDirectory(prefix="course-fault-") as tmp:
                outcome = run_in_process(case, Path(tmp))
        if not outcome.ok:
            failures.append(outcome.why())
    assert failures == []


def test_the_catalogue_holds_the_issues_cases_and_more_of_its_own():
    assert len(CASES) >= 65 and len({c.name for c in CASES}) == len(CASES)
    assert {c.exit for c in CASES} == {0, 1, 2, 74, 120, 130, 143}
