"""Side by side, in one process and interleaved: how fast each way of training a lesson model is.

For each lesson model (the perceptron on blobs, an MLP 2-16-16-1 on moons, a softmax classifier
784-128-10 on 10,000 synthetic examples, one 64-64-10 on digits) it times one epoch of plain SGD
(same data, batch size, learning rate and initial weights) with:

    keras_fit      Keras `model.fit`, what a learner would use instead
    course_log     the course loop with its default TensorBoard logging
    course_nolog   the course loop with logging off
    course_eager   the course loop with --eager (the step as plain Python)
    epoch_call     the course's compiled epoch called alone (shuffle, every step, validation, the host copy
                   of its results), without the loop's Python around it: what the loop costs beyond it
    epoch_xla      the same epoch compiled by XLA (make_epoch(jit_compile=True)); its compile time apart
    numpy          a from-scratch NumPy loop (course.reference.sgd_step), on one BLAS thread (these
                   matrices are too small for threads, which only contend with TensorFlow's)

The first epoch of every run (tracing, compiling) is left out. Each repeat runs every variant once,
in turn, so a slow moment of the machine hits all of them alike. It prints ms/epoch (median, min,
max over repeats), samples/s, the speed-up against `model.fit` and the time over the NumPy loop's
(the floor); the logging cost twice: the logger's own work per epoch (timed around it) and logged vs
unlogged whole epochs (median of the paired repeats, noisy); then where a course epoch's time goes.

Then, for the main run of Days 1, 2 and 5 at the lessons' default settings, the whole ``fit`` call with
the default TensorBoard logging of ``train_and_log`` (scalars, histograms, the 2-D pictures, text,
graph, hparams) against the same call with no logging, interleaved: the logging's own work (every
observer hook, timed around it, plus opening and closing the files) as a share of the unlogged
training, with and without the first epoch's tracing and compiling. Last, every lesson's wall time, the
time to its first printed line and its peak memory, run as a learner would, each beside a bare
``python -c "import tensorflow"`` timed just before it (the floor every lesson stands on). Everything
is also written as JSON.

    python -m benchmarks.bench_training                 # about 8 minutes on 2 cores
    python -m benchmarks.bench_training --quick         # fewer repeats, a smoke run
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from course import data, models, reference, training
from course.cli import LESSONS
from course.config import Config
from course.experiment import tensorboard_observers
from course.core.models import parameter_count
from course.core.optimizers import make_optimizer
from course.core.runtime import keras, tf
from course.engine.compiled import SMALL_MODEL_PARAMETERS, make_epoch, make_step
from course.tensorboard.logger import RunLogger
from course.trace import TracePrinter

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = ("keras_fit", "course_log", "course_nolog", "course_eager", "epoch_call", "epoch_xla", "numpy")


def synthetic(n=10000, features=784, classes=10, seed=0):
    """Gaussian features labelled by a random linear teacher: MNIST-sized without a download."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features))
    y = np.argmax(x @ rng.normal(size=(features, classes)), axis=1)
    return data.from_arrays("synthetic", x, y, seed=seed, validation_fraction=0.1)


def cases():
    return [
        ("perceptron 2-1 / blobs", data.blobs(seed=0), lambda: models.perceptron(2, seed=0), 0.5),
        ("mlp 2-16-16-1 / moons", data.moons(seed=0), lambda: models.mlp(2, hidden=(16, 16), seed=0), 0.1),
        ("softmax 784-128-10 / synthetic 10k", synthetic(),
         lambda: models.softmax_classifier(784, 10, hidden=(128,), seed=0), 0.05),
        ("softmax 64-64-10 / digits", data.digits(seed=0),
         lambda: models.softmax_classifier(64, 10, hidden=(64,), seed=0), 0.1),
    ]


