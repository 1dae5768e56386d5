"""``course tensorboard``: TensorBoard on 127.0.0.1, opening onto runs it can show all at once.

TensorBoard's dashboards select runs by themselves only up to 40 of them, and each course run is two or
three TensorBoard runs (``train/``, ``validation/``, the run directory with its HParams). So over a log
root holding many lessons it serves the most recent lesson's runs (at most 40 TensorBoard runs) and
says how to see the rest: ``--all``, or ``--logdir`` of one lesson.

    course tensorboard                        # the most recent lesson under logs/
    course tensorboard --logdir logs/day7_gradient_descent
    course tensorboard --all                  # every run (TensorBoard then selects none: tick some)
"""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from pathlib import Path

MAX_RUNS = 39          # TensorBoard selects every run up to 40: the runs, and one more that holds the HParams layout
SPLITS = ("train", "validation")


@dataclass
class RunDir:
    path: Path
    tensorboard_runs: int      # directories with event files: the run itself, train/, validation/, ...
    mtime: float


def run_dirs(root) -> list:
    """Every course run under ``root`` (directories with event files, their splits counted with them)."""
    root = Path(root)
    runs = {}
    for events in root.rglob("events.out.tfevents.*"):
        directory = events.parent
        run = directory.parent if directory.name in SPLITS and directory != root else directory
        entry = runs.setdefault(run, [set(), 0.0])
        entry[0].add(directory)
        entry[1] = max(entry[1], events.stat().st_mtime)
    return sorted((RunDir(path, len(dirs), mtime) for path, (dirs, mtime) in runs.items()), key=lambda r: r.mtime)


@dataclass
class Selection:
    runs: list                 # the RunDirs served
    everything: bool           # all of the log directory
    lesson: str = ""           # the lesson they belong to, when not everything
    total: int = 0             # TensorBoard runs in the whole log directory
    shown: int = 0             # ... served


def select(root, everything: bool = False, limit: int | None = None) -> Selection:
    """What to serve: everything when it fits in ``limit`` TensorBoard runs (or ``everything``), else the most
    recent lesson's newest runs up to ``limit``."""
    limit = MAX_RUNS if limit is None else limit
    runs = run_dirs(root)
    total = sum(r.tensorboard_runs for r in runs)
    if everything or total <= limit or not runs:
        return Selection(runs, True, total=total, shown=total)
    root = Path(root).resolve()
    newest = runs[-1].path.resolve()
    lesson_dir = newest.parent if newest.parent != root else newest
    chosen, count = [], 0
    for run in reversed(runs):
        if run.path.resolve().parent == lesson_dir and count + run.tensorboard_runs <= limit:
            chosen.append(run)
            count += run.tensorboard_runs
    return Selection(sorted(chosen, key=lambda r: r.mtime), False, lesson_dir.name, total, count)


def check_host(host: str) -> str:
    """``host`` if it resolves, else ValueError; a one-line warning when it is not a loopback address."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError, OSError):
        raise ValueError(f"--host {host!r} is not an address this machine can bind (try 127.0.0.1)") from None
    if all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        return ""
    return (f"Warning: --host {host} serves TensorBoard beyond this machine: anyone who can reach it on your "
            "network can read every run (there is no password).")


# The HParams dashboard's metric columns, validation's epoch metrics first (then what else a run may have).
METRICS = (("epoch_loss", "validation"), ("epoch_accuracy", "validation"), ("epoch_loss", "train"),
           ("epoch_accuracy", "train"), ("epoch_d_loss", "train"), ("epoch_g_loss", "train"))


def session_values(run: RunDir) -> dict:
    """The hyperparameters a run recorded for the HParams dashboard ({} when none)."""
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
    from tensorboard.plugins.hparams import metadata

    values = {}
    for events in sorted(run.path.glob("events.out.tfevents.*")):
        for event in EventFileLoader(str(events)).Load():
            for value in event.summary.value:
                if value.tag == metadata.SESSION_START_INFO_TAG:
                    info = metadata.parse_session_start_info_plugin_data(value.metadata.plugin_data.content)
                    for name, v in info.hparams.items():
                        values[name] = getattr(v, v.WhichOneof("kind")) if v.WhichOneof("kind") else None
    return values


def epoch_metrics(run: RunDir) -> set:
    """The (tag, split) of ``METRICS`` that ``run`` logged, read from its first epoch's events."""
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

    wanted, found = set(METRICS), set()
    for split in SPLITS:
        for events in sorted((run.path / split).glob("events.out.tfevents.*")):
            seen = set()
            for event in EventFileLoader(str(events)).Load():
                tags = {(v.tag, split) for v in event.summary.value} & wanted
                if tags & seen:                      # a second epoch: the first one's metrics are all known
                    break
                seen |= tags
            found |= seen
    return found


def experiment_summary(runs):
    """An HParams experiment over ``runs``: their hyperparameters, those that differ first, and the ``METRICS``
    they logged (a metric no run has would leave every session incomplete: TensorBoard's parallel coordinates
    then draw no line)."""
    from tensorboard.plugins.hparams import plugin_data_pb2
    from tensorboard.plugins.hparams import summary_v2 as hp

    sessions = [session_values(run) for run in runs]
    logged = set().union(*(epoch_metrics(run) for run in runs))
    names = sorted({name for values in sessions for name in values})
    summary = hp.hparams_config_pb(hparams=[hp.HParam(name) for name in names],
                                   metrics=[hp.Metric(tag, group=group, display_name=f"{group} {tag}")
                                            for tag, group in METRICS if (tag, group) in logged])
    value = summary.value[0]
    data = plugin_data_pb2.HParamsPluginData.FromString(value.metadata.plugin_data.content)
    for info in data.experiment.hparam_infos:
        info.differs = len({repr(values.get(info.name)) for values in sessions}) > 1
    value.metadata.plugin_data.content = data.SerializeToString()
    return summary


def prepare(selection: Selection, root, served) -> Path:
    """A directory ``served`` for TensorBoard: links to the selected runs (whole lessons when whole lessons are
    selected, so new runs show up) and the HParams experiment of the runs, in ``served`` itself."""
    root, served = Path(root).resolve(), Path(served)
    lessons = {}
    for run in selection.runs:
        parent = run.path.resolve().parent
        lessons.setdefault(parent, []).append(run.path.resolve())
    for parent, chosen in lessons.items():
        name = parent.name if parent != root else "."
        if parent != root and len(chosen) == len([r for r in run_dirs(parent) if r.path.resolve().parent == parent]):
            (served / name).symlink_to(parent, target_is_directory=True)
            continue
        (served / name).mkdir(exist_ok=True)
        for run in chosen:
            (served / name / run.name).symlink_to(run, target_is_directory=True)
    from course.tensorboard.events import EventFile
    events = EventFile(served)
    events.summary(0, experiment_summary(selection.runs))
    events.close()
    return served
