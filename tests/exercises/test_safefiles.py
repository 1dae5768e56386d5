"""Writes that stay inside a workspace: never through a link (a directory on the way or the target itself), never
over an existing file unless asked, atomically, with no temporary file left behind."""
import os

import pytest

from course.exercises.safefiles import Refused, read_inside, set_aside, write_inside


def test_a_write_makes_the_directories_on_the_way_and_leaves_no_temporary(tmp_path):
    write_inside(tmp_path, "a/b/c.txt", b"one", replace=False)
    assert (tmp_path / "a" / "b" / "c.txt").read_bytes() == b"one"
    with pytest.raises(FileExistsError):
        write_inside(tmp_path, "a/b/c.txt", b"two", replace=False)
    write_inside(tmp_path, "a/b/c.txt", b"two", replace=True, durable=True)
    assert (tmp_path / "a" / "b" / "c.txt").read_bytes() == b"two"
    assert sorted(p.name for p in (tmp_path / "a" / "b").iterdir()) == ["c.txt"]


@pytest.mark.parametrize("link", ["a", "a/b", "a/b/c.txt"])
def test_no_write_goes_through_a_link(tmp_path, link):
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "ws" / "a" / "b").mkdir(parents=True)
    if link != "a/b/c.txt":
        os.rename(tmp_path / "ws" / link, tmp_path / "moved")
    (tmp_path / "ws" / link).symlink_to(outside if link != "a/b/c.txt" else outside / "c.txt")
    with pytest.raises(Refused, match="is a symbolic link: the course does not write through it"):
        write_inside(tmp_path / "ws", "a/b/c.txt", b"x", replace=True)
    assert list(outside.iterdir()) == []


def test_a_directory_where_a_file_belongs_is_refused(tmp_path):
    (tmp_path / "a").write_text("a file")
    with pytest.raises(Refused, match="a is not a directory"):
        write_inside(tmp_path, "a/b.txt", b"x", replace=False)


def test_set_aside_never_overwrites_and_read_inside_refuses_links_and_fifos(tmp_path):
    for k in range(3):
        (tmp_path / "state").write_text(str(k))
        assert set_aside(tmp_path, "state") == "state.corrupt" + (f"-{k + 1}" if k else "")
    assert (tmp_path / "state.corrupt").read_text() == "0" and (tmp_path / "state.corrupt-3").read_text() == "2"
    (tmp_path / "link").symlink_to(tmp_path / "state.corrupt")
    with pytest.raises(Refused):
        read_inside(tmp_path, "link")
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(Refused):
        read_inside(tmp_path, "fifo")                  # at once: a FIFO is never waited on
    assert read_inside(tmp_path, "state.corrupt") == b"0"
