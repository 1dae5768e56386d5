"""Where a lesson's time goes, in seconds: one in-process run of a lesson at its default flags, timed by
wrapping the functions that do each kind of work (no profiler, so the Python work is not slowed down).

    python -m benchmarks.where_time_goes day2_mlp        # one JSON line
    for d in day1_perceptron day2_mlp ...; do python -m benchmarks.where_time_goes $d; done

import: importing the lesson module (TensorFlow, scikit-learn, matplotlib load here);
tracing: Python tracing of tf.functions (outermost func_graph_from_py_func);
compiling: the first compiled epoch's extra time over the later ones, tracing taken out (Grappler, kernels);
figures: matplotlib figures drawn and saved (course.pictures' figure functions, Figure.savefig);
logging: the TensorBoard observers' hooks (scalars, histograms, the 2-D pictures and the diagram);
training and the rest: what remains (the compiled epochs, eager steps, printing, data).
"""
import json
import statistics
import sys
import tempfile
import time

from course.cli import LESSONS      # no TensorFlow yet

if len(sys.argv) != 2 or sys.argv[1] not in LESSONS:
    sys.exit(f"usage: python -m benchmarks.where_time_goes LESSON, one of: {', '.join(LESSONS)}")
lesson = sys.argv[1]
T0 = time.perf_counter()
import importlib
mod = importlib.import_module(f"lessons.{lesson}")
T1 = time.perf_counter()
from tensorflow.python.framework import func_graph
import matplotlib.figure as mfig
from course.pictures import plots, charts, generative
from course.tensorboard.logger import RunLogger
from course.tensorboard.snapshots import Snapshots
import course.engine.runners as runners

acc = {"tracing": 0.0, "figures": 0.0, "logging": 0.0}
stack = []
def timed(category, fn):
    def wrapper(*a, **k):
        if stack:
            return fn(*a, **k)
        stack.append(category); t0 = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            acc[category] += time.perf_counter() - t0; stack.pop()
    wrapper.__wrapped__ = fn
    return wrapper
func_graph.func_graph_from_py_func = timed("tracing", func_graph.func_graph_from_py_func)
mfig.Figure.savefig = timed("figures", mfig.Figure.savefig)
import course.plots as plots_face          # what the lessons call: the face re-exports these figures
pictures = (plots.__name__, charts.__name__, generative.__name__)
for m in (plots, charts, generative, plots_face):
    for name in dir(m):
        f = getattr(m, name)
        drawn_here = getattr(f, "__module__", "") in (pictures if m is plots_face else (m.__name__,))
        if callable(f) and drawn_here and not name.startswith("_"):
            setattr(m, name, timed("figures", f))
for cls in (RunLogger, Snapshots):
    for name in list(vars(cls)):
        if name.startswith("on_"):
            setattr(cls, name, timed("logging", vars(cls)[name]))
rest_calls = {}   # runner id -> [(seconds, tracing inside)]
orig_rest = runners.Runner.rest
def rest(self, *a, **k):
    tr0, t0 = acc["tracing"], time.perf_counter()
    r = orig_rest(self, *a, **k)
    rest_calls.setdefault(id(self), []).append((time.perf_counter() - t0, acc["tracing"] - tr0))
    return r
runners.Runner.rest = rest
import contextlib, io
with contextlib.redirect_stdout(io.StringIO()):
    try:
        mod.main(["--logdir", tempfile.mkdtemp(prefix="where-time-goes-")])
    except SystemExit:
        pass
T2 = time.perf_counter()
compiling = 0.0
for calls in rest_calls.values():
    if len(calls) > 1:
        later = statistics.median(s for s, _ in calls[1:])
        compiling += max(0.0, calls[0][0] - calls[0][1] - later)
total = T2 - T0
row = {"lesson": lesson, "total": total, "import": T1 - T0, "tracing": acc["tracing"], "compiling": compiling,
       "figures": acc["figures"], "logging": acc["logging"]}
row["training and the rest"] = total - sum(v for k, v in row.items() if k not in ("lesson", "total"))
print(json.dumps({k: (round(v, 2) if isinstance(v, float) else v) for k, v in row.items()}))
