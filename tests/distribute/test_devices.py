"""course.distribute.devices: the CPU split into logical devices (done first in this process, see
conftest.py) and a MirroredStrategy over them."""
import pytest

from course.core.runtime import tf
from course.distribute import devices
from tests.conftest import CPUS


def test_the_cpu_was_split_in_two_before_tensorflow_started():
    assert CPUS == ["/device:CPU:0", "/device:CPU:1"]
    assert [d.name for d in tf.config.list_logical_devices("CPU")] == CPUS
    assert len(tf.config.list_physical_devices("CPU")) == 1                  # still one physical CPU


def test_split_cpu_after_tensorflow_started_says_so():
    tf.constant(0.0)                                   # TensorFlow has started its devices
    n = len(tf.config.list_logical_devices("CPU"))
    assert devices.split_cpu(n) == CPUS                # what is there already: nothing to do
    with pytest.raises(RuntimeError, match=rf"split_cpu\({n + 1}\) came too late: .*fresh process"):
        devices.split_cpu(n + 1)
    with pytest.raises(ValueError, match="n must be a positive integer, got 0"):
        devices.split_cpu(0)


def test_mirrored_strategy_uses_the_logical_cpus_without_gpus():
    assert tf.config.list_physical_devices("GPU") == []
    strategy = devices.mirrored_strategy(2)
    assert isinstance(strategy, tf.distribute.MirroredStrategy) and strategy.num_replicas_in_sync == 2
    assert [d.split("/")[-1] for d in strategy.extended.worker_devices] == ["device:CPU:0", "device:CPU:1"]
    with tf.device("/cpu:1"):
        assert tf.constant(1.0).device.endswith("CPU:1")              # a real second device
