"""course.trace.entries: which entries a traced step shows, and with how many decimals."""
import numpy as np

from course.engine.compiled import SMALL_MODEL_PARAMETERS
from course.engine.records import StepRecord
from course.trace.entries import ENTRIES_PER_VARIABLE, decimals, index_text, is_large, shown_entries


def _record(before, grads):
    return StepRecord(1, 1, 1, 1, 0.5, 0.5, [f"v{i}" for i in range(len(before))], before, grads,
                      [b - 0.1 * g for b, g in zip(before, grads)], 0.1, "sgd")


def test_index_text_is_numpys_unravelled_index():
    assert index_text((2, 2), 1) == "0,1" and index_text((2, 3), 5) == "1,2" and index_text((4,), 3) == "3"
    assert index_text((), 0) == ""


def test_four_decimals_or_more_when_four_would_hide_the_change():
    assert decimals(0.5, 0.4) == 4
    assert decimals(0.5, 0.5) == 4                    # no change: nothing to show
    assert decimals(0.0, -0.000016) == 6              # 0.0000 and -0.0000 at 4
    assert decimals(0.5, 0.5 - 2e-7) == 8             # at most 8
    assert decimals(0.5, 0.5 - 1e-12) == 8


def test_a_small_model_shows_every_entry():
    before = [np.zeros((2, 1)), np.zeros(1)]
    shown = list(shown_entries(_record(before, [np.ones((2, 1)), np.ones(1)])))
    assert [(name, entries) for name, _, _, _, entries in shown] == [("v0", [0, 1]), ("v1", [0])]
    assert not is_large(_record(before, before))


def test_a_large_model_shows_the_entries_with_the_largest_gradient_in_index_order():
    g = np.zeros((5, 5))
    g[3, 1], g[0, 4], g[2, 2] = -0.9, 0.5, 0.1
    ties = np.full(4, 0.3)
    record = _record([np.zeros((5, 5)), np.zeros(4)], [g, ties])
    assert is_large(record)
    shown = {name: entries for name, _, _, _, entries in shown_entries(record)}
    assert ENTRIES_PER_VARIABLE == 2
    assert shown == {"v0": [4, 16], "v1": [0, 1]}       # |g| 0.5 at (0, 4) = 4, 0.9 at (3, 1) = 16; ties: the first


def test_large_means_more_than_the_small_model_limit():
    at_limit = _record([np.zeros(SMALL_MODEL_PARAMETERS)], [np.zeros(SMALL_MODEL_PARAMETERS)])
    above = _record([np.zeros(SMALL_MODEL_PARAMETERS + 1)], [np.zeros(SMALL_MODEL_PARAMETERS + 1)])
    assert not is_large(at_limit) and is_large(above)
