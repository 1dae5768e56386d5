"""``course tensorboard``: TensorBoard on 127.0.0.1, opening onto one lesson.

TensorBoard draws every run it serves on each chart: over Days 1, 2 and 5, ``batch_loss`` is a tangle of x axes
of 300 and 1,350 steps. So it serves the most recent lesson alone (the directory holding the run written last:
``logs/day2_mlp``, or the log root itself when runs sit directly in it) and says how to see more: ``--logdir`` of
another lesson, or ``--all``. TensorBoard's dashboards select runs by themselves only up to 40, and a course run
is two or three TensorBoard runs (``train/``, ``validation/``, the run directory with its HParams session): a
lesson with more than that is served by its newest runs.

TensorBoard reads a temporary directory of links that names each run short: ``moons`` for
``20261205-033523_moons`` (with the time when runs share a name: ``moons 03:35``), which is also its trial's name
in the HParams table. The HParams experiment is written inside the oldest run's served directory, never at the
top: a log root holding event files of its own is the run TensorBoard calls ".".

    course tensorboard                        # the most recent lesson under logs/
    course tensorboard --logdir logs/day7_gradient_descent
    course tensorboard --all                  # every run (above 40, TensorBoard selects none: tick some)
"""
from __future__ import annotations

import ipaddress
import os
import re
import socket
from dataclasses import dataclass, field
from pathlib import Path

MAX_RUNS = 40          # TensorBoard's run selectors tick every run when there are at most 40
SPLITS = ("train", "validation")
_STAMPED = re.compile(r"^(\d{4})(\d\d)(\d\d)-(\d\d)(\d\d)(\d\d)_(.+)$")     # new_run_dir: <yyyymmdd-hhmmss>_<name>


@dataclass
class RunDir:
    path: Path
    tensorboard_runs: int      # directories with event files: the run itself, train/, validation/, ...
    mtime: float


def run_dirs(root) -> list:
    """Every course run under ``root`` (directories with event files, their splits counted with them), oldest
    first."""
    root = Path(root)
    runs = {}
    for events in root.rglob("events.out.tfevents.*"):
        directory = events.parent
        run = directory.parent if directory.name in SPLITS and directory != root else directory
        entry = runs.setdefault(run, [set(), 0.0])
        entry[0].add(directory)
        entry[1] = max(entry[1], events.stat().st_mtime)
    return sorted((RunDir(path, len(dirs), mtime) for path, (dirs, mtime) in runs.items()),
                  key=lambda r: (r.mtime, str(r.path)))


def lesson_of(run: RunDir, root) -> Path:
    """The lesson directory of ``run``: its parent, or ``root`` itself when ``root`` is the run."""
    return run.path.parent if run.path != Path(root) else Path(root)


def lesson_name(lesson, root) -> str:
    """A lesson directory as the messages name it: its path under ``root``, or ``root``'s own name."""
    lesson, root = Path(lesson), Path(root)
    return lesson.relative_to(root).as_posix() if lesson != root else (root.resolve().name or str(root))


@dataclass
class Selection:
    root: Path
    runs: list                 # the RunDirs served, oldest first
    everything: bool           # every run under root (--all)
    total: int = 0             # TensorBoard runs under root
    shown: int = 0             # ... served
    lesson: Path | None = None     # the lesson served, when not everything
    others: list = field(default_factory=list)     # the other lesson directories, most recent first
    left_out: int = 0          # runs of the lesson not served (it has more than ``MAX_RUNS`` TensorBoard runs)


def select(root, everything: bool = False, limit: int | None = None) -> Selection:
    """What to serve: the most recent lesson's runs (its newest up to ``limit`` TensorBoard runs), or every run."""
    limit, root = MAX_RUNS if limit is None else limit, Path(root)
    runs = run_dirs(root)
    total = sum(r.tensorboard_runs for r in runs)
    if everything or not runs:
        return Selection(root, runs, True, total, total)
    lessons = list(dict.fromkeys(lesson_of(run, root) for run in reversed(runs)))     # most recent first
    mine = [run for run in runs if lesson_of(run, root) == lessons[0]]
    chosen, count = [], 0
    for run in reversed(mine):
        if chosen and count + run.tensorboard_runs > limit:
            break
        chosen.append(run)
        count += run.tensorboard_runs
    return Selection(root, chosen[::-1], False, total, count, lessons[0], lessons[1:], len(mine) - len(chosen))


def _names(path: Path) -> list:
    """The names a run may be served as, shortest first: its own name, then with its time, its date and time."""
    name = Path(os.path.abspath(path)).name or "run"              # --logdir . or .. of a run: its real name
    stamped = _STAMPED.match(name)
    if not stamped:
        return [name]
    year, month, day, hour, minute, second, name = stamped.groups()
    return [name, f"{name} {hour}:{minute}", f"{name} {hour}:{minute}:{second}",
            f"{name} {year}-{month}-{day} {hour}:{minute}:{second}"]


def labels(paths) -> dict:
    """{run directory: short name} for the runs of one lesson: each run's own name (``moons``), and for runs
    that share it the first form that tells them apart (``moons 03:35``, ``moons 03:35:23``, with the date),
    else the directory's name."""
    groups = {}
    for path in paths:
        groups.setdefault(_names(path)[0], []).append(path)
    result = {}
    for group in groups.values():
        forms = [_names(path) for path in group]
        for k in range(max(map(len, forms))):
            chosen = [names[min(k, len(names) - 1)] for names in forms]
            if len(set(chosen)) == len(chosen):
                break
        else:
            chosen = [Path(os.path.abspath(path)).name for path in group]
        result.update(zip(group, chosen))
    return result


