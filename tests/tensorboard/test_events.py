"""course.tensorboard.events: event files built from TensorBoard's protobufs, read back by TensorBoard's own
EventFileLoader and EventAccumulator (and TensorFlow's TFRecord reader, which checks every record's CRC)."""
import errno
import io

import numpy as np
import pytest
from PIL import Image
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
from tensorboard.compat.proto import event_pb2
from tensorboard.util import tensor_util

from course.core.runtime import tf
from course.tensorboard import events
from course.tensorboard.events import EventFile
from course.tensorboard.values import histogram_buckets
from tests.helpers import event_files, read_events


def _loaded(path):
    return list(EventFileLoader(str(path)).Load())


def _png(width, height, value=0):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (value, value, value)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_scalars_and_histograms_read_back_with_tensorboards_loader(tmp_path):
    tags = ["batch_loss", "parameters/output/kernel[0,0]"]
    rows = np.array([[0.6931, -1.5], [1e-30, 3.4e38], [0.0, -0.0]], np.float32)
    file = EventFile(tmp_path / "train")
    file.scalars(5, rows, tags)
    file.scalars(0, np.array([[0.25]]), tags[1:])
    buckets = histogram_buckets(np.array([0.0, 0.1, 0.1, 0.5, 1.0]), 5)
    file.histograms(7, {"weights/output": buckets, "biases/output": np.zeros((0, 3))})
    file.close()
    assert file.path.name.startswith("events.out.tfevents.") and file.path.name.endswith(".course.v2")
    assert event_files(tmp_path / "train") == [file.path]
    records = _loaded(file.path)
    assert records[0].file_version == "brain.Event:2"
    assert [e.step for e in records[1:]] == [5, 6, 7, 0, 7]
    for row, event in zip(rows, records[1:4]):
        assert [v.tag for v in event.summary.value] == tags
        assert all(v.metadata.plugin_data.plugin_name == "scalars" for v in event.summary.value)
        np.testing.assert_array_equal([tensor_util.make_ndarray(v.tensor) for v in event.summary.value], row)
    assert records[1].wall_time <= records[2].wall_time <= records[3].wall_time
    histogram, empty = records[5].summary.value
    assert (histogram.tag, histogram.metadata.plugin_data.plugin_name) == ("weights/output", "histograms")
    np.testing.assert_array_equal(tensor_util.make_ndarray(histogram.tensor), buckets)
    assert tensor_util.make_ndarray(empty.tensor).shape == (0, 3)
    # the accumulator sorts them by tag; TensorFlow's reader checks every record's CRC
    logged = read_events(tmp_path / "train")
    assert [(s, float(v)) for s, v in logged["parameters/output/kernel[0,0]"]] == [
        (5, -1.5), (6, float(np.float32(3.4e38))), (7, -0.0), (0, 0.25)]
    assert len(list(tf.data.TFRecordDataset(str(file.path)))) == len(records)


def test_a_second_event_file_on_the_same_directory_appends_to_the_first(tmp_path):
    first = EventFile(tmp_path / "train")
    first.scalars(1, [[0.5]], ["epoch_loss"])
    first.close()
    second = EventFile(tmp_path / "train")                   # a figure joins the finished run
    assert second.path == first.path
    second.text(2, "run/note", "added later")
    second.scalars(2, [[0.25]], ["epoch_loss"])
    second.close()
    assert event_files(tmp_path / "train") == [first.path]   # still one file
    records = _loaded(first.path)
    assert [r.file_version for r in records if r.file_version] == ["brain.Event:2"]   # one header
    logged = read_events(tmp_path / "train")
    assert [(s, float(v)) for s, v in logged["epoch_loss"]] == [(1, 0.5), (2, 0.25)]
    assert logged["run/note"][0][1].item() == b"added later"
    assert len(list(tf.data.TFRecordDataset(str(first.path)))) == 4     # every appended record's CRC holds
    other = EventFile(tmp_path / "validation")                # another split: its own file
    other.close()
    assert other.path.parent.name == "validation" and other.path != first.path


