"""ElectraConfig: presets, validation and JSON round trips."""

import pytest

from keras_electra import ElectraConfig


def test_presets_hold_the_papers_values():
    small = ElectraConfig.preset("small")
    assert (small.hidden_size, small.embedding_size, small.num_layers) == (256, 128, 12)
    assert (small.num_heads, small.intermediate_size, small.vocab_size) == (4, 1024, 30522)
    assert (small.generator_hidden_size, small.generator_num_heads) == (64, 1)
    assert small.generator_intermediate_size == 256
    assert small.max_predictions_per_seq == 19  # int(0.155 * 128)
    base = ElectraConfig.preset("base")
    assert (base.hidden_size, base.embedding_size, base.num_heads) == (768, 768, 12)
    assert (base.generator_hidden_size, base.generator_num_heads) == (256, 4)
    large = ElectraConfig.preset("large")
    assert (large.hidden_size, large.num_layers, large.num_heads) == (1024, 24, 16)
    assert large.mask_prob == 0.25 and large.generator_hidden_size == 256
    assert large.max_predictions_per_seq == 32  # int(0.255 * 128)
    for config in (small, base, large):
        assert config.disc_weight == 50 and config.temperature == 1.0
        assert (config.pad_token_id, config.cls_token_id) == (0, 101)
        assert (config.sep_token_id, config.mask_token_id) == (102, 103)
        assert config.max_position_embeddings == 512


def test_overrides_recompute_derived_fields():
    config = ElectraConfig.preset("small", max_seq_length=512)
    assert config.max_predictions_per_seq == 79
    assert config.replace(max_seq_length=256).max_predictions_per_seq == 39
    assert config.replace(hidden_size=512).generator_hidden_size == 128


def test_json_round_trip(tmp_path):
    config = ElectraConfig.preset("tiny", vocab_size=321, mask_token_id=4)
    assert ElectraConfig.from_json(config.to_json()) == config
    path = str(tmp_path / "config.json")
    config.to_json(path)
    assert ElectraConfig.from_json(path) == config
    assert ElectraConfig.from_dict(config.to_dict()) == config


@pytest.mark.parametrize(
    "overrides, field",
    [
        (dict(hidden_size=100, num_heads=3), "hidden_size"),
        (dict(vocab_size=50), "cls_token_id"),
        (dict(mask_prob=0.0), "mask_prob"),
        (dict(mask_prob=1.5), "mask_prob"),
        (dict(max_seq_length=1024), "max_seq_length"),
        (dict(num_layers=0), "num_layers"),
        (dict(mask_token_id=0), "distinct"),
        (dict(generator_hidden_size=30, generator_num_heads=4), "generator_hidden_size"),
    ],
)
def test_validation_names_the_field(overrides, field):
    with pytest.raises(ValueError, match=field):
        ElectraConfig(**overrides)


def test_unknown_preset_and_field_are_refused():
    with pytest.raises(ValueError, match="preset 'medium'"):
        ElectraConfig.preset("medium")
    with pytest.raises(ValueError, match="hiden_size"):
        ElectraConfig.from_dict({"hiden_size": 3})
