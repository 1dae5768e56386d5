"""The loop's step split across replicas under ``tf.distribute``: one global batch, one slice per replica.

A *replica* is one copy of the model on one device. ``MirroredStrategy`` keeps the copies' weights
identical (mirrored variables); each step gives every replica its own slice of the global batch,
each runs ``replica_step`` (``course.core.step``), the gradients are all-reduced (summed) and every
replica applies the same update. With the loss divided by the *global* batch size the sum is the
one-device gradient. ``training.fit`` uses this for a model built in a strategy's scope:

    with strategy.scope():                    # variables created here are mirrored
        model = models.mlp(2, seed=0)
    history = training.fit(model, ds, config)  # the loop sees the strategy and splits every batch
"""
from __future__ import annotations

import numpy as np

from course.core.runtime import tf
from course.core.step import count_correct, replica_step
from course.engine.compiled import all_finite, flat
from course.engine.records import StepOutputs


def strategy_of(model):
    """The strategy whose ``scope()`` ``model`` was built in (its variables are mirrored), else None."""
    variables = model.trainable_variables
    if variables and isinstance(getattr(variables[0], "value", None), tf.distribute.DistributedValues):
        return model.distribute_strategy
    return None


def split_batch(strategy, x, y):
    """Give replica r of R rows [r*m // R, (r+1)*m // R) of a global batch of m (when R does not divide m the later
    replicas get the extra rows; tf.data's distributed datasets give them to the first ones).

    Example:
        >>> xs, ys = split_batch(strategy, x[:64], y[:64])   # 2 replicas: rows 0-31 and 32-63
    """
    m = int(x.shape[0])

    def rows(tensor):
        def part(context):
            r, n = context.replica_id_in_sync_group, context.num_replicas_in_sync
            return tensor[r * m // n:(r + 1) * m // n]
        return strategy.experimental_distribute_values_from_function(part)

    return rows(x), rows(y)


def make_distributed_step(strategy, model, loss_fn, optimizer, *, eager=False, record_parameters=True):
    """``strategy.run`` of ``replica_step`` on every replica, and one all-reduce of what the loop reports.

    The returned step(xs, ys, global_batch_size) gives the whole global batch's ``StepOutputs`` (as
    ``compiled.make_step`` does), then the per-replica losses and grads
    (``strategy.experimental_local_results`` lists them).
    """
    shapes = [v.shape for v in model.trainable_variables]
    sizes = [int(np.prod(s)) for s in shapes]

    def on_replica(x, y, global_batch_size):
        loss, predictions, grads = replica_step(model, loss_fn, optimizer, x, y, global_batch_size)
        # [loss share, n correct, every gradient entry]: summed over replicas in one all-reduce below
        report = tf.concat([tf.stack([loss, count_correct(y, predictions)]), flat(grads)], axis=0)
        return loss, grads, report

    def step(xs, ys, global_batch_size):
        replica_losses, replica_grads, reports = strategy.run(on_replica, args=(xs, ys, global_batch_size))
        total = strategy.reduce(tf.distribute.ReduceOp.SUM, reports, axis=None)   # (2 + n_params,)
        flat_grads = total[2:]
        grads = [tf.reshape(g, s) for g, s in zip(tf.split(flat_grads, sizes), shapes)]
        norm = tf.linalg.global_norm(grads)
        outputs = StepOutputs(total[0], total[1], norm, grads,
                              flat(model.trainable_variables) if record_parameters else tf.zeros([0]),
                              flat_grads if record_parameters else tf.zeros([0]),
                              all_finite(total[0], norm, model.trainable_variables))
        return outputs, replica_losses, replica_grads

    return step if eager else tf.function(step, reduce_retracing=True)
