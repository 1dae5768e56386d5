"""Day 10 - Distributed training: the same GradientTape loop on several devices and machines.

Goal: split every global batch across two replicas with tf.distribute, see each replica's loss and
gradient on its half and the all-reduce that sums them into the one-device gradient, and train the
same MLP on one device, on two replicas (MirroredStrategy) and on two worker processes
(MultiWorkerMirroredStrategy over 127.0.0.1) to the same weights.

Run: python -m lessons.day10_distributed        (or: course run day10_distributed)

New: tf.distribute. A replica is one copy of the model on one device. The training step is the one
of every lesson, run by each replica on its slice of the global batch, with the loss divided by the
global batch size; optimizer.apply_gradients all-reduces (sums) the replicas' gradients, so every
copy applies the same update and the copies stay equal.

Note: with two or more GPUs the lesson mirrors the model on the first two (course.distribute.mirrored_strategy);
with fewer it splits the CPU into two logical devices (course.distribute.split_cpu, which must run before
TensorFlow starts its devices: the lesson does it first), and the two replicas then share the same cores, so they
show the mechanics, not a speed-up. The lesson says which it found. The code is the same either way: build the
model inside strategy.scope() and training.fit splits every batch across the replicas; MirroredStrategy() with no
arguments takes every GPU.

Note: several machines: the two workers here are processes on 127.0.0.1, each told by the environment variable
TF_CONFIG the address of every worker and its own index, e.g. TF_CONFIG='{"cluster": {"worker":
["10.0.0.1:12345", "10.0.0.2:12345"]}, "task": {"type": "worker", "index": 0}}' on the first machine and the
same with "index": 1 on the second. Start the same program on every machine (python -m course.distribute.workers
JOB.json RESULT.json, or your own script that creates tf.distribute.MultiWorkerMirroredStrategy() first);
they wait for each other, then all-reduce their gradients over the network every step. Worker 0, the chief,
writes the TensorBoard logs; the ports must be reachable between the machines.

Note: TensorFlow's worker servers listen on every network interface of the machine, and run operations for
anyone who connects. So the lesson's two workers run in a private network with nothing but a loopback
interface (a Linux network namespace): nothing beyond 127.0.0.1 can reach them. Where this machine cannot
make one, the two-worker run is skipped and says why; --workers-on-network runs it anyway, on this machine's
network, with a warning.

Note: all three runs use the same data order, initial weights, --optimizer, --learning-rate and global
--batch-size (split in two halves); their weights agree to float32 rounding (the sums are added in another
order; Adam or RMSprop at a learning rate far too large for them, such as 0.5, can grow that rounding
to 1e-4). The two workers are started with a time limit and stopped on any error or Ctrl-C.
"""
from __future__ import annotations

from course import cli
from course.config import Config

LESSON = "day10_distributed"
DEFAULTS = Config(epochs=10, learning_rate=0.5, batch_size=64, optimizer="sgd", dataset="moons")
DATASETS = ("moons", "circles", "xor_noisy", "blobs")
OPTIONS = {"--workers-on-network": dict(action="store_true", help="where this machine cannot give the two worker "
                                        "processes a private network, run them on its network anyway (their "
                                        "TensorFlow servers then accept connections from it while they train)")}

if __name__ == "__main__":
    # Flags first, and the title: the imports below load TensorFlow, which takes seconds.
    started = cli.start(LESSON, __doc__, DEFAULTS, DATASETS, options=OPTIONS)

import time
from pathlib import Path

import numpy as np

from course import data, distribute, models, training
from course.config import ConfigError, check_batch_size
from course.distribute import IsolationUnavailable, WorkerError, run_workers
from course.experiment import describe_model
from course.numbers import count
from course.runs import Lesson, LessonResult, RunResult
from course.training import tf

HIDDEN = (16, 16)          # the MLP 2 -> 16 relu -> 16 relu -> 1 sigmoid of Day 2
REPLICAS = 2


def build_model(ds, seed):
    """The same MLP with the same initial weights for every run (call it inside strategy.scope() to mirror it)."""
    return models.mlp(ds.n_features, hidden=HIDDEN, activation="relu", seed=seed)


