"""course.cli.commands: the `course` command (list, run, tensorboard, info), and the real TensorBoard started by
`course tensorboard` on 127.0.0.1, reading lesson runs over HTTP: what the logger wrote is what TensorBoard shows."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from course.cli import commands
from course.cli.lessons import LESSONS, lesson_goal
from course.core.config import Config
from course.distribute import isolation
from lessons import day1_perceptron, day2_mlp
from tests.helpers import BACKGROUND, ROOT, fresh_process, python


def test_course_list_shows_every_lesson_with_its_goal(capsys):
    assert commands.main(["list"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    width = max(len(name) for name in LESSONS)
    starts = [line for line in lines if line[:1].strip()]      # a lesson's first line starts with its name
    assert [line.split()[0] for line in starts[:-1]] == list(LESSONS)
    for name, line in zip(LESSONS, starts):
        goal = lesson_goal(name)
        assert line == f"{name:<{width}}  {goal[:len(line) - width - 2]}" and len(line) <= 100
    # each goal in full, wrapped beside its name
    blocks = out.split("\n\n")[:len(LESSONS)]
    for name, block in zip(LESSONS, blocks):
        assert " ".join(part[width + 2:] for part in block.splitlines()) == lesson_goal(name)
    assert lines[0].startswith("day1_perceptron".ljust(width) + "  train a single sigmoid neuron with gradient")
    assert starts[-1] == "Run one with: course run NAME   (or python -m lessons.NAME); add --help for its flags"


def test_course_list_does_not_import_tensorflow():
    # import-time behaviour: a fresh process, where nothing has imported TensorFlow yet
    proc = python("-c", "import sys, course.cli as c; c.main(['list']); print('tensorflow' in sys.modules)",
                  timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip().endswith("False")


def test_course_run_unknown_lesson_and_no_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        commands.main(["run", "day99"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == (f"course: error: unknown lesson 'day99'; choose from "
                                       f"{', '.join(LESSONS)} (see --help)\n")
    assert commands.main([]) == 2
    assert capsys.readouterr().out.startswith("usage: course ")


def test_course_run_without_a_lesson_lists_them(capsys):
    assert commands.main(["run", "--help"]) == 0
    assert capsys.readouterr().out == (f"usage: course run LESSON [flags]\n\nLESSON is one of: {', '.join(LESSONS)}\n"
                                       "Its flags: course run LESSON --help\n")
    assert commands.main(["run"]) == 2
    assert "LESSON is one of" in capsys.readouterr().err


@pytest.mark.filterwarnings("ignore:'lessons.day1_perceptron' found in sys.modules:RuntimeWarning")   # imported here
def test_course_run_passes_flags_to_the_lesson(tmp_path, capsys):
    handler_before = signal.getsignal(signal.SIGINT)
    code = commands.main(["run", "day1_perceptron", "--dataset", "blobs", "--epochs", "1", "--quiet",
                          "--logdir", str(tmp_path)])
    assert code == 0
    assert signal.getsignal(signal.SIGINT) is handler_before      # the caller's Ctrl-C handling is back
    out = capsys.readouterr().out
    assert f"tensorboard --logdir {tmp_path / 'day1_perceptron'}" in out
    (run_dir,) = (tmp_path / "day1_perceptron").iterdir()
    assert run_dir.name.endswith("_blobs")
    assert commands.main(["run", "day1_perceptron", "--epochs", "0"]) == 2           # the lesson's exit status
    assert capsys.readouterr().err.startswith("course run day1_perceptron: error: argument --epochs")


def test_course_info_prints_versions_and_devices(capsys):
    import keras
    import numpy
    import sklearn
    import tensorboard
    import tensorflow as tf
    assert commands.main(["info"]) == 0
    out = capsys.readouterr().out
    assert f"tensorflow   {tf.__version__}" in out
    assert f"keras        {keras.__version__}" in out
    assert f"tensorboard  {tensorboard.__version__}" in out
    assert f"numpy        {numpy.__version__}" in out and f"scikit-learn {sklearn.__version__}" in out
    assert "CPU devices  /physical_device:CPU:0" in out and "GPU devices  none" in out


def test_course_tensorboard_without_logs_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        commands.main(["tensorboard", "--logdir", str(tmp_path / "none")])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == (f"course: error: no log directory {str(tmp_path / 'none')!r} yet: run a lesson "
                                       "first, e.g. course run day1_perceptron (see --help)\n")
    with pytest.raises(SystemExit) as exit_info:
        commands.main(["tensorboard", "--port", "0"])
    assert exit_info.value.code == 2
    capsys.readouterr()
    (tmp_path / "a-file").write_text("")
    with pytest.raises(SystemExit) as exit_info:
        commands.main(["tensorboard", "--logdir", str(tmp_path / "a-file")])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == (f"course: error: --logdir {str(tmp_path / 'a-file')!r} is a file, not a "
                                       "directory of runs (see --help)\n")


def test_console_script_is_declared():
    text = (ROOT / "setup.cfg").read_text()
    assert "course = course.cli:main" in text
    from course.cli import main
    assert main is commands.main


# --- the real TensorBoard, over HTTP -----------------------------------------------------------------------

def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    logdir = tmp_path_factory.mktemp("tb")
    day1_perceptron.run(Config(epochs=2, learning_rate=0.5, logdir=str(logdir), dataset="blobs", quiet=True))
    day2_mlp.run(Config(epochs=3, learning_rate=0.05, optimizer="adam", logdir=str(logdir), dataset="moons",
                        quiet=True))
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "course", "tensorboard", "--logdir", str(logdir), "--all",
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = proc.stdout.readline()
        assert f"at http://127.0.0.1:{port}/" in line, line + proc.stderr.read() if proc.poll() else line
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 90
        while time.time() < deadline:    # TensorBoard loads event files in the background
            tags = _get(base, "/data/plugin/scalars/tags")
            if len(tags) >= 6 and all("epoch_loss" in t for t in tags.values()):
                break
            time.sleep(0.5)
        yield base, logdir
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


def _get(base, path, **params):
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    with urllib.request.urlopen(url, timeout=30) as response:
        body = response.read()
    return json.loads(body) if response.headers.get_content_type() == "application/json" else body


def _run(runs, lesson, name, split):
    (run,) = [r for r in runs if r == f"{lesson}/{name}/{split}"]
    return run


def test_tensorboard_binds_to_loopback_and_lists_the_runs_by_their_names(board):
    base, _ = board
    runs = _get(base, "/data/runs")              # --all: each run under its lesson, by its own name; no "."
    assert sorted(runs) == sorted(f"{lesson}/{name}{split}" for lesson, name in (
        ("day1_perceptron", "blobs"), ("day2_mlp", "xor"), ("day2_mlp", "moons"))
        for split in ("", "/train", "/validation"))


def test_scalars_train_and_validation_loss_accuracy_and_perceptron_paths(board):
    base, _ = board
    runs = _get(base, "/data/runs")
    tags = _get(base, "/data/plugin/scalars/tags")
    train, val = _run(runs, "day1_perceptron", "blobs", "train"), _run(runs, "day1_perceptron", "blobs", "validation")
    assert {"epoch_loss", "epoch_accuracy", "batch_loss", "gradient_norm", "learning_rate",
            "parameters/output/kernel[0,0]", "parameters/output/bias[0]",
            "gradients/output/kernel[1,0]"} <= set(tags[train])
    assert set(tags[val]) == {"epoch_loss", "epoch_accuracy"}
    points = _get(base, "/data/plugin/scalars/scalars", run=val, tag="epoch_accuracy")
    assert [p[1] for p in points] == [1, 2] and all(0 <= p[2] <= 1 for p in points)
    path = _get(base, "/data/plugin/scalars/scalars", run=train, tag="parameters/output/kernel[0,0]")
    assert [p[1] for p in path] == list(range(0, 21))     # step 0 (initial) .. 20 (2 epochs x 10 steps)


def test_histograms_of_weights_biases_and_gradients_for_every_layer(board):
    base, _ = board
    runs = _get(base, "/data/runs")
    tags = _get(base, "/data/plugin/histograms/tags")
    moons = _run(runs, "day2_mlp", "moons", "train")
    expected = {f"{kind}/{layer}" for kind in ("weights", "biases") for layer in ("hidden_1", "hidden_2", "output")}
    expected |= {f"gradients/{layer}/{v}" for layer in ("hidden_1", "hidden_2", "output") for v in ("kernel", "bias")}
    assert set(tags[moons]) == expected
    hist = _get(base, "/data/plugin/histograms/histograms", run=moons, tag="weights/hidden_2")
    assert [step for _, step, _ in hist] == [0, 75]         # initial weights, and after 3 epochs of 25 steps
    assert all(sum(b[2] for b in buckets) == 16 * 16 for _, _, buckets in hist)
    perceptron = _run(runs, "day1_perceptron", "blobs", "train")
    assert {"weights/output", "biases/output", "gradients/output/kernel", "gradients/output/bias"} == set(
        tags[perceptron])


def test_decision_boundary_image_and_hyperparameter_text(board):
    base, _ = board
    runs = _get(base, "/data/runs")
    images = _get(base, "/data/plugin/images/tags")
    for lesson, name, steps in (("day1_perceptron", "blobs", 20), ("day2_mlp", "moons", 75)):
        run = _run(runs, lesson, name, "train")
        assert {"snapshots/decision_boundary", "training_curves"} <= set(images[run])
        entry = _get(base, "/data/plugin/images/images", run=run, tag="snapshots/decision_boundary")[-1]
        png = _get(base, "/data/plugin/images/individualImage?" + entry["query"])
        assert entry["step"] == steps and png[:8] == b"\x89PNG\r\n\x1a\n"     # the trained model, at its last step
    text_tags = _get(base, "/data/plugin/text/tags")
    run = _run(runs, "day1_perceptron", "blobs", "train")
    assert set(text_tags[run]) == {"run/hyperparameters", "run/goal", "trace/update_step"}
    (text,) = _get(base, "/data/plugin/text/text", run=run, tag="run/hyperparameters")
    assert "<td>learning_rate</td>" in text["text"] and "<td>0.5</td>" in text["text"]


def _post(base, path, body):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _png_size(png):
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_per_epoch_boundary_pictures_unit_heatmaps_and_network_diagram(board):
    base, _ = board
    runs = _get(base, "/data/runs")
    moons = _run(runs, "day2_mlp", "moons", "train")
    images = _get(base, "/data/plugin/images/tags")[moons]
    assert {"snapshots/decision_boundary", "snapshots/neurons_hidden_1", "snapshots/neurons_hidden_2",
            "network", "training_curves"} <= set(images)
    from course.pictures import diagram, planes
    boundary = (planes.GRID * planes.ZOOM + planes.LEGEND, planes.GRID * planes.ZOOM)   # the picture, its legend
    tile = planes.GRID // planes.TILE_STRIDE                         # 16 units: 4 x 4 tiles, 4 px gaps, a caption
    neurons = (max(4 * (tile + 4) + 4, 230), 4 * (tile + 4) + 4 + 34)
    drawn = diagram.layout([2, 16, 16, 1], ["hidden_1 (16, relu)", "hidden_2 (16, relu)", "output (1, sigmoid)"])
    network = (drawn.width, drawn.height)                            # 2-16-16-1: 366 x 238
    # the slider: before training (step 0) and at the end of each of the 3 epochs (25 steps each)
    for tag, size in (("snapshots/decision_boundary", boundary), ("snapshots/neurons_hidden_1", neurons),
                      ("network", network)):
        entries = _get(base, "/data/plugin/images/images", run=moons, tag=tag)
        assert [e["step"] for e in entries] == [0, 25, 50, 75], tag
        pngs = [_get(base, "/data/plugin/images/individualImage?" + e["query"]) for e in entries]
        assert {_png_size(p) for p in pngs} == {size}, tag
        assert pngs[0] != pngs[-1]                                   # the model changed


def test_update_steps_as_text_tables(board):
    base, _ = board
    runs = _get(base, "/data/runs")
    run = _run(runs, "day1_perceptron", "blobs", "train")
    steps = _get(base, "/data/plugin/text/text", run=run, tag="trace/update_step")
    assert [s["step"] for s in steps] == [1, 2, 3]                  # the first 3 update steps (trace_steps)
    html = steps[0]["text"]
    for column in ("parameter", "before", "gradient dL/dw", "learning rate", "after"):
        assert f"<th>{column}</th>" in html
    assert "<td>output/kernel[0,0]</td>" in html and "<td>0.5</td>" in html and "<td>output/bias[0]</td>" in html


def test_hparams_sessions_custom_scalars_layout_and_graph(board):
    base, _ = board
    experiment = _post(base, "/data/plugin/hparams/experiment", {"experimentName": ""})
    # two columns of what differs (optimizer and learning rate first of all), then the metrics, validation first
    assert [(h["name"], h["differs"]) for h in experiment["hparamInfos"]] == [("learning_rate", True),
                                                                            ("optimizer", True)]
    assert [(m["name"]["group"], m["name"]["tag"]) for m in experiment["metricInfos"]] == [
        (g, t) for g in ("validation", "train") for t in ("epoch_loss", "epoch_accuracy")]
    groups = _post(base, "/data/plugin/hparams/session_groups", {
        "experimentName": "", "startIndex": 0, "sliceSize": 100,
        "allowedStatuses": ["STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING"]})
    sessions = {g["name"]: g for g in groups["sessionGroups"]}
    # one session per training run, its trial named as its run
    assert set(sessions) == {"day1_perceptron/blobs", "day2_mlp/xor", "day2_mlp/moons"}
    sessions = {name.rsplit("/", 1)[-1]: g for name, g in sessions.items()}
    moons = sessions["moons"]
    assert moons["hparams"]["optimizer"] == "adam" and moons["hparams"]["learning_rate"] == 0.05
    final = {(m["name"]["group"], m["name"]["tag"]): m for m in moons["metricValues"]}
    val = _get(base, "/data/plugin/scalars/scalars", run=_run(_get(base, "/data/runs"), "day2_mlp", "moons",
                                                                  "validation"), tag="epoch_accuracy")
    assert final[("validation", "epoch_accuracy")]["value"] == pytest.approx(val[-1][2])
    assert final[("validation", "epoch_accuracy")]["trainingStep"] == 3

    layout = _get(base, "/data/plugin/custom_scalars/layout")
    charts = {c["title"]: c["multiline"]["tag"] for cat in layout["category"] for c in cat["chart"]}
    assert charts == {"loss: train and validation": ["^epoch_loss$"],
                      "accuracy: train and validation": ["^epoch_accuracy$"]}
    run = _run(_get(base, "/data/runs"), "day2_mlp", "moons", "train")
    lines = _get(base, "/data/plugin/custom_scalars/scalars", run=run.rsplit("/", 1)[0] + "/validation",
                 tag="^epoch_loss$")
    assert lines["regex_valid"] and [point[1] for point in lines["tag_to_events"]["epoch_loss"]] == [1, 2, 3]

    info = _get(base, "/data/plugin/graphs/info")
    assert info[run]["run_graph"] is True
    graph = _get(base, "/data/plugin/graphs/graph", run=run, conceptual="false").decode()
    for op in ('op: "Placeholder"', "hidden_1", "hidden_2", "output", "gradient_tape", 'op: "AssignSubVariableOp"'):
        assert op in graph, op


# --- after Days 1, 2 and 8, `course tensorboard` opens onto the last lesson alone ------------------------------

THREE_LESSONS = """
import importlib
import sys
for name in ("day1_perceptron", "day2_mlp", "day8_optimizers"):
    code = importlib.import_module(f"lessons.{name}").main(["--epochs", "1", "--quiet", "--logdir", sys.argv[1]])
    assert code == 0, (name, code)
