"""Training on several devices and machines (Day 10): ``devices`` (GPUs, or the CPU split into logical
devices) and ``workers`` (worker processes joined by ``TF_CONFIG``). The loop itself is the engine's:
``training.fit`` splits every batch across the replicas of the strategy a model was built in
(``course.engine.replicas``, whose names are importable from here too, as from the old
``course.distributed``)::

    strategy = distribute.mirrored_strategy(2)
    with strategy.scope():
        model = models.mlp(2, seed=0)
    training.fit(model, ds, config)
"""
from course.core.step import per_example_loss_for, replica_step
from course.distribute.devices import mirrored_strategy, split_cpu
from course.engine.replicas import make_distributed_step, split_batch, strategy_of

__all__ = ["mirrored_strategy", "split_cpu", "strategy_of", "split_batch", "make_distributed_step",
           "replica_step", "per_example_loss_for"]
