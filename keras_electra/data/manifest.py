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

from keras_electra.errors import DataError, naming_path
from keras_electra.json_file import read_json_object

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
    manifest = read_json_object(
        path, "prepare the dataset again (keras-electra prepare --overwrite)")
    if manifest.get("format") != FORMAT:
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


# What `check_dataset` needs of a manifest, with the type of each field.
_REQUIRED = {"vocab_sha256": str, "vocab_size": int, "special_token_ids": dict,
             "max_seq_length": int, "num_shards": int, "shards": list, "example_count": int}


def check_dataset(directory):
    """The manifest of `directory`, once the files on disk agree with it.

    Checked before a model is built, so that a damaged dataset is named in one line
    rather than failing inside the first training step: the manifest's fields, every
    shard present with its recorded size (or, for manifests that predate sizes,
    readable to the end with its recorded number of records), and vocab.txt, when
    present, the one the data was prepared with.

    Raises:
        DataError: naming the file that disagrees and what to do.
    """
    manifest = read_manifest(directory)
    path = manifest_path(directory)
    again = "prepare the data again (`keras-electra prepare`) into a new folder."
    if manifest is None:
        raise DataError(
            f"{directory} holds no {MANIFEST_NAME}: not a folder written by "
            "`keras-electra prepare` (or a run that did not finish)."
        )
    for field, kind in _REQUIRED.items():
        if not isinstance(manifest.get(field), kind) or isinstance(manifest.get(field), bool):
            raise DataError(f"{path}: `{field}` is {manifest.get(field)!r}, not a "
                            f"{kind.__name__}; {again}")
    shards = manifest["shards"]
    if len(shards) != manifest["num_shards"]:
        raise DataError(f"{path} lists {len(shards)} shards but says num_shards "
                        f"{manifest['num_shards']}; {again}")
    for shard in shards:
        _check_shard(directory, shard, again)
    counted = sum(shard["examples"] for shard in shards)
    if counted != manifest["example_count"]:
        raise DataError(f"{path}: its shards hold {counted} examples but example_count is "
                        f"{manifest['example_count']}; {again}")
    _check_vocabulary(directory, manifest, again)
    return manifest


def _check_shard(directory, shard, again):
    if not isinstance(shard, dict) or not isinstance(shard.get("file"), str) or \
            not isinstance(shard.get("examples"), int):
        raise DataError(f"{manifest_path(directory)}: the shard entry {shard!r} is not "
                        f"{{\"file\": ..., \"examples\": ...}}; {again}")
    file = os.path.join(directory, shard["file"])
    if not tf.io.gfile.exists(file):
        raise DataError(f"the shard {file} is missing ({MANIFEST_NAME} lists it); {again}")
    if "bytes" in shard:
        size = tf.io.gfile.stat(file).length
        if size != shard["bytes"]:
            raise DataError(f"the shard {file} has {size} bytes, {MANIFEST_NAME} says "
                            f"{shard['bytes']} (truncated or replaced); {again}")
        return
    with naming_path(file, "TFRecord shard", again):
        records = sum(1 for _ in tf.data.TFRecordDataset(file))
    if records != shard["examples"]:
        raise DataError(f"the shard {file} holds {records} records, {MANIFEST_NAME} says "
                        f"{shard['examples']}; {again}")


def _check_vocabulary(directory, manifest, again):
    from keras_electra.data import vocab as vocab_lib  # tensorflow_text: only when needed

    vocab = os.path.join(directory, VOCAB_NAME)
    if not tf.io.gfile.exists(vocab):
        return
    if vocab_lib.vocabulary_hash(vocab) != manifest["vocab_sha256"]:
        raise DataError(f"{vocab} is not the vocabulary {directory} was prepared with; {again}")
    size = len(vocab_lib.read_vocabulary(vocab))
    if size != manifest["vocab_size"]:
        raise DataError(f"{manifest_path(directory)} says vocab_size {manifest['vocab_size']} "
                        f"but {vocab} has {size} tokens; {again}")
    ids = {k: v for k, v in vocab_lib.special_token_ids(vocab).items()
           if k in manifest["special_token_ids"]}
    if ids != {k: manifest["special_token_ids"][k] for k in ids}:
        raise DataError(f"{manifest_path(directory)}: special_token_ids "
                        f"{manifest['special_token_ids']} disagree with {vocab} ({ids}); {again}")