"""


def three_lessons_then_course_tensorboard():
    """Days 1, 2 and 8 at their defaults (1 epoch each: the runs a lesson writes do not depend on the epochs; three
    lessons show the order as well as eight, in a third of the time) into one log root, then `course tensorboard`
    on it: what it prints and the runs TensorBoard lists over HTTP (all 12 of Day 8's, or what it had after a
    minute)."""
    root = BACKGROUND.job_dir("three-lessons")
    lessons = python("-c", THREE_LESSONS, str(root), timeout=400, nice=True)
    if lessons.returncode != 0:
        return lessons, None, None, root
    port, tmp = _free_port(), BACKGROUND.job_dir("board-tmp")     # its own temporary folder, to see it cleaned
    proc = BACKGROUND.popen([sys.executable, "-m", "course", "tensorboard", "--logdir", str(root), "--port",
                             str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(tmp)})
    try:
        lines = [proc.stdout.readline() for _ in range(4)]
        deadline, runs = time.time() + 60, []
        while len(runs) < 12 and time.time() < deadline:               # TensorBoard reads the runs in the background
            runs = _get(f"http://127.0.0.1:{port}", "/data/runs")
            time.sleep(0.5)
        listening = [(address, p) for address, p in isolation.listening() if p == port]
        served = sorted(path.name for path in tmp.iterdir())
    finally:
        proc.send_signal(signal.SIGTERM)                                # as `kill` stops it: it cleans up too
        proc.communicate(timeout=30)
    return lessons, lines, runs, root, (listening, served, sorted(tmp.iterdir()), proc.returncode)


@fresh_process(three_lessons_then_course_tensorboard)
def test_after_days_1_2_and_8_tensorboard_serves_day_8_alone_and_says_how_to_see_the_rest():
    lessons, lines, runs, root, _ = BACKGROUND.result(three_lessons_then_course_tensorboard)
    assert lessons.returncode == 0, lessons.stderr[-2000:]
    optimizers = ("sgd", "momentum", "rmsprop", "adam")                 # Day 8's runs, in the order it trains them
    assert sorted(runs) == sorted(f"{name}{split}" for name in optimizers for split in ("", "/train", "/validation"))
    assert lines[0].startswith("TensorBoard is serving day8_optimizers at http://127.0.0.1:")
    assert lines[0].endswith("/  (press Ctrl-C to stop)\n")
    assert lines[1] == f"  its runs: {', '.join(optimizers)}\n"
    assert lines[2] == (f"  another lesson: course tensorboard --logdir {root / 'day2_mlp'}   "
                        f"(here: day2_mlp, day1_perceptron)\n")      # the lessons before, most recent first
    assert lines[3] == f"  every run at once: course tensorboard --logdir {root} --all\n"


@fresh_process(three_lessons_then_course_tensorboard)
def test_course_tensorboard_listens_on_loopback_only_and_sigterm_removes_its_folder():
    """What `course tensorboard` served from: one folder of links in the temporary directory while it ran, gone
    after a SIGTERM (exit 0); its port listened on 127.0.0.1 and nowhere else."""
    *_, (listening, served, left, code) = BACKGROUND.result(three_lessons_then_course_tensorboard)
    assert listening and {address for address, _ in listening} == {"127.0.0.1"}
    assert len(served) == 1 and served[0].startswith("course-tensorboard-")
    assert left == [] and code == 0
