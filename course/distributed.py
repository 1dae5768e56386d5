"""The course's GradientTape step under ``tf.distribute``: one global batch split across replicas.

A *replica* is one copy of the model on one device. ``MirroredStrategy`` keeps the copies' weights
identical (mirrored variables); each step gives every replica its own slice of the global batch,
each computes its gradient, the gradients are all-reduced (summed) and every replica applies the
same update. With the loss divided by the *global* batch size the sum is the one-device gradient::

    strategy = mirrored_strategy(2)           # 2 GPUs, or the CPU split into 2 logical devices
    with strategy.scope():                    # variables created here are mirrored
        model = models.mlp(2, seed=0)
    history = training.fit(model, ds, config)  # the loop sees the strategy and splits every batch

``MultiWorkerMirroredStrategy`` runs the same loop over several processes (``course.multiworker``).
"""
from __future__ import annotations

import math

import numpy as np

from course.models import is_binary, parameter_count, variable_name
from course.records import History
from course.runtime import keras, tf
from course.training import (SMALL_MODEL_PARAMETERS, _epoch_record, _EpochBuffer, _flat, _signals_deferred,
                             check_fit_inputs, count_correct, labels_for, loss_for, make_evaluate, make_optimizer,
                             run_watched_step)


def split_cpu(n: int) -> list:
    """Split the CPU into ``n`` logical devices, so ``MirroredStrategy`` has replicas without GPUs.

    TensorFlow fixes its devices when it first runs anything (a tensor, a model, a strategy), so
    this must come first in a fresh process. The replicas then share the CPU's cores: the point
    is to see the mechanics, not a speed-up.

    Example:
        >>> split_cpu(2)
        ['/device:CPU:0', '/device:CPU:1']
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
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


def strategy_of(model):
    """The strategy whose ``scope()`` ``model`` was built in (its variables are mirrored), else None."""
    variables = model.trainable_variables
    if variables and isinstance(getattr(variables[0], "value", None), tf.distribute.DistributedValues):
        return model.distribute_strategy
    return None


def per_example_loss_for(model):
    """``training.loss_for`` without the mean: one loss per example, (batch,)."""
    if is_binary(model):
        return keras.losses.BinaryCrossentropy(reduction=None)
    return keras.losses.SparseCategoricalCrossentropy(reduction=None)


def replica_step(model, loss_fn, optimizer, x, y, global_batch_size):
    """``training.train_step`` as one replica runs it, on its slice of the global batch.

    Args:
        loss_fn: a per-example loss (``per_example_loss_for``).
        x: (replica_batch, n_features), this replica's slice; y: its labels.
        global_batch_size: examples in the whole global batch, over all replicas.

    Returns:
        loss (this replica's share: sum of its losses / global batch size), predictions, grads
        (this replica's share of the gradient, before the all-reduce).
    """
    with tf.GradientTape() as tape:                          # 1. record the forward pass
        predictions = model(x, training=True)                # (replica_batch, n_outputs)
        per_example = loss_fn(y, predictions)                # (replica_batch,) no mean yet
        loss = tf.nn.compute_average_loss(per_example, global_batch_size=global_batch_size)  # 2. sum / global
    grads = tape.gradient(loss, model.trainable_variables)   # 3. this replica's share of dL/dw
    optimizer.apply_gradients(zip(grads, model.trainable_variables))   # 4. all-reduce (sum), w <- w - lr * g
    return loss, predictions, grads


def split_batch(strategy, x, y):
    """Give replica r of R rows [r*m // R, (r+1)*m // R) of a global batch of m (the last may be smaller).

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


def make_distributed_step(strategy, model, loss_fn, optimizer, *, eager=False):
    """``strategy.run`` of ``replica_step`` on every replica, and one all-reduce of what the loop reports.

    The returned step(xs, ys, global_batch_size) gives (loss, n_correct, gradient norm, grads,
    flat params, flat grads) of the whole global batch, as ``training.make_step`` does, then the
    per-replica losses and grads (``strategy.experimental_local_results`` lists them).
    """
    shapes = [v.shape for v in model.trainable_variables]
    sizes = [int(np.prod(s)) for s in shapes]

    def on_replica(x, y, global_batch_size):
        loss, predictions, grads = replica_step(model, loss_fn, optimizer, x, y, global_batch_size)
        # [loss share, n correct, every gradient entry]: summed over replicas in one all-reduce below
        report = tf.concat([tf.stack([loss, count_correct(y, predictions)]), _flat(grads)], axis=0)
        return loss, grads, report

    def step(xs, ys, global_batch_size):
        replica_losses, replica_grads, reports = strategy.run(on_replica, args=(xs, ys, global_batch_size))
        total = strategy.reduce(tf.distribute.ReduceOp.SUM, reports, axis=None)   # (2 + n_params,)
        flat_grads = total[2:]
        grads = [tf.reshape(g, s) for g, s in zip(tf.split(flat_grads, sizes), shapes)]
        return (total[0], total[1], tf.linalg.global_norm(grads), grads, _flat(model.trainable_variables),
                flat_grads, replica_losses, replica_grads)

    return step if eager else tf.function(step, reduce_retracing=True)


def fit(model, dataset, config, observers=(), *, strategy) -> History:
    """``training.fit`` with every global batch of ``config.batch_size`` split across ``strategy``'s replicas.

    The same seeded order, the same observers and records; each step runs one distributed call
    (the replicas run it in parallel). Build ``model`` in ``strategy.scope()``; the optimizer is
    built there too. Usually reached through ``training.fit``, which passes the model's strategy.

    Example:
        >>> with strategy.scope(): model = models.mlp(2, seed=0)
        >>> fit(model, data.load("moons"), Config(epochs=3, batch_size=64), strategy=strategy).loss[-1]
    """
    check_fit_inputs(model, dataset, config)
    if not isinstance(strategy, tf.distribute.Strategy):
        raise ValueError(f"strategy must be a tf.distribute.Strategy, got {type(strategy).__name__}")
    if strategy_of(model) is not strategy:
        raise ValueError("model must be built inside strategy.scope(), so that its variables are mirrored")
    observers = list(observers)
    variables = model.trainable_variables
    with strategy.scope():
        optimizer = make_optimizer(config.optimizer, config.learning_rate)
        optimizer.build(variables)
    names = [variable_name(v) for v in variables]
    record_parameters = parameter_count(model) <= SMALL_MODEL_PARAMETERS
    step_fn = make_distributed_step(strategy, model, per_example_loss_for(model), optimizer, eager=config.eager)
    evaluate = make_evaluate(model, loss_for(model), eager=config.eager)

    x_train, y_train = tf.constant(dataset.x_train), labels_for(model, dataset.y_train)
    x_val, y_val = tf.constant(dataset.x_val), labels_for(model, dataset.y_val)
    n, batch_size = int(x_train.shape[0]), config.batch_size
    batches = math.ceil(n / batch_size)
    sizes = np.minimum(batch_size, n - batch_size * np.arange(batches))   # the last batch may be smaller
    rng = np.random.default_rng(config.seed)                              # the same order as training.fit

    for obs in observers:
        obs.on_train_begin(model, config, names, [v.numpy() for v in variables])
    graph_watchers = [obs for obs in observers if getattr(obs, "wants_graph", False)]
    if graph_watchers and not config.eager:
        xs, ys = split_batch(strategy, x_train[:batch_size], y_train[:batch_size])
        graph = step_fn.get_concrete_function(xs, ys, tf.constant(batch_size)).graph   # reused by the 1st call
        for obs in graph_watchers:
            obs.on_graph(graph)

    history, step, epoch, buffer = History(), 0, 0, _EpochBuffer()
    grads = [tf.zeros_like(v) for v in variables]
    try:
        for epoch in range(1, config.epochs + 1):
            order = tf.constant(rng.permutation(n)) if config.shuffle else tf.range(n)
            xs_epoch, ys_epoch = tf.gather(x_train, order), tf.gather(y_train, order)
            buffer = _EpochBuffer()
            for b in range(batches):
                rows = slice(b * batch_size, (b + 1) * batch_size)
                xs, ys = split_batch(strategy, xs_epoch[rows], ys_epoch[rows])
                with _signals_deferred():     # a step and its logging happen together
                    step, grads, history.stopped = run_watched_step(
                        lambda: step_fn(xs, ys, tf.constant(int(sizes[b])))[:6], step, epoch, b + 1, batches,
                        sizes[b], observers, names, variables, config, buffer, record_parameters)
                if history.stopped:
                    break
            with _signals_deferred():
                metrics = None
                if not history.stopped:
                    val_loss, val_accuracy = evaluate(x_val, y_val)
                    loss_sum, correct_sum = buffer.sums()
                    metrics = [loss_sum / n, correct_sum / n, float(val_loss), float(val_accuracy)]
                    history.epoch.append(epoch)
                    for key, value in zip(("loss", "accuracy", "val_loss", "val_accuracy"), metrics):
                        getattr(history, key).append(value)
                history.diverged, history.steps = bool(history.stopped), step
                record = _epoch_record(epoch, step, buffer, names, variables, grads, config, record_parameters,
                                       metrics)
                buffer = _EpochBuffer()   # handed over: an interruption now must not log these steps twice
                for obs in observers:
                    obs.on_epoch_end(record)
            if history.stopped:
                break
    except KeyboardInterrupt:
        partial = _epoch_record(epoch, step, buffer, names, variables, None, config, record_parameters, None)
        history.steps, history.stopped = step, f"interrupted at step {step} (epoch {epoch})"
        for obs in observers:
            obs.on_epoch_end(partial)
            obs.on_train_end(history)
        raise
    for obs in observers:
        obs.on_train_end(history)
    return history
