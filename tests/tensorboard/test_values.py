"""course.tensorboard.values: what one tag holds at one step, in the forms TensorBoard's plugins read, read back
with TensorBoard's own tensor_util; the histogram buckets against np.histogram."""
import io

import numpy as np
import pytest
from PIL import Image
from tensorboard.util import tensor_util

from course.tensorboard import values
from course.tensorboard.values import histogram_buckets


def test_histogram_buckets_equal_numpy_histogram():
    rng = np.random.default_rng(0)
    for sample in (rng.normal(size=(64, 10)), rng.uniform(-3, 5, 1000),
                   np.round(rng.normal(size=400), 1), np.arange(31) / 10):   # values on bucket edges
        counts, edges = np.histogram(sample, bins=30)
        buckets = histogram_buckets(sample)
        assert buckets.shape == (30, 3)
        np.testing.assert_allclose(buckets[:, 0], edges[:-1], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(buckets[:, 1], edges[1:], rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(buckets[:, 2], counts)


def test_histogram_buckets_count_every_value():
    buckets = histogram_buckets(np.array([0.0, 0.1, 0.1, 0.5, 1.0]), bucket_count=5)
    np.testing.assert_allclose(buckets[:, 0], [0.0, 0.2, 0.4, 0.6, 0.8])
    np.testing.assert_allclose(buckets[:, 2], [3, 0, 1, 0, 1])
    constant = histogram_buckets(np.zeros(4))                      # a zero-initialised bias
    assert constant[:, 2].sum() == 4 and constant[0, 0] == -0.5 and constant[-1, 1] == 0.5
    assert histogram_buckets(np.array([np.nan, np.inf])).shape == (0, 3)
    big = histogram_buckets(np.full(3, 1e4))                       # a range of 1e-3 of the value around it
    assert (big[0, 0], big[-1, 1]) == (1e4 - 10, 1e4 + 10)


def test_histogram_buckets_of_huge_or_extreme_values_do_not_fail():
    huge = histogram_buckets(np.array([3.3e28, 3.3e28 * (1 + 1e-15)]))
    assert huge[:, 2].sum() == 2
    extreme = histogram_buckets(np.array([-1e308, 1e308, np.nan, np.inf]))
    assert extreme[:, 2].sum() == 2          # non-finite values are left out, finite ones all counted
    same = histogram_buckets(np.full(3, 2.5e29, np.float32))   # a diverging weight, all equal
    assert same[:, 2].sum() == 3 and same[0, 0] < 2.5e29 < same[-1, 1]


def _png(width, height):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_histogram_value_is_the_histograms_plugins_k_by_3_tensor():
    buckets = histogram_buckets(np.array([0.0, 0.1, 0.1, 0.5, 1.0]), 5)
    value = values.histogram_value("weights/output", buckets)
    assert value.tag == "weights/output" and value.metadata.plugin_data.plugin_name == "histograms"
    np.testing.assert_array_equal(tensor_util.make_ndarray(value.tensor), buckets)
    assert tensor_util.make_ndarray(values.histogram_value("b", np.zeros((0, 3))).tensor).shape == (0, 3)


def test_an_image_value_is_width_height_and_pngs_of_one_size():
    a, b = _png(4, 3), _png(4, 3)
    value = values.image_value("snapshots/x", [a, b], "what it shows")
    assert value.metadata.plugin_data.plugin_name == "images" and value.metadata.summary_description == "what it shows"
    assert list(tensor_util.make_ndarray(value.tensor)) == [b"4", b"3", a, b]
    with pytest.raises(ValueError, match=r"must be 1 or more PNGs of one size, got sizes \[\(2, 2\), \(4, 3\)\]"):
        values.image_value("y", [a, _png(2, 2)])
    with pytest.raises(ValueError, match="must be 1 or more PNGs of one size, got sizes \\[\\]"):
        values.image_value("y", [])


def test_a_text_value_is_a_markdown_string_and_metadata_is_made_once_a_tag():
    value = values.text_value("run/goal", "| a | b |")
    assert value.metadata.plugin_data.plugin_name == "text"
    assert tensor_util.make_ndarray(value.tensor).item() == "| a | b |".encode()
    assert values.metadata("scalars", "batch_loss") is values.metadata("scalars", "batch_loss")
    assert values.metadata("scalars", "batch_loss").plugin_data.plugin_name == "scalars"