def test_images_are_width_height_and_the_pngs_of_one_size(tmp_path):
    file = EventFile(tmp_path)
    a, b = _png(4, 3, 0), _png(4, 3, 255)
    file.images(9, {"snapshots/x": [a, b]}, {"snapshots/x": "what it shows"})
    with pytest.raises(ValueError, match=r"the images of 'y' must be 1 or more PNGs of one size, got sizes "
                                         r"\[\(2, 2\), \(4, 3\)\]"):
        file.images(10, {"y": [a, _png(2, 2)]})
    file.close()
    (event,) = [r for r in _loaded(file.path) if r.HasField("summary")]
    (value,) = event.summary.value
    assert event.step == 9 and value.metadata.plugin_data.plugin_name == "images"
    assert value.metadata.summary_description == "what it shows"
    assert list(tensor_util.make_ndarray(value.tensor)) == [b"4", b"3", a, b]
    acc = EventAccumulator(str(tmp_path), size_guidance={"tensors": 0})
    acc.Reload()
    assert acc.Tags()["tensors"] == ["snapshots/x"]


def test_text_graph_and_ready_made_summaries(tmp_path):
    from tensorflow.core.framework import summary_pb2 as tf_summary_pb2
    file = EventFile(tmp_path)
    file.text(3, "run/goal", "| a | b |")
    tf_summary = tf_summary_pb2.Summary(value=[tf_summary_pb2.Summary.Value(tag="simple", simple_value=1.5)])
    file.summary(4, tf_summary)                                # TensorFlow's own class of the same message
    graph = tf.function(lambda x: tf.sigmoid(x) * 2).get_concrete_function(tf.TensorSpec([2])).graph
    file.graph(graph.as_graph_def())
    file.graph(graph.as_graph_def().SerializeToString())       # bytes too
    file.close()
    records = _loaded(file.path)
    text_event = next(r for r in records if r.summary.value and r.summary.value[0].tag == "run/goal")
    assert text_event.step == 3 and text_event.summary.value[0].metadata.plugin_data.plugin_name == "text"
    assert tensor_util.make_ndarray(text_event.summary.value[0].tensor).item() == b"| a | b |"
    simple = next(r for r in records if r.summary.value and r.summary.value[0].tag == "simple")
    # (TensorBoard's loader turns a simple_value into the scalars plugin's tensor form)
    assert (simple.step, float(tensor_util.make_ndarray(simple.summary.value[0].tensor))) == (4, 1.5)
    graphs = [r for r in records if r.graph_def]
    from tensorflow.core.framework import graph_pb2
    assert len(graphs) == 2
    assert all(graph_pb2.GraphDef.FromString(g.graph_def) == graph.as_graph_def() for g in graphs)
    acc = EventAccumulator(str(tmp_path))
    acc.Reload()
    assert {n.op for n in acc.Graph().node} >= {"Sigmoid", "Mul"}


def test_event_steps_must_be_non_negative_integers_and_a_closed_file_takes_nothing(tmp_path):
    file = EventFile(tmp_path / "train")
    for step in (-1, 1.5, True, None):
        with pytest.raises(ValueError, match="step must be an integer >= 0"):
            file.scalars(step, [[1.0]], ["batch_loss"])
    file.scalars(np.int64(2), [[1.0]], ["batch_loss"])        # a NumPy integer is a step
    file.close()
    file.close()                                              # closing twice is harmless
    assert file.closed
    with pytest.raises(ValueError, match="is closed"):
        file.text(0, "t", "x")
    file.flush()                                              # nothing to flush, no error
    assert [r.step for r in _loaded(file.path)][1:] == [2]


def test_scalars_are_flushed_every_two_seconds_for_a_board_watching_the_run(tmp_path, monkeypatch):
    file = EventFile(tmp_path)
    monkeypatch.setattr(file, "FLUSH_SECONDS", 0.0)          # every write is past the deadline
    file.scalars(1, [[0.5]], ["batch_loss"])
    assert [r.step for r in _loaded(file.path)][1:] == [1]     # readable before close
    file.close()
    assert events.SUFFIX == ".course.v2" and EventFile.FLUSH_SECONDS == 2.0


def test_the_header_is_an_event_pb2_with_the_file_version(tmp_path):
    file = EventFile(tmp_path)
    file.close()
    (header,) = [event_pb2.Event.FromString(r.numpy()) for r in tf.data.TFRecordDataset(str(file.path))]
    assert header.file_version == "brain.Event:2" and header.wall_time > 0


