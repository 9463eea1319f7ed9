"""run.json: a damaged one is named, and replaced only with `overwrite`."""

import json

import pytest

from keras_electra.errors import DataError
from keras_electra.training.run_record import check_or_write_run


@pytest.mark.parametrize("text", ['{"seed": 0,', "[]"])
def test_a_damaged_run_json_is_named_and_replaced_only_with_overwrite(tmp_path, text):
    (tmp_path / "run.json").write_text(text)
    (tmp_path / "checkpoints").mkdir()
    with pytest.raises(DataError, match=r"run\.json .*pass `overwrite`"):
        check_or_write_run(str(tmp_path), {"seed": 0})
    assert (tmp_path / "run.json").read_text() == text
    assert check_or_write_run(str(tmp_path), {"seed": 0}, overwrite=True) is False
    assert json.loads((tmp_path / "run.json").read_text()) == {"seed": 0}
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]
