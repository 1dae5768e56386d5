"""The notebooks handed to a learner: ``course notebooks [DIR]`` copies the shipped notebooks into DIR.

    names = copy_notebooks("course-notebooks")    # HandoutError (exit status 2) if one of them is there already

Like ``course exercises init``: it never overwrites a learner's file. If any of the notebooks is already in DIR
(the learner's work), or something on the way is a symbolic link, nothing is written and the error says so;
a disk that fills up half way removes what this call wrote (status 74). Every write goes through
``safefiles.write_inside``: never through a link, never half a file.
"""
from __future__ import annotations

import errno
import os
from pathlib import Path

from course.exercises.safefiles import write_inside
from course.notebooks.build import PACKAGED

DEFAULT = "course-notebooks"
FULL = (errno.EFBIG, errno.ENOSPC, errno.EDQUOT)


class HandoutError(ValueError):
    """The notebooks cannot be copied there: one line; ``status`` 2 (74: a full disk or a file-size limit)."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


def shipped(source=PACKAGED) -> dict:
    """{file name: bytes} of the notebooks this package ships."""
    files = {p.name: p.read_bytes() for p in sorted(Path(source).glob("*.ipynb"))}
    if not files:
        raise HandoutError(f"this installation has no notebooks in {source}: reinstall the package", status=1)
    return files


def copy_notebooks(directory=DEFAULT, source=PACKAGED) -> list:
    """Copy every shipped notebook into ``directory`` (made if needed); the names written, in order."""
    files = shipped(source)
    root = Path(os.path.abspath(directory))
    if os.path.islink(root):
        raise HandoutError(f"{directory} is a symbolic link: the course does not write through links, nothing was "
                           "written. Pick another directory")
    if os.path.lexists(root) and not root.is_dir():
        raise HandoutError(f"{directory} exists and is not a directory: nothing was written. Pick another directory")
    there = [name for name in files if os.path.lexists(root / name)]
    if there:
        more = f" and {len(there) - 1} more" if len(there) > 1 else ""
        raise HandoutError(f"{directory} already holds the notebooks ({there[0]}{more}): nothing was changed, so "
                           f"your work there is kept. Open them with: jupyter lab {directory}; or copy a fresh set "
                           "elsewhere: course notebooks OTHER_DIR")
    made = not os.path.lexists(root)
    written = []
    try:
        root.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            write_inside(root, name, data, replace=False)
            written.append(name)
    except OSError as err:
        for name in written:
            try:
                os.unlink(root / name)
            except OSError:
                pass
        if made:
            try:
                os.rmdir(root)
            except OSError:
                pass
        why = ("a file reached the size limit of this shell (ulimit -f)" if err.errno == errno.EFBIG else
               "the disk is full" if err.errno in FULL else (err.strerror or str(err)))
        raise HandoutError(f"cannot write the notebooks into {directory}: {why}; nothing was left there",
                           74 if err.errno in FULL else 2) from None
    return written