def test_scalars_at_given_steps(tmp_path):
    file = EventFile(tmp_path)
    file.scalars(0, [[0.5], [0.25], [0.125]], ["by_examples/batch_loss"], steps=[32, 64, 80])
    with pytest.raises(ValueError, match="step must be an integer >= 0"):
        file.scalars(0, [[0.5]], ["x"], steps=[-32])
    file.close()
    logged = read_events(tmp_path)["by_examples/batch_loss"]
    assert [(s, float(v)) for s, v in logged] == [(32, 0.5), (64, 0.25), (80, 0.125)]


class _FailingWriter:
    def __init__(self, error):
        self.error = error

    def write(self, data=None):
        raise self.error

    flush = close = write


@pytest.mark.parametrize("message, code", [("No space left on device", 28), ("File too large", 27)])
def test_tensorflows_writer_errors_become_os_errors_naming_the_file(tmp_path, message, code):
    assert (errno.ENOSPC, errno.EFBIG) == (28, 27)
    file = EventFile(tmp_path)
    real = file._writer
    file._writer = _FailingWriter(tf.errors.ResourceExhaustedError(None, None, message))
    with pytest.raises(OSError) as err:
        file.text(1, "t", "x")
    assert err.value.errno == code and err.value.filename == str(file.path)
    assert "ResourceExhaustedError" in err.value.strerror
    file._writer = _FailingWriter(OSError(5, "I/O error"))
    with pytest.raises(OSError) as err:                           # an OSError stays what it is
        file.flush()
    assert err.value.errno == 5
    file._writer = _FailingWriter(tf.errors.DataLossError(None, None, "corrupted record"))
    with pytest.raises(OSError) as err:                           # a TensorFlow error naming no cause: EIO
        file.flush()
    assert err.value.errno == errno.EIO and "DataLossError" in err.value.strerror
    file._writer = _FailingWriter(TypeError("a bug, not a disk"))
    with pytest.raises(TypeError, match="a bug, not a disk"):     # any other error stays itself
        file.flush()
    file._writer = real
    file.close()


def test_a_real_full_device_gives_enospc(tmp_path):
    writer = tf.io.TFRecordWriter("/dev/full")
    file = EventFile(tmp_path)
    real, file._writer = file._writer, writer
    with pytest.raises(OSError) as err:
        file._write(b"x" * 100_000)
        file.flush()
    assert err.value.errno == errno.ENOSPC
    file._writer = real
    file.close()


def test_a_whole_file_appears_under_its_name_only_once_closed(tmp_path):
    """The run's hyperparameters go to a file written under a hidden name and renamed when complete: a run killed
    before that (kill -9) leaves no empty or half-written event file for TensorBoard to read."""
    events = EventFile(tmp_path, whole=True)
    events.text(0, "run/goal", "learn XOR")
    assert sorted(p.name for p in tmp_path.iterdir()) == [events.path.name]
    assert events.path.name.startswith(".events.out.tfevents.") and events.path.name.endswith(".partial")
    assert not list(tmp_path.glob("events.out.tfevents.*"))                  # TensorBoard sees nothing yet
    events.close()
    (name,) = [p.name for p in tmp_path.iterdir()]
    assert name.startswith("events.out.tfevents.") and name == events.path.name
    loaded = [v.tag for e in EventFileLoader(str(events.path)).Load() for v in e.summary.value]
    assert loaded == ["run/goal"]
    second = EventFile(tmp_path, whole=True)                                  # never appends to an existing one
    second.close()
    assert len(list(tmp_path.glob("events.out.tfevents.*"))) == 2


def test_a_run_killed_at_once_leaves_its_hyperparameters_whole(tmp_path):
    """A RunLogger's hyperparameters are complete on disk as soon as it is made: a process killed then (kill -9,
    nothing flushed or closed after) leaves them whole, never a 0-byte file."""
    from tensorboard.plugins.hparams import metadata
    from course.tensorboard.logger import RunLogger
    logger = RunLogger(tmp_path / "run", hparams={"lr": 0.5}, goal="g")       # not closed, as a killed run
    (events,) = (tmp_path / "run").glob("events.out.tfevents.*")
    assert events.stat().st_size > 0
    tags = [v.tag for e in EventFileLoader(str(events)).Load() for v in e.summary.value]
    assert metadata.SESSION_START_INFO_TAG in tags and "custom_scalars__config__" in tags
    logger.close()
