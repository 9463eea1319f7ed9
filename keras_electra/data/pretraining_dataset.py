"""`pretraining_dataset`: prepared TFRecord shards -> batches for `ElectraPretrainer.fit`.

Example:
>>> from keras_electra.data import dataset_config_overrides, read_manifest
>>> overrides = dataset_config_overrides(read_manifest("data/"))            # doctest: +SKIP
>>> config = ElectraConfig.preset("small", **overrides)                    # doctest: +SKIP
>>> dataset = pretraining_dataset("data/", batch_size=128, config=config)  # doctest: +SKIP
>>> batch = next(iter(dataset))                                            # doctest: +SKIP
>>> batch["token_ids"].shape, batch["token_ids"].dtype                     # doctest: +SKIP
(TensorShape([128, 128]), tf.int32)
"""

import os

import tensorflow as tf

from keras_electra.data import manifest as manifest_lib
from keras_electra.errors import DataError, UsageError


def _files_and_manifest(pattern_or_dir):
    if tf.io.gfile.isdir(pattern_or_dir):
        directory = pattern_or_dir
        manifest = manifest_lib.read_manifest(directory)
        if manifest is None:
            raise DataError(
                f"{directory} holds no {manifest_lib.MANIFEST_NAME}: not data written by "
                "`keras-electra prepare`, or a run that did not finish."
            )
        files = [os.path.join(directory, shard["file"]) for shard in manifest["shards"]]
        files = [f for f, s in zip(files, manifest["shards"]) if s["examples"]]
    else:
        files = sorted(tf.io.gfile.glob(pattern_or_dir))
        if not files:
            raise UsageError(f"{pattern_or_dir!r} matches no file.")
        directory = os.path.dirname(pattern_or_dir) or "."
        manifest = manifest_lib.read_manifest(directory)
        if manifest is None:
            raise DataError(f"no {manifest_lib.MANIFEST_NAME} beside {pattern_or_dir!r}.")
    return directory, files, manifest


def pretraining_dataset(
    pattern_or_dir,
    batch_size,
    *,
    config=None,
    shuffle=True,
    repeat=True,
    seed=None,
    input_context=None,
    shuffle_buffer_size=10_000,
    cycle_length=8,
):
    """A `tf.data.Dataset` of pre-training batches from `keras-electra prepare` output.

    Each element is a dict of int32 `token_ids`, `segment_ids` and `padding_mask`, of
    static shape [batch, max_seq_length] (remainders are dropped, so XLA and TPUs see one
    shape).

    Args:
        pattern_or_dir: the prepared folder, or a glob of its shards (the manifest is
            read from the glob's folder).
        batch_size: global batch size. Under `input_context`, each input pipeline yields
            `input_context.get_per_replica_batch_size(batch_size)`.
        config: an ElectraConfig; the data is refused (DataError naming the field) when its
            vocabulary size, special token ids or sequence length disagree.
        shuffle: shuffle shard order and examples (buffer `shuffle_buffer_size`).
        repeat: repeat forever (for `fit(steps_per_epoch=...)`).
        seed: makes shuffling reproducible.
        input_context: a `tf.distribute.InputContext`; shards are split between the
            input pipelines (by file when there are enough files, else by example).
        cycle_length: how many shards are read at once.
    """
    directory, files, manifest = _files_and_manifest(pattern_or_dir)
    if config is not None:
        manifest_lib.check_against_config(manifest, config, directory)
    if not files:
        raise DataError(f"{directory} holds no examples.")
    seq_length = manifest["max_seq_length"]
    if input_context is not None:
        batch_size = input_context.get_per_replica_batch_size(batch_size)

    dataset = tf.data.Dataset.from_tensor_slices(files)
    shard_examples = False
    if input_context is not None and input_context.num_input_pipelines > 1:
        if len(files) >= input_context.num_input_pipelines:
            dataset = dataset.shard(
                input_context.num_input_pipelines, input_context.input_pipeline_id
            )
        else:
            shard_examples = True  # Too few files: every pipeline reads all, keeps its part.
    if shuffle:
        dataset = dataset.shuffle(len(files), seed=seed, reshuffle_each_iteration=True)
    if repeat:
        dataset = dataset.repeat()
    dataset = dataset.interleave(
        tf.data.TFRecordDataset,
        cycle_length=min(cycle_length, len(files)),
        num_parallel_calls=tf.data.AUTOTUNE,
        deterministic=not shuffle or seed is not None,
    )
    if shard_examples:
        dataset = dataset.shard(
            input_context.num_input_pipelines, input_context.input_pipeline_id
        )
    if shuffle:
        # Shuffle the serialized records, cheaper to hold than parsed ones.
        dataset = dataset.shuffle(shuffle_buffer_size, seed=seed)
    dataset = dataset.batch(batch_size, drop_remainder=True)
    spec = tf.io.FixedLenFeature([seq_length], tf.int64)
    features = {name: spec for name in manifest_lib.FEATURES}

    def parse(records):
        # One vectorized parse per batch is much faster than one per record.
        parsed = tf.io.parse_example(records, features)
        return {name: tf.cast(parsed[name], tf.int32) for name in manifest_lib.FEATURES}

    dataset = dataset.map(parse, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)
