"""Writes into a workspace that stay inside it: never through a symbolic link, never half done.

    write_inside(root, "solutions/day3/sgd_step.py", data, replace=False)   # FileExistsError if it is there
    write_inside(root, ".course-exercises.json", data, replace=True)        # atomic: a temporary file renamed

Every directory on the way is opened relative to the one before with ``O_NOFOLLOW``: a ``day1/`` or a
``solutions/`` that is a symbolic link (even a dangling one) stops the write with ``Refused``, and so does
a target that is a link. The data go to a temporary file beside the target, then a rename (or, when
nothing may be replaced, a hard link, which fails if the name was taken meanwhile).
"""
from __future__ import annotations

import errno
import os
import stat
import uuid

_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)


class Refused(OSError):
    """A write that would go through a symbolic link, or into something that is not a directory."""


def _open_dir(name: str, parent: int, create: bool) -> int:
    if create:
        try:
            os.mkdir(name, 0o777, dir_fd=parent)
        except FileExistsError:
            pass
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=parent)
    except OSError as err:
        if err.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            kind = "a symbolic link" if _is_link(name, parent) else "not a directory"
            raise Refused(err.errno, f"{name} is {kind}: the course does not write through it", name) from None
        raise


def _is_link(name: str, parent: int) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode)
    except OSError:
        return False


def write_inside(root, relative: str, data: bytes, *, replace: bool, durable: bool = False) -> None:
    """Write ``data`` at ``root/relative``, creating the directories on the way (see the module's docstring).

    Raises Refused (a link or a non-directory on the way), FileExistsError (``replace=False`` and the name
    is taken, even by a dangling link), or the OSError of the disk (read-only, full, a file-size limit).
    ``durable``: on the disk before the rename (the state: a crash leaves the old one or the new one).
    """
    parts = relative.split("/")
    fds = [os.open(os.fspath(root), os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))]
    try:
        for part in parts[:-1]:
            fds.append(_open_dir(part, fds[-1], create=True))
        _write_file(parts[-1], fds[-1], data, replace, durable)
    finally:
        for fd in fds:
            os.close(fd)


def _write_file(name: str, directory: int, data: bytes, replace: bool, durable: bool) -> None:
    try:
        mode = os.stat(name, dir_fd=directory, follow_symlinks=False).st_mode
        if stat.S_ISLNK(mode):
            raise Refused(errno.ELOOP, f"{name} is a symbolic link: the course does not write through it", name)
        if not replace:
            raise FileExistsError(errno.EEXIST, f"{name} exists", name)
        if not stat.S_ISREG(mode):
            raise Refused(errno.EISDIR, f"{name} is not a regular file", name)
    except FileNotFoundError:
        pass
    temporary = f".{name}.{uuid.uuid4().hex[:8]}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666,
                 dir_fd=directory)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        if replace:
            os.replace(temporary, name, src_dir_fd=directory, dst_dir_fd=directory)
        else:
            os.link(temporary, name, src_dir_fd=directory, dst_dir_fd=directory, follow_symlinks=False)
    finally:
        try:
            os.unlink(temporary, dir_fd=directory)
        except FileNotFoundError:
            pass


def set_aside(root, name: str, suffix: str = "corrupt") -> str:
    """Rename ``root/name`` to a free ``name.<suffix>[-k]`` beside it (never over another file); the new name."""
    fd = os.open(os.fspath(root), os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        for k in range(1, 1000):
            new = f"{name}.{suffix}" + (f"-{k}" if k > 1 else "")
            try:
                os.link(name, new, src_dir_fd=fd, dst_dir_fd=fd, follow_symlinks=False)
            except FileExistsError:
                continue
            os.unlink(name, dir_fd=fd)
            return new
        raise FileExistsError(errno.EEXIST, f"no free name for {name}", name)
    finally:
        os.close(fd)


def read_inside(root, name: str, limit: int = 1 << 20) -> bytes:
    """The bytes of ``root/name``, not through a link (Refused), at most ``limit`` of them."""
    fd = os.open(os.fspath(root), os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        try:
            file = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0), dir_fd=fd)
        except OSError as err:
            if err.errno == errno.ELOOP:
                raise Refused(err.errno, f"{name} is a symbolic link", name) from None
            raise
        try:
            if not stat.S_ISREG(os.fstat(file).st_mode):
                raise Refused(errno.EISDIR, f"{name} is not a regular file", name)
            return os.read(file, limit)
        finally:
            os.close(file)
    finally:
        os.close(fd)
