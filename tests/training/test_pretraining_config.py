"""pretraining_config: a preset, config fields or a model folder, fitted to the prepared data."""

import json

import pytest

from keras_electra.config import ElectraConfig
from keras_electra.data import read_manifest
from keras_electra.errors import DataError, UsageError
from keras_electra.training import pretraining_config


def test_a_partial_config_takes_the_rest_from_the_data(prepared, tmp_path):
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps({"hidden_size": 32, "num_heads": 2, "num_layers": 1,
                                       "embedding_size": 16, "intermediate_size": 64}))
    config = pretraining_config(prepared, config=str(config_file))
    assert config.hidden_size == 32 and config.max_seq_length == 32
    assert config.vocab_size == read_manifest(prepared)["vocab_size"]


def test_a_new_model_has_as_many_positions_as_its_examples_are_long(prepared, tmp_path):
    """Positions pre-training never reaches would stay random (see pretraining_config)."""
    config = pretraining_config(prepared, preset="tiny")
    assert config.max_position_embeddings == config.max_seq_length == 32
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps({"hidden_size": 32, "num_heads": 2}))
    config = pretraining_config(prepared, config=str(partial))
    assert config.max_position_embeddings == 32
    # A config that asks for more positions gets them.
    explicit = tmp_path / "explicit.json"
    explicit.write_text(json.dumps({"max_position_embeddings": 64}))
    config = pretraining_config(prepared, config=str(explicit))
    assert config.max_position_embeddings == 64


def test_a_dict_a_json_file_and_a_fitted_config_give_the_same_config(prepared, tmp_path):
    fields = {"hidden_size": 32, "num_heads": 2, "dropout": 0.0}
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(fields))
    from_dict = pretraining_config(prepared, config=fields)
    assert from_dict == pretraining_config(prepared, config=str(config_file))
    assert from_dict == pretraining_config(prepared, config=from_dict)
    assert from_dict.hidden_size == 32 and from_dict.dropout == 0.0


def test_a_config_that_disagrees_with_the_data_names_the_field(prepared):
    with pytest.raises(DataError, match=r"`config` sets vocab_size=999 but .* has vocab_size="):
        pretraining_config(prepared, config=ElectraConfig.preset("tiny", vocab_size=999))


@pytest.mark.parametrize("given, named", [
    ({}, "(got none)"),
    ({"preset": "tiny", "config": {}}, "(got `preset`, `config`)"),
    ({"preset": "tiny", "init_from": "model/"}, "(got `preset`, `init_from`)"),
])
def test_exactly_one_model_source_is_asked_for_by_argument_name(prepared, given, named):
    with pytest.raises(UsageError, match="exactly one of `preset`, `config` or `init_from`") as e:
        pretraining_config(prepared, **given)
    assert named in str(e.value)


def test_a_folder_without_a_manifest_is_refused(tmp_path):
    with pytest.raises(DataError, match="manifest.json"):
        pretraining_config(str(tmp_path), preset="tiny")