class TimedLogger(RunLogger):
    """The default RunLogger, also keeping the time its per-epoch work took (all of its logging)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seconds = []

    def on_epoch_end(self, record):
        start = time.perf_counter()
        super().on_epoch_end(record)
        self.seconds.append(time.perf_counter() - start)


LOGGING_WORK = []   # ms of logging per epoch, one entry per logged run (first epoch left out)


def time_course(ds, build, lr, epochs, batch, *, log, eager):
    model = build()
    timer = training.EpochTimer()
    observers = [timer]
    with tempfile.TemporaryDirectory() as tmp:
        if log:
            logger = TimedLogger(Path(tmp) / "run")
            observers = [logger, timer]
        training.fit(model, ds, Config(epochs=epochs + 1, learning_rate=lr, batch_size=batch, eager=eager),
                     observers=observers)
        if log:
            logger.close()
            LOGGING_WORK.append(1000 * statistics.mean(logger.seconds[1:]))
    return timer.per_epoch()


class KerasTimer(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.stamps = [time.perf_counter()]

    def on_epoch_end(self, epoch, logs=None):
        self.stamps.append(time.perf_counter())


def time_keras_fit(ds, build, lr, epochs, batch):
    model = build()
    model.compile(optimizer=keras.optimizers.SGD(lr), loss=training.loss_for(model), metrics=["accuracy"])
    y = ds.y_train.reshape(-1, 1).astype("float32") if model.output_shape[-1] == 1 else ds.y_train
    y_val = ds.y_val.reshape(-1, 1).astype("float32") if model.output_shape[-1] == 1 else ds.y_val
    timer = KerasTimer()
    # validation each epoch, as the course loop does
    model.fit(ds.x_train, y, batch_size=batch, epochs=epochs + 1, shuffle=True, verbose=0,
              validation_data=(ds.x_val, y_val), callbacks=[timer])
    return list(np.diff(timer.stamps)[1:])


def time_numpy(ds, build, lr, epochs, batch):
    from threadpoolctl import threadpool_limits           # scikit-learn's dependency
    layers = reference.layers_from_keras(build())
    rng = np.random.default_rng(0)
    n = len(ds.y_train)
    times = []
    x, y = ds.x_train.astype(np.float64), ds.y_train
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in range(epochs):
            start = time.perf_counter()
            order = rng.permutation(n)
            for b in range(0, n, batch):
                idx = order[b:b + batch]
                _, layers = reference.sgd_step(x[idx], y[idx], layers, lr)
            reference.loss_and_gradients(ds.x_val, ds.y_val, layers)        # validation, as the others do
            times.append(time.perf_counter() - start)
    return times


COMPILE_S = {}    # seconds of each epoch_* variant's first call (tracing, and XLA's compiling), by variant


def time_epoch_call(ds, build, lr, epochs, batch, *, jit_compile):
    """The compiled epoch alone, as ``Runner.rest`` calls it: from a permutation to the host's copy of its
    results (StepSeries, validation, the variables' values). The first call, traced (and compiled), apart."""
    model = build()
    loss_fn = training.loss_for(model)
    optimizer = make_optimizer("sgd", lr)
    optimizer.build(model.trainable_variables)
    small = parameter_count(model) <= SMALL_MODEL_PARAMETERS
    data = (tf.constant(ds.x_train), training.labels_for(model, ds.y_train), tf.constant(ds.x_val),
            training.labels_for(model, ds.y_val))
    epoch = make_epoch(model, loss_fn, make_step(model, loss_fn, optimizer, record_parameters=small), batch, data,
                       record_parameters=small, jit_compile=jit_compile)
    rng, n, times = np.random.default_rng(0), len(ds.y_train), []
    for _ in range(epochs + 1):
        start = time.perf_counter()
        series, end, _, validation, finite, values = epoch(tf.constant(rng.permutation(n)), tf.constant(0, tf.int32))
        [a.numpy()[:int(end)] for a in series], validation.numpy(), bool(finite), [v.numpy() for v in values]
        times.append(time.perf_counter() - start)
    COMPILE_S.setdefault("epoch_xla" if jit_compile else "epoch_call", []).append(times[0])
    return times[1:]


class Timed(training.Observer):
    """Another observer, with the time its hooks take added up."""

    def __init__(self, inner):
        self.inner, self.seconds = inner, 0.0
        self.full_steps, self.wants_graph = inner.full_steps, inner.wants_graph

    def _call(self, hook, *args):
        start = time.perf_counter()
        getattr(self.inner, hook)(*args)
        self.seconds += time.perf_counter() - start

    def on_train_begin(self, *args):
        self._call("on_train_begin", *args)

    def on_graph(self, graph):
        self._call("on_graph", graph)

    def on_step(self, record):
        self._call("on_step", record)

    def on_epoch_end(self, record):
        self._call("on_epoch_end", record)

    def on_train_end(self, history):
        self._call("on_train_end", history)


def silent_trace(config):
    """The lesson's trace printer, printing nowhere: both variants run its first steps one at a time."""
    return TracePrinter(config.trace_steps, print_fn=lambda *line: None)


def lesson_cases():
    """The main run of Days 1, 2 and 5 at the lesson's default settings."""
    from lessons import day1_perceptron, day2_mlp, day5_softmax
    return [
        ("Day 1: perceptron / blobs", data.blobs(seed=0), lambda: models.perceptron(2, seed=0),
         day1_perceptron.DEFAULTS),
        ("Day 2: mlp 2-16-16-1 / moons", data.moons(seed=0),
         lambda: models.mlp(2, hidden=(16, 16), activation="relu", seed=0), day2_mlp.DEFAULTS),
        ("Day 5: softmax 64-10 / digits", data.digits(seed=0),
         lambda: models.softmax_classifier(64, 10, seed=0), day5_softmax.DEFAULTS),
    ]


def lesson_logging(label, ds, build, defaults, repeats):
    """Whole ``fit`` calls, default logging against none, interleaved; the logging's own work timed."""
    config = defaults.replace(quiet=True)
    logged, unlogged, work, after_first = [], [], [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            model = build()
            start = time.perf_counter()
            observers = [Timed(o) for o in tensorboard_observers(Path(tmp) / "run", model, ds, config,
                                                                 hparams={"lesson": label}, goal=label)]
            opened = time.perf_counter() - start
            training.fit(model, ds, config, observers=[silent_trace(config), *observers])
            closing = time.perf_counter()
            observers[0].inner.close()
            logged.append(time.perf_counter() - start)
            work.append(opened + (time.perf_counter() - closing) + sum(o.seconds for o in observers))
        timer = training.EpochTimer()
        start = time.perf_counter()
        training.fit(build(), ds, config, observers=[silent_trace(config), timer])
        unlogged.append(time.perf_counter() - start)
        after_first.append(sum(timer.per_epoch()))
    row = {"run": label, "epochs": config.epochs, "fit_logged_s": statistics.median(logged),
           "fit_unlogged_s": statistics.median(unlogged), "logging_work_s": statistics.median(work),
           "unlogged_after_first_epoch_s": statistics.median(after_first)}
    row["logging_work_pct_of_fit"] = round(100 * row["logging_work_s"] / row["fit_unlogged_s"], 1)
    row["logging_work_pct_after_first_epoch"] = round(
        100 * row["logging_work_s"] / row["unlogged_after_first_epoch_s"], 1)
    row["whole_fit_overhead_pct"] = round(100 * (row["fit_logged_s"] / row["fit_unlogged_s"] - 1), 1)
    print(f"\n{label} ({config.epochs} epochs, default flags): fit {row['fit_unlogged_s']:.3f} s unlogged, "
          f"{row['fit_logged_s']:.3f} s logged ({row['whole_fit_overhead_pct']:+.1f}%); logging work "
          f"{1000 * row['logging_work_s']:.1f} ms = {row['logging_work_pct_of_fit']:.1f}% of the unlogged fit, "
          f"{row['logging_work_pct_after_first_epoch']:.1f}% of its epochs after the first")
    return row


def import_tensorflow_s() -> float:
    """Wall seconds of a bare ``python -c "import tensorflow"``: the floor every lesson stands on."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import tensorflow"], cwd=ROOT, capture_output=True, check=True)
    return time.perf_counter() - start


def lesson_footprint(name):
    """Wall seconds, seconds to the first printed line, and peak resident memory of a lesson with default flags,
    run as a learner would, beside a bare TensorFlow import timed just before it.

    The peak is the child's own VmHWM from /proc, read until it exits (rusage's ru_maxrss would
    include this parent's memory at fork time: Linux carries it across exec).
    """
    import threading
    floor = import_tensorflow_s()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", f"lessons.{name}", "--quiet", "--logdir", tmp],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        first = []

        def read():
            for line in proc.stdout:
                if not first:
                    first.append(time.perf_counter() - start)
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        peak_kib = 0
        while proc.poll() is None:
            try:
                status = Path(f"/proc/{proc.pid}/status").read_text()
                peak_kib = max(peak_kib, int(status.split("VmHWM:")[1].split()[0]))
            except (OSError, IndexError, ValueError):
                pass
            time.sleep(0.05)
        wall = time.perf_counter() - start
        reader.join()
    if proc.returncode != 0:
        raise RuntimeError(f"lesson {name} failed: {proc.stderr.read().decode()[-500:]}")
    return {"wall_s": round(wall, 2), "first_line_s": round(first[0], 2) if first else None,
            "import_tensorflow_s": round(floor, 2), "beyond_import_s": round(wall - floor, 2),
            "peak_rss_mib": round(peak_kib / 1024, 1)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7, help="interleaved repeats (default 7)")
    parser.add_argument("--epochs", type=int, default=10, help="timed epochs per run (default 10)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--quick", action="store_true", help="2 repeats of 2 epochs: a smoke run")
    parser.add_argument("--json", default="", help="where to write the JSON (default benchmarks/results/)")
    parser.add_argument("--only", choices=("models", "lesson-logging", "lessons"), default=None,
                        help="run one part of the benchmark")
    args = parser.parse_args(argv)
    repeats, epochs = (2, 2) if args.quick else (args.repeats, args.epochs)
    results = {"machine": {"python": platform.python_version(), "tensorflow": tf.__version__,
                           "keras": keras.__version__, "cpus": os.cpu_count(),
                           "devices": [d.name for d in tf.config.list_physical_devices()]},
               "settings": {"repeats": repeats, "epochs": epochs, "batch_size": args.batch_size,
                            "optimizer": "sgd"}, "models": [], "lesson_logging": [], "lessons": {}}
    for label, ds, build, lr in (cases() if args.only in (None, "models") else []):
        samples = {v: [] for v in VARIANTS}
        for _ in range(repeats):
            runs = {
                "keras_fit": lambda: time_keras_fit(ds, build, lr, epochs, args.batch_size),
                "course_log": lambda: time_course(ds, build, lr, epochs, args.batch_size, log=True, eager=False),
                "course_nolog": lambda: time_course(ds, build, lr, epochs, args.batch_size, log=False, eager=False),
                "course_eager": lambda: time_course(ds, build, lr, 1, args.batch_size, log=False, eager=True),
                "epoch_call": lambda: time_epoch_call(ds, build, lr, epochs, args.batch_size, jit_compile=False),
                "epoch_xla": lambda: time_epoch_call(ds, build, lr, epochs, args.batch_size, jit_compile=True),
                "numpy": lambda: time_numpy(ds, build, lr, epochs, args.batch_size),
            }
            for variant in VARIANTS:
                samples[variant].append(1000 * statistics.mean(runs[variant]()))   # ms/epoch of this repeat
        n = len(ds.y_train)
        fit_median, floor = statistics.median(samples["keras_fit"]), statistics.median(samples["numpy"])
        row = {"model": label, "n_train": n, "steps_per_epoch": -(-n // args.batch_size), "variants": {}}
        for variant in VARIANTS:
            median = statistics.median(samples[variant])
            row["variants"][variant] = {
                "ms_per_epoch_median": round(median, 2), "ms_per_epoch_min": round(min(samples[variant]), 2),
                "ms_per_epoch_max": round(max(samples[variant]), 2),
                "samples_per_s": round(n / (median / 1000)), "speedup_vs_fit": round(fit_median / median, 2),
                "times_numpy": round(median / floor, 2)}
        # The course loop (logging included) over the NumPy loop, each repeat against the NumPy run of the same
        # repeat: the "loop to floor" ratio, with its spread over the repeats.
        floor_ratios = [log / npy for log, npy in zip(samples["course_log"], samples["numpy"])]
        row["loop_over_numpy"] = round(statistics.median(floor_ratios), 2)
        row["loop_over_numpy_range"] = [round(min(floor_ratios), 2), round(max(floor_ratios), 2)]
        row["first_call_s"] = {k: round(statistics.median(v), 2) for k, v in COMPILE_S.items()}
        COMPILE_S.clear()
        # Paired: each repeat's logged run against the unlogged run just after it, so a slow moment
        # of the machine (this 2-core VM varies by tens of percent between minutes) hits both.
        ratios = [log / nolog for log, nolog in zip(samples["course_log"], samples["course_nolog"])]
        row["logging_overhead_pct"] = round(100 * (statistics.median(ratios) - 1), 1)
        row["logging_overhead_pct_range"] = [round(100 * (min(ratios) - 1), 1), round(100 * (max(ratios) - 1), 1)]
        # The logger's own work, timed around it: the same cost without the noise of whole epochs.
        work = statistics.median(LOGGING_WORK)
        row["logging_ms_per_epoch"] = round(work, 3)
        row["logging_work_pct"] = round(100 * work / row["variants"]["course_nolog"]["ms_per_epoch_median"], 1)
        LOGGING_WORK.clear()
        results["models"].append(row)
        print_row(row)
    for label, ds, build, defaults in (lesson_cases() if args.only in (None, "lesson-logging") else []):
        results["lesson_logging"].append(lesson_logging(label, ds, build, defaults, repeats))
    for lesson in (LESSONS if args.only in (None, "lessons") else []):
        results["lessons"][lesson] = lesson_footprint(lesson)
        row = results["lessons"][lesson]
        print(f"lesson {lesson}: {row['wall_s']} s wall, first line after {row['first_line_s']} s; a bare "
              f"`import tensorflow` {row['import_tensorflow_s']} s, so {row['beyond_import_s']} s beyond it; "
              f"{row['peak_rss_mib']} MiB peak resident memory")
    out = Path(args.json) if args.json else ROOT / "benchmarks" / "results" / time.strftime("%Y%m%d-%H%M%S.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"\nJSON written to {out}")
    return 0


def print_row(row):
    print(f"\n{row['model']}  ({row['n_train']} examples, {row['steps_per_epoch']} steps/epoch)")
    print(f"  {'variant':<13} {'ms/epoch median':>15} {'min':>9} {'max':>9} {'samples/s':>11} {'vs fit':>7} "
          f"{'x numpy':>8}")
    for variant, v in row["variants"].items():
        print(f"  {variant:<13} {v['ms_per_epoch_median']:>15.2f} {v['ms_per_epoch_min']:>9.2f} "
              f"{v['ms_per_epoch_max']:>9.2f} {v['samples_per_s']:>11,} {v['speedup_vs_fit']:>6.2f}x "
              f"{v['times_numpy']:>7.2f}x")
    low, high = row["loop_over_numpy_range"]
    print(f"  the course loop with its logging: {row['loop_over_numpy']:.2f}x the NumPy loop's time "
          f"(median of paired repeats, range {low:.2f}x .. {high:.2f}x)")
    low, high = row["logging_overhead_pct_range"]
    print(f"  default logging: {row['logging_ms_per_epoch']:.2f} ms of logging work per epoch = "
          f"{row['logging_work_pct']:.1f}% of the unlogged epoch; whole epochs logged vs not: "
          f"{row['logging_overhead_pct']:+.1f}% (median of paired repeats, range {low:+.1f}% .. {high:+.1f}%)")
    v = {k: x["ms_per_epoch_median"] for k, x in row["variants"].items()}
    first = row["first_call_s"]
    saved = v["epoch_call"] - v["epoch_xla"]
    payback = (f"repaid after {(first['epoch_xla'] - first['epoch_call']) / (saved / 1000):,.0f} epochs"
               if saved > 0 else "never repaid")
    print(f"  where an epoch goes: the compiled epoch {v['epoch_call']:.2f} ms, the loop's Python around it "
          f"{v['course_nolog'] - v['epoch_call']:+.2f} ms, logging {v['course_log'] - v['course_nolog']:+.2f} ms; "
          f"XLA runs the epoch in {v['epoch_xla']:.2f} ms after {first['epoch_xla']:.2f} s of compiling "
          f"(first call without XLA: {first['epoch_call']:.2f} s): {payback}")


if __name__ == "__main__":
    raise SystemExit(main())
