"""Run directories: a fresh one for every run, checked names, a log root that can be written.

Each training run gets a fresh directory ``LOGDIR/<lesson>/<timestamp>_<name>``;
an existing directory is never reused, overwritten or deleted (a second run in
the same second gets ``-2``, ``-3``, ...).

    run_dir = new_run_dir("logs", "day2_mlp", "moons")   # logs/day2_mlp/20261121-181500_moons
"""
from __future__ import annotations

import itertools
import os
import tempfile
import re
import time
from pathlib import Path

from course.core.config import ConfigError

_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")   # a name, not a path: no "/", no "." or ".."


def check_logdir(logdir) -> Path:
    """Raise ConfigError unless ``logdir`` is, or can be created as, a writable directory.

    Writes nothing: the directory itself is only made when the first run starts.
    """
    root = Path(logdir)
    probe = root
    while not probe.exists():            # the nearest existing ancestor decides
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe == root and root.exists() and not root.is_dir():
        raise ConfigError(f"logdir {str(root)!r} exists and is not a directory")
    if not probe.is_dir():
        raise ConfigError(f"logdir {str(root)!r} cannot be created: {str(probe)!r} is not a directory")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ConfigError(f"logdir {str(root)!r} is not writable")
    if probe != root:
        # Permission bits can say yes where the file system says no (/proc, a read-only mount):
        # try, with a directory that is removed at once.
        try:
            tempfile.TemporaryDirectory(dir=probe).cleanup()
        except OSError as err:
            raise ConfigError(f"logdir {str(root)!r} cannot be created: {err.strerror or err}") from None
    return root


def new_run_dir(logdir, lesson: str, name: str) -> Path:
    """Create and return a new, empty run directory ``logdir/lesson/<timestamp>_<name>``.

    Example:
        >>> new_run_dir("logs", "day1_perceptron", "xor").name
        '20261121-181500_xor'
    """
    for label, value in (("lesson", lesson), ("name", name)):
        if not isinstance(value, str) or not _NAME.match(value):
            raise ValueError(f"{label} must be a name of letters, digits, '_', '-' or '.' (not starting with "
                             f"'.'), not a path; got {value!r}")
    parent = check_logdir(Path(logdir) / lesson)
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ConfigError(f"logdir {str(logdir)!r} cannot be created: {err.strerror}") from None
    base = f"{time.strftime('%Y%m%d-%H%M%S')}_{name}"
    for k in itertools.count(1):
        candidate = parent / (base if k == 1 else f"{base}-{k}")
        try:
            candidate.mkdir()          # atomic: fails if another run already claimed the name
            return candidate
        except FileExistsError:
            continue
        except OSError as err:
            raise ConfigError(f"run directory {str(candidate)!r} cannot be created: {err.strerror}") from None
