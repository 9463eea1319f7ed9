"""The model config of a pre-training run: a preset, fields or a model folder, fitted to the data.

The vocabulary size, the special token ids and the sequence length always come from the
prepared data's manifest; a config or model that sets them otherwise is refused, naming
the field, rather than trained on ids it does not have.

Example:
>>> config = pretraining_config("data/", preset="tiny")                  # doctest: +SKIP
>>> config = pretraining_config("data/", config={"hidden_size": 128})     # doctest: +SKIP
>>> config = pretraining_config("data/", init_from="runs/tiny")          # doctest: +SKIP
"""

from keras_electra.config import ElectraConfig
from keras_electra.data import dataset_config_overrides, read_manifest
from keras_electra.errors import DataError, UsageError
from keras_electra.json_file import read_json_object

_CONFIG_REMEDY = ('give `config` an object of ElectraConfig fields, such as '
                  '{"hidden_size": 128, "num_layers": 4}')


def pretraining_config(data, *, preset=None, config=None, init_from=None):
    """The ElectraConfig to pre-train on the prepared examples in `data`.

    Args:
        data: str, a folder written by `write_pretraining_examples` (`keras-electra
            prepare`).
        preset: str, one of `ElectraConfig.preset_names()`.
        config: an `ElectraConfig`, a dict of its fields or the path of a JSON file of
            them; missing fields take the defaults.
        init_from: str, a model folder whose config is continued.
    Exactly one of `preset`, `config` and `init_from` is given.

    Argument names appear in messages between backticks (`config`), so that the
    command line can put its flags there.
    """
    given = [name for name, value in (("preset", preset), ("config", config),
                                      ("init_from", init_from)) if value is not None]
    if len(given) != 1:
        raise UsageError(
            "give exactly one of `preset`, `config` or `init_from` "
            f"(got {', '.join(f'`{name}`' for name in given) or 'none'})."
        )
    manifest = read_manifest(data)
    if manifest is None:
        raise DataError(
            f"{data} holds no manifest.json: not a folder written by "
            "`keras-electra prepare` (or a run that did not finish)."
        )
    overrides = dataset_config_overrides(manifest)
    # A new model gets as many positions as its examples are long: positions
    # that pre-training never reaches keep their random initialization, and a
    # model fine-tuned on them does worse than one never pre-trained (Brown ->
    # R8, tiny, 32-token examples: fine-tuned at 128 tokens, pre-trained 0.741
    # vs random init 0.778; at 32 tokens, 0.759 vs 0.750).
    trained_positions = {"max_position_embeddings": overrides["max_seq_length"]}
    if preset is not None:
        return ElectraConfig.preset(preset, **trained_positions, **overrides)
    if config is not None:
        values, source = _config_fields(config)
    else:
        from keras_electra.model_folder import load_config  # models/ imports training/

        values, source = load_config(init_from).to_dict(), f"the `init_from` model {init_from}"
    _refuse_disagreement(values, overrides, source, data)
    if config is not None and "max_position_embeddings" not in values:
        values = {**values, **trained_positions}
    try:
        return ElectraConfig.from_dict({**values, **overrides})
    except ValueError as e:
        raise UsageError(f"{source}: {e}") from None


def _config_fields(config):
    """(fields, how messages name them) of an ElectraConfig, a dict or a JSON file."""
    if isinstance(config, ElectraConfig):
        return config.to_dict(), "`config`"
    if isinstance(config, dict):
        return dict(config), "`config`"
    values = read_json_object(config, _CONFIG_REMEDY)
    return values, f"`config` {config}"


def _refuse_disagreement(values, overrides, source, data):
    for field, data_value in overrides.items():
        if field in values and values[field] != data_value:
            raise DataError(
                f"{source} sets {field}={values[field]} but the data in {data} has "
                f"{field}={data_value}; leave {field} out of the config, or prepare the "
                "data with the model's vocabulary and max_seq_length."
            )
