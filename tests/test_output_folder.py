"""output_folder.staged_folder: all or nothing, never mixed, stale staging removed only
when its writer is gone."""

import os
import subprocess
import sys

import pytest

from keras_electra.errors import UsageError
from keras_electra.output_folder import INCOMPLETE, check_output_folder, staged_folder
from keras_electra.output_folder import staging_prefix


def test_a_failed_write_leaves_the_folder_as_it_was(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(RuntimeError):
        with staged_folder(str(out)) as staging:
            open(os.path.join(staging, "half.txt"), "w").write("half")
            raise RuntimeError("killed")
    assert os.listdir(tmp_path) == []


def test_a_full_folder_is_refused_then_replaced_whole_with_overwrite(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("old")
    with pytest.raises(UsageError, match="not empty"):
        with staged_folder(str(out)):
            pass
    with staged_folder(str(out), overwrite=True) as staging:
        open(os.path.join(staging, "new.txt"), "w").write("new")
        assert os.listdir(out) == ["old.txt"]  # untouched until complete
    assert os.listdir(out) == ["new.txt"]  # replaced, not mixed
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_a_killed_runs_staging_folder_is_removed_by_the_next(tmp_path):
    stale = tmp_path / ".out.incomplete-dead"
    stale.mkdir()
    with staged_folder(str(tmp_path / "out")) as staging:
        open(os.path.join(staging, "a.txt"), "w").write("a")
    assert sorted(os.listdir(tmp_path)) == ["out"]


def staging_of(pid, host=None):
    """The staging folder name a run `pid` on `host` (default this one) gives "out"."""
    prefix = staging_prefix().replace(f"-{os.getpid()}-", f"-{pid}-")
    if host is not None:
        prefix = f"{INCOMPLETE}{host}-{pid}-"
    return f".out{prefix}x1y2z3"


@pytest.fixture
def dead_pid():
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_dead_writers_staging_is_removed_and_a_live_ones_is_left_and_refuses(tmp_path,
                                                                           dead_pid):
    dead = tmp_path / staging_of(dead_pid)
    dead.mkdir()
    live = tmp_path / staging_of(os.getppid())  # The process that started the tests.
    live.mkdir()
    (live / "half.txt").write_text("being written")
    with pytest.raises(UsageError, match=f"being written by another run .process {os.getppid()}"):
        with staged_folder(str(tmp_path / "out")):
            pass
    with pytest.raises(UsageError, match="being written"):
        check_output_folder(str(tmp_path / "out"))  # finetune's check, before training
    assert sorted(os.listdir(tmp_path)) == [live.name]  # the dead one gone, the live kept
    assert (live / "half.txt").read_text() == "being written"
    live.rename(tmp_path / staging_of(dead_pid))  # Its writer is gone now.
    with staged_folder(str(tmp_path / "out")) as staging:
        open(os.path.join(staging, "a.txt"), "w").write("a")
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_another_hosts_staging_is_never_removed(tmp_path):
    other = tmp_path / staging_of(1, host="elsewhere.example")
    other.mkdir()
    with pytest.raises(UsageError, match="on elsewhere.example"):
        with staged_folder(str(tmp_path / "out")):
            pass
    assert os.listdir(tmp_path) == [other.name]


def test_overwrite_never_replaces_what_the_run_reads_by_any_name(tmp_path):
    from keras_electra.output_folder import check_replaceable

    (tmp_path / "data").mkdir()
    (tmp_path / "out").mkdir()
    os.symlink(tmp_path / "data", tmp_path / "link")
    os.symlink(tmp_path / "out", tmp_path / "outlink")
    reads = [("data", str(tmp_path / "link" / "shard-0"))]
    with pytest.raises(UsageError, match="holds the `data`"):  # through a link
        check_replaceable(str(tmp_path / "data"), reads)
    with pytest.raises(UsageError, match="lies inside the `data`"):
        check_replaceable(str(tmp_path / "link" / "sub"), [("data", str(tmp_path / "data"))])
    with pytest.raises(UsageError, match="holds the `model`"):
        check_replaceable("gs://b/run", [("model", "gs://b/run/model")])
    # The root, checked here, not through a verb: a broken guard would write there.
    with pytest.raises(UsageError, match="is the filesystem root"):
        check_replaceable("/")
    # A sibling whose name starts the same is another folder.
    check_replaceable(str(tmp_path / "outlink"), [("data", str(tmp_path / "out-data"))])
    check_replaceable(str(tmp_path / "data2"), [("data", str(tmp_path / "data"))])
