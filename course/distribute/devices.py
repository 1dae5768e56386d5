"""Devices for ``tf.distribute``: several GPUs, or the CPU split into logical devices when there are none.

    strategy = mirrored_strategy(2)           # 2 GPUs, or the CPU split into 2 logical devices
    with strategy.scope():                    # variables created here are mirrored
        model = models.mlp(2, seed=0)
    history = training.fit(model, ds, config)  # the loop sees the strategy and splits every batch
"""
from __future__ import annotations

from course.checks import check_int
from course.core.runtime import tf




def split_cpu(n: int) -> list:
    """Split the CPU into ``n`` logical devices, so ``MirroredStrategy`` has replicas without GPUs.

    TensorFlow fixes its devices when it first runs anything (a tensor, a model, a strategy), so
    this must come first in a fresh process. The replicas then share the CPU's cores: the point
    is to see the mechanics, not a speed-up.

    Example:
        >>> split_cpu(2)
        ['/device:CPU:0', '/device:CPU:1']
    """
    n = check_int("n", n)
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * n)
    except RuntimeError:
        if len(tf.config.list_logical_devices("CPU")) != n:
            raise RuntimeError(
                f"split_cpu({n}) came too late: TensorFlow has already initialised its devices (a tensor, "
                "model or strategy was created first). Call it at the start of a fresh process, before "
                "anything else runs in TensorFlow.") from None
    return [d.name for d in tf.config.list_logical_devices("CPU")]


def mirrored_strategy(n_replicas: int = 2):
    """A ``MirroredStrategy`` over the first ``n_replicas`` GPUs, or over the CPU split in as many.

    Example:
        >>> mirrored_strategy(2).num_replicas_in_sync
        2
    """
    gpus = tf.config.list_physical_devices("GPU")
    if len(gpus) >= n_replicas:
        devices = [f"/gpu:{i}" for i in range(n_replicas)]
    else:
        devices = split_cpu(n_replicas)
    return tf.distribute.MirroredStrategy(devices)