def max_difference(a, b) -> float:
    """Largest |a - b| over every weight of two lists of arrays (NaN when a diverged run's weights are inf)."""
    with np.errstate(invalid="ignore"):
        return max(float(np.max(np.abs(np.asarray(x) - np.asarray(y)))) for x, y in zip(a, b))


def _short(device: str) -> str:
    """'/job:localhost/replica:0/task:0/device:CPU:1' -> 'CPU:1'"""
    return device.split("/")[-1].replace("device:", "")


def split_sizes(batch_size: int, replicas: int = REPLICAS) -> list:
    """Rows of a global batch each replica gets (``distribute.split_batch``): 65 -> [32, 33]."""
    return [(r + 1) * batch_size // replicas - r * batch_size // replicas for r in range(replicas)]


def _entry(name, shape, flat_index):
    index = ",".join(str(i) for i in np.unravel_index(flat_index, shape)) if shape else ""
    return f"{name}[{index}]"


# --- 1. replicas ---------------------------------------------------------------------

def what_a_replica_is(lesson, ds, strategy) -> None:
    print(f"== 1. Replicas: {strategy.num_replicas_in_sync} copies of "
          f"{describe_model(build_model(ds, lesson.config.seed))}")
    print("  A replica is one copy of the model on one device. MirroredStrategy keeps the copies' weights equal")
    print("  (mirrored variables); every step each replica takes its slice of the global batch, computes its")
    print("  gradient, the gradients are all-reduced (summed over the replicas) and every copy applies the")
    print("  same update. Devices here: " + ", ".join(_short(d) for d in strategy.extended.worker_devices))
    on_gpus = any("GPU" in d.upper() for d in strategy.extended.worker_devices)
    print("  (two of this machine's GPUs)\n" if on_gpus else
          "  (fewer than two GPUs here: the CPU split in two logical devices; with GPUs the same code uses them)\n")


# --- 2. one step, replica by replica ---------------------------------------------------

def first_step_by_replica(lesson, ds, strategy) -> dict:
    """The first global batch of training, replica by replica, against one device on the whole batch."""
    config, b = lesson.config, lesson.config.batch_size
    print(f"== 2. One step, replica by replica, on {ds}")
    rows = np.random.default_rng(config.seed).permutation(len(ds.y_train))[:b]   # fit's first batch
    x, y = ds.x_train[rows], ds.y_train[rows]                                     # (b, 2), (b,)

    # One device, the whole global batch: the step of every lesson.
    one = build_model(ds, config.seed)
    loss_one, _, grads_one = training.train_step(
        one, training.loss_for(one), training.make_optimizer(config.optimizer, config.learning_rate),
        tf.constant(x), training.labels_for(one, y))

    # New: the same step on each replica, on its slice; apply_gradients all-reduces (sums) the grads.
    with strategy.scope():
        model = build_model(ds, config.seed)                        # mirrored: one copy per replica
        optimizer = training.make_optimizer(config.optimizer, config.learning_rate)
        optimizer.build(model.trainable_variables)
    step = distribute.make_distributed_step(strategy, model, distribute.per_example_loss_for(model), optimizer)
    xs, ys = distribute.split_batch(strategy, tf.constant(x), training.labels_for(model, y))
    outputs, replica_losses, replica_grads = step(xs, ys, tf.constant(b))
    shares = [float(v) for v in strategy.experimental_local_results(replica_losses)]
    by_replica = [[np.asarray(strategy.experimental_local_results(g)[r]) for g in replica_grads]
                  for r in range(REPLICAS)]

    print_loss_shares(b, strategy.extended.worker_devices, shares, float(outputs.loss), float(loss_one))
    names = [models.variable_name(v) for v in model.trainable_variables]
    g_one, g_all = [np.asarray(g) for g in grads_one], [np.asarray(g) for g in outputs.grads]
    print_gradients(b, names, by_replica, g_all, g_one)
    diff = max_difference(g_all, g_one)
    # a mirrored variable holds one copy per replica (experimental_local_results lists them)
    copies = max(max_difference(local[1:], local[:1] * (len(local) - 1))
                 for v in model.trainable_variables for local in [strategy.experimental_local_results(v.value)])
    print(f"  all-reduced vs one device, every one of the {sum(g.size for g in g_one)} gradient entries: largest "
          f"difference {diff:.1e}")
    print(f"  after the update, the {REPLICAS} copies of every weight: largest difference {copies:.1e} (mirrored)")
    print("")
    numbers = {"first_step_loss": float(outputs.loss), "first_step_loss_one_device": float(loss_one),
               "first_step_replica_shares": shares, "first_step_gradient_difference": diff,
               "first_step_copies_difference": copies}
    return lesson.record(numbers)


def print_loss_shares(b, devices, shares, loss, loss_one) -> None:
    """Which rows of the global batch each replica took, and its share of the loss."""
    sizes = split_sizes(b)
    print(f"  The first global batch: {b} examples = " + " + ".join(str(s) for s in sizes)
          + f" ({REPLICAS} replicas x {b // REPLICAS})" * (len(set(sizes)) == 1))
    for r, device in enumerate(devices):
        print(f"    replica {r} on {_short(device)}: rows {r * b // REPLICAS}-"
              f"{(r + 1) * b // REPLICAS - 1} of the batch")
    print(f"  Each replica's loss share = sum of its {sizes[0]} losses / {b} (tf.nn.compute_average_loss with "
          f"global_batch_size={b}):")
    for r, share in enumerate(shares):
        print(f"    replica {r}: mean loss over its {sizes[r]} examples {share * b / sizes[r]:.4f}, share {share:.4f}")
    print(f"    sum of the shares (all-reduced) {loss:.4f} = one device's mean loss over all {b}: {loss_one:.4f}")


def print_gradients(b, names, by_replica, g_all, g_one) -> None:
    """Each variable's largest gradient entry: each replica's share, their all-reduced sum, one device's."""
    print(f"  Gradients: each replica's share of dL/dw (its own mean gradient x {split_sizes(b)[0]}/{b}), summed by "
          "the")
    print("  all-reduce, against one device on the whole batch; per variable, its largest entry:")
    print("    parameter              |  replica 0 |  replica 1 | all-reduced | one device")
    for k, name in enumerate(names):
        i = int(np.argmax(np.abs(g_one[k])))
        vals = [by_replica[0][k].flat[i], by_replica[1][k].flat[i], g_all[k].flat[i], g_one[k].flat[i]]
        print(f"    {_entry(name, g_one[k].shape, i):<22} | " + " | ".join(f"{v:10.6f}" for v in vals[:2])
              + f" | {vals[2]:11.6f} | {vals[3]:10.6f}")
    norms = [float(np.sqrt(sum(np.sum(g ** 2) for g in gs))) for gs in (*by_replica, g_all, g_one)]
    print(f"    {'gradient norm':<22} | {norms[0]:10.6f} | {norms[1]:10.6f} | {norms[2]:11.6f} | {norms[3]:10.6f}")


# --- 3. train: one device, two replicas, two workers -----------------------------------

def train_three_ways(lesson, ds, strategy, workers_on_network=False) -> dict:
    """One device, two replicas in this process, two worker processes: same model, data and order."""
    config = lesson.config
    print(f"== 3. Training the same MLP three ways, {count(config.epochs, 'epoch')}")
    rows, weights = [], {}

    print(f"-- one device: the loop of every lesson, global batch {config.batch_size}")
    model = build_model(ds, config.seed)
    start = time.perf_counter()
    run_ = lesson.train(model, ds, name="one_device", hparams={"replicas": 1, "processes": 1},
                        goal="the loop of every lesson on one device: the run the others must equal")
    rows.append(("one_device", "1 device, 1 process", 1, run_, time.perf_counter() - start, 0.0))
    weights["one_device"] = model.get_weights()

    print(f"\n-- two replicas: the same loop, each global batch of {config.batch_size} split across "
          f"{', '.join(_short(d) for d in strategy.extended.worker_devices)}")
    with strategy.scope():                              # New: the model's variables are mirrored
        model = build_model(ds, config.seed)
    start = time.perf_counter()
    run2 = lesson.train(model, ds, name="two_replicas", config=config.replace(trace_steps=0),
                        goal="each global batch split across two replicas in this process (MirroredStrategy)",
                        hparams={"replicas": REPLICAS, "processes": 1})   # fit sees the strategy
    rows.append(("two_replicas", f"{REPLICAS} devices, 1 process", REPLICAS, run2, time.perf_counter() - start,
                 0.0))
    weights["two_replicas"] = model.get_weights()

    print(f"\n-- two workers: {REPLICAS} processes on 127.0.0.1, MultiWorkerMirroredStrategy, TF_CONFIG each")
    workers = train_two_workers(lesson, ds, workers_on_network)
    if workers:
        run3, seconds, startup, weights["two_workers"] = workers
        rows.append(("two_workers", f"{REPLICAS} processes, 127.0.0.1", REPLICAS, run3, seconds, startup))

    names = [models.variable_name(v) for v in model.trainable_variables]
    for name, _, _, run_, _, _ in rows:     # the trained weights beside each run's logs, to compare runs
        np.savez(run_.run_dir / "final_weights.npz", **dict(zip(names, weights[name])))
    numbers = compare_the_runs(lesson, ds, rows, weights)
    if not any("GPU" in d.upper() for d in strategy.extended.worker_devices):
        print("  The replicas here share this machine's CPU cores, so more replicas add coordination, not speed:")
        print("  the gain comes with devices that each do their part of the arithmetic.")
    print("")
    return numbers


def compare_the_runs(lesson, ds, rows, weights) -> dict:
    """Each run's final loss and accuracy, and how far its weights are from the one-device run's."""
    config, numbers = lesson.config, {}
    print(f"\n  Same data ({len(ds.y_train)} training examples), initial weights and order, "
          f"{count(config.epochs, 'epoch')}, global batch {config.batch_size}, {config.optimizer} "
          f"lr {config.learning_rate:g}:")
    print("  run          | where                    | replicas | batch per replica | final loss | val acc "
          "| max |w - w_one_device| | seconds")
    for name, where, replicas, run_, seconds, startup in rows:
        diff = max_difference(weights[name], weights["one_device"])
        numbers.update({f"{name}_loss": run_.metrics["loss"], f"{name}_max_difference": diff,
                        f"{name}_val_accuracy": run_.metrics["val_accuracy"], f"{name}_seconds": seconds})
        extra = f" (+{startup:.1f} starting the processes)" if startup else ""
        split = " + ".join(str(k) for k in split_sizes(config.batch_size, replicas))
        print(f"  {name:<12} | {where:<24} | {replicas:8d} | {split:>17} "
              f"| {run_.metrics['loss']:10.4f} | {run_.metrics['val_accuracy']:7.3f} | {diff:22.1e} "
              f"| {seconds:7.2f}{extra}")
    print("  seconds: training, logging and figures (with compiling).")
    return lesson.record(numbers)


def train_two_workers(lesson, ds, workers_on_network=False):
    """The same run in two worker processes (``course.distribute.workers``) in a private network; the chief logs it.

    Returns (RunResult of the chief, kept in the lesson; training seconds, seconds starting the processes, chief's
    weights), or None when a worker failed or no private network could be made (said, and kept in the lesson's
    numbers).
    """
    config = lesson.config
    steps = config.epochs * -(-len(ds.y_train) // config.batch_size)
    job = {"dataset": ds.name, "hidden": list(HIDDEN), "activation": "relu", "lesson": LESSON,
           "name": "two_workers", "goal": "the same run in two worker processes joined by TF_CONFIG (the chief logs it)",
           "hparams": {"replicas": REPLICAS, "processes": REPLICAS},
           "config": {**config.as_dict(), "quiet": True}}
    start = time.perf_counter()
    try:   # generous: start-up, then about 50 ms a step here (eager steps are slower)
        chief, other = run_workers(job, REPLICAS, network=workers_on_network,
                                   timeout=180 + 0.5 * steps * (10 if config.eager else 1))
    except IsolationUnavailable as why:
        print("  Skipped: TensorFlow's worker servers listen on every network interface and run operations for anyone")
        print(f"  who connects, and this machine cannot give them a private network ({why}).")
        print("  --workers-on-network runs them anyway, on this machine's network, while they train.")
        lesson.record({"two_workers_skipped": str(why)})
        return None
    except WorkerError as err:
        print(f"  The two-worker run failed: {err}")
        lesson.record({"two_workers_error": str(err)})
        return None
    total = time.perf_counter() - start
    if not chief["isolated"]:
        print("  Warning: --workers-on-network: the two workers' TensorFlow servers listened on this machine's network "
              "while they\n  trained: anyone who could reach their ports could run operations on them (no password).")
    difference = max_difference(chief["weights"], other["weights"])
    lesson.record({"workers_difference": difference})
    print(f"  worker 0 (chief) logged to {chief['run_dir']}; worker 1 trained the same steps without logging")
    print(f"  the two workers' final weights: largest difference {difference:.1e}")
    logged = chief["history"]
    history = training.History(epoch=list(range(1, len(logged["loss"]) + 1)),
                               **{k: logged[k] for k in ("loss", "accuracy", "val_loss", "val_accuracy", "steps")},
                               stop=training.Stop(**logged["stop"]) if logged["stop"] else None)
    run_ = lesson.keep(RunResult("two_workers", run_dir=Path(chief["run_dir"]), history=history, model=None,
                                 metrics=history.final()))
    return run_, chief["seconds"], total - chief["seconds"], [np.asarray(w, np.float32) for w in chief["weights"]]


def takeaways(lesson) -> None:
    differences = [lesson.numbers[key] for key in ("two_replicas_max_difference", "two_workers_max_difference")
                   if key in lesson.numbers]
    shown = differences and all(np.isfinite(differences)) and max(differences) <= 1e-3
    lesson.takeaways([
        "Data parallelism: every replica holds the whole model and takes a slice of each global batch; the "
        "all-reduce sums their gradients, so every copy applies the one-device update of that batch.",
        "Divide each replica's summed loss by the GLOBAL batch size (tf.nn.compute_average_loss): a per-replica mean "
        f"would make the summed gradient {REPLICAS} times too large.",
        "The same global batch gives the same weights, to float32 rounding, on one device, two replicas or two "
        + (f"processes (here they differ by at most {max(differences):.1e}); more replicas usually means a larger "
           "global batch: retune the learning rate." if shown else
           "processes at a workable learning rate; here the runs cannot show it (see the table)."),
        "Several GPUs: the same code under MirroredStrategy. Several machines: the same program on each, with "
        "TF_CONFIG listing every worker's address and its own index (see --help); the chief logs."])


def run(config: Config, workers_on_network: bool = False) -> LessonResult:
    lesson = Lesson(LESSON, config)
    # Check everything first: a bad setting stops the lesson before it writes anything.
    ds = data.load(config.dataset, seed=config.seed)
    if ds.n_classes != 2:
        raise ConfigError(f"dataset {config.dataset!r} has {ds.n_classes} classes; this lesson needs 2")
    check_batch_size(config, ds)
    if config.batch_size < REPLICAS:
        raise ConfigError(f"batch_size {config.batch_size} cannot be split across {REPLICAS} replicas; "
                          f"use at least {REPLICAS}")
    # New: the devices are fixed before TensorFlow runs anything (split_cpu needs a fresh process).
    strategy = distribute.mirrored_strategy(REPLICAS)

    what_a_replica_is(lesson, ds, strategy)                    # 1. replicas
    first_step_by_replica(lesson, ds, strategy)                # 2. one step, replica by replica
    train_three_ways(lesson, ds, strategy, workers_on_network)  # 3. one device, two replicas, two workers
    takeaways(lesson)
    return lesson.result


def main(argv=None, prog=None) -> int:
    return cli.lesson_main(run, LESSON, __doc__, argv, defaults=DEFAULTS, datasets=DATASETS, prog=prog,
                           options=OPTIONS)


if __name__ == "__main__":
    raise SystemExit(started.run(run))
