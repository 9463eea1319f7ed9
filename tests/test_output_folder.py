"""output_folder.staged_folder: all or nothing, never mixed, stale staging removed."""

import os

import pytest

from keras_electra.errors import UsageError
from keras_electra.output_folder import staged_folder


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
