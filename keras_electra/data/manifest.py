"""manifest.json: what a folder of prepared pre-training examples holds and how it was made.

`prepare` writes it last, so a folder with a manifest is complete. Its identity fields
(vocabulary hash, special ids, sequence length, normalization, seed, shard count, source
files and sizes) tell two datasets apart; readers check it against the model's config.

Example:
>>> manifest = read_manifest("data/")                           # doctest: +SKIP
>>> check_against_config(manifest, config, "data/")             # doctest: +SKIP
>>> ElectraConfig.preset("small", **config_overrides(manifest))  # doctest: +SKIP
"""

import json
import os

import tensorflow as tf

from keras_electra.errors import DataError

MANIFEST_NAME = "manifest.json"
# `prepare` copies the vocabulary beside the shards, so the folder is self-contained.
VOCAB_NAME = "vocab.txt"
FORMAT = "keras-electra/pretraining-examples"
VERSION = 1
FEATURES = ("token_ids", "segment_ids", "padding_mask")
# Two datasets are the same when these agree (worker count and statistics do not matter).
IDENTITY_FIELDS = (
    "format",
    "version",
    "vocab_sha256",
    "vocab_size",
    "special_token_ids",
    "max_seq_length",
    "lowercase",
    "strip_accents",
    "seed",
    "num_shards",
    "sources",
    "split_sentences",
)
# What a field means when an older manifest lacks it.
_IDENTITY_DEFAULTS = {"split_sentences": False}
_CONFIG_FIELDS = ("pad_token_id", "cls_token_id", "sep_token_id", "mask_token_id")


def manifest_path(directory):
    return os.path.join(directory, MANIFEST_NAME)


def read_manifest(directory):
    """The manifest dict of `directory`, or None when it has none."""
    path = manifest_path(directory)
    if not tf.io.gfile.exists(path):
        return None
    with tf.io.gfile.GFile(path) as f:
        try:
            manifest = json.load(f)
        except json.JSONDecodeError as e:
            raise DataError(f"{path} is not valid JSON ({e.msg}, line {e.lineno}).")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise DataError(f"{path} is not a keras-electra pre-training data manifest.")
    return manifest


def write_manifest(directory, manifest):
    with tf.io.gfile.GFile(manifest_path(directory), "w") as f:
        f.write(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def identity_differences(a, b):
    """Names of the identity fields on which manifests `a` and `b` disagree."""
    return [
        field
        for field in IDENTITY_FIELDS
        if a.get(field, _IDENTITY_DEFAULTS.get(field))
        != b.get(field, _IDENTITY_DEFAULTS.get(field))
    ]


def check_against_config(manifest, config, where):
    """Raises DataError naming each field where the data and `config` disagree."""
    problems = []
    if manifest["vocab_size"] != config.vocab_size:
        problems.append(
            f"vocab_size: data {manifest['vocab_size']}, config {config.vocab_size}"
        )
    for field in _CONFIG_FIELDS:
        data_id = manifest["special_token_ids"][field]
        if data_id != getattr(config, field):
            problems.append(f"{field}: data {data_id}, config {getattr(config, field)}")
    if manifest["max_seq_length"] != config.max_seq_length:
        problems.append(
            f"max_seq_length: data {manifest['max_seq_length']}, "
            f"config {config.max_seq_length}"
        )
    if problems:
        raise DataError(
            f"the data in {where} does not fit the model config ({'; '.join(problems)}); "
            "build the config from the data (keras_electra.data.dataset_config_overrides) or "
            "prepare the data again with the model's vocabulary and max_seq_length."
        )


def config_overrides(manifest):
    """The ElectraConfig fields the data decides: vocab_size, special ids, max_seq_length."""
    ids = manifest["special_token_ids"]
    return {
        "vocab_size": manifest["vocab_size"],
        "max_seq_length": manifest["max_seq_length"],
        **{field: ids[field] for field in _CONFIG_FIELDS},
    }