def served_paths(selection: Selection) -> dict:
    """{run directory: where it is served, relative}: its label; under its lesson's path with ``--all``."""
    groups = {}
    for run in selection.runs:
        groups.setdefault(lesson_of(run, selection.root), []).append(run.path)
    nested = {lesson_name(lesson, selection.root).split("/")[0] for lesson in groups if lesson != selection.root}
    paths = {}
    for lesson, runs in groups.items():
        for path, label in labels(runs).items():
            if not selection.everything or lesson == selection.root:    # a run beside the lessons: not one's name
                paths[path] = Path(label + " (run)" if selection.everything and label in nested else label)
            else:
                paths[path] = Path(lesson_name(lesson, selection.root)) / label
    return paths


def _link(run: Path, where: Path, whole: bool):
    """``where`` -> ``run``, or (not ``whole``) a directory of links to each of ``run``'s entries."""
    where.parent.mkdir(parents=True, exist_ok=True)
    if whole:
        where.symlink_to(run.resolve(), target_is_directory=True)
        return
    where.mkdir(exist_ok=True)
    for entry in run.iterdir():
        if not os.path.lexists(where / entry.name):
            (where / entry.name).symlink_to(entry.resolve(), target_is_directory=entry.is_dir())


def prepare(selection: Selection, served) -> dict:
    """Fill the empty directory ``served`` for TensorBoard: the selected runs by their ``served_paths`` (which it
    returns) and the HParams experiment over them, inside the oldest run's directory of links."""
    from course.tensorboard.events import EventFile
    from course.tensorboard.hparams import experiment_summary

    served, paths = Path(served), served_paths(selection)
    carrier = selection.runs[0].path
    for run, where in paths.items():
        _link(run, served / where, whole=run != carrier)
    scratch = served / ".experiment"      # a new file: EventFile would append to the run's own, in the logs
    events = EventFile(scratch)
    events.summary(0, experiment_summary([run.path for run in selection.runs]))
    events.close()
    events.path.rename(served / paths[carrier] / events.path.name)
    scratch.rmdir()
    return paths


def refresh(selection: Selection, served, paths: dict, limit: int | None = None) -> list:
    """Serve the runs written since ``prepare`` (of the lesson served; every run with ``--all``), within ``limit``
    TensorBoard runs, and the entries the oldest run gained; returns the new ones' served paths."""
    limit, served = MAX_RUNS if limit is None else limit, Path(served)
    _link(selection.runs[0].path, served / paths[selection.runs[0].path], whole=False)
    added = []
    for run in run_dirs(selection.root):
        lesson = lesson_of(run, selection.root)
        if run.path in paths or not (selection.everything or lesson == selection.lesson):
            continue
        if not selection.everything and selection.shown + run.tensorboard_runs > limit:
            break
        under = Path(lesson_name(lesson, selection.root)) if selection.everything and lesson != selection.root \
            else Path()
        taken = {where for where in paths.values()}
        where = next((under / n for n in _names(run.path) if under / n not in taken), under / run.path.name)
        _link(run.path, served / where, whole=True)
        paths[run.path] = where
        selection.runs.append(run)
        selection.shown += run.tensorboard_runs
        added.append(where)
    return added


def report(selection: Selection, paths: dict, url: str) -> list:
    """The lines ``course tensorboard`` prints: what it serves at ``url``, then how to see more."""
    root, stop = selection.root, "(press Ctrl-C to stop)"
    if selection.everything:
        lines = [f"TensorBoard is serving every run under {root} ({selection.total} TensorBoard runs) at {url}  {stop}"]
        if selection.total > MAX_RUNS:
            lines.append(f"  Above {MAX_RUNS} runs TensorBoard selects none: tick the runs to see in its run list.")
        return lines
    names = ", ".join(str(paths[run.path]) for run in selection.runs)
    lines = [f"TensorBoard is serving {lesson_name(selection.lesson, root)} at {url}  {stop}",
             f"  its {len(selection.runs)} most recent runs (TensorBoard selects runs by itself only up to "
             f"{MAX_RUNS}): {names}" if selection.left_out else f"  its runs: {names}"]
    if selection.others:
        lines.append(f"  another lesson: course tensorboard --logdir {selection.others[0]}   (here: "
                     f"{', '.join(lesson_name(lesson, root) for lesson in selection.others)})")
    if selection.others or selection.left_out:
        lines.append(f"  every run at once: course tensorboard --logdir {root} --all")
    return lines


def check_host(host: str) -> str:
    """ValueError unless ``host`` resolves to an address this machine can bind (8.8.8.8 resolves, but is not
    one of this machine's); a one-line warning when it is not a loopback address."""
    refused = ValueError(f"--host {host!r} is not an address this machine can bind (try 127.0.0.1)")
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError, ValueError):
        raise refused from None
    addresses = {info[4][0] for info in infos}
    for family, _, _, _, address in infos:
        try:
            with socket.socket(family, socket.SOCK_STREAM) as probe:
                probe.bind((address[0], 0, *address[2:]))      # any free port: can this address be bound at all
            break
        except OSError:
            continue
    else:
        raise refused
    if all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        return ""
    return (f"Warning: --host {host} serves TensorBoard beyond this machine: anyone who can reach it on your "
            "network can read every run (there is no password).")
