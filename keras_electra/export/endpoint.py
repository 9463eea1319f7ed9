"""Endpoint: one named serving signature of an export, and the input specs they share."""

import collections

import tensorflow as tf

from keras_electra.models.electra_task import FEATURES

# The signature that clients which tokenize themselves call, on every export.
IDS_SIGNATURE = "serve_ids"

Endpoint = collections.namedtuple("Endpoint", ["name", "fn", "input_signature"])
Endpoint.__doc__ = """A function of tensors, its signature name and its `tf.TensorSpec`s.

`export_saved_model` hands each to `keras.export.ExportArchive.add_endpoint`;
the specs' names are the signature's input names (`text`, `token_ids`, ...).
"""


def strings(name):
    """A batch of strings, [batch]: the input of every text signature."""
    return tf.TensorSpec([None], tf.string, name=name)


def ids_signature():
    """`token_ids`, `segment_ids`, `padding_mask`, int32 [batch, seq_len], in that order."""
    return [tf.TensorSpec([None, None], tf.int32, name=name) for name in FEATURES]


def ids_endpoint(outputs_of_features):
    """The `serve_ids` endpoint: `outputs_of_features(features dict)` on packed ids."""

    def serve_ids(token_ids, segment_ids, padding_mask):
        features = dict(zip(FEATURES, (token_ids, segment_ids, padding_mask)))
        return outputs_of_features(features)

    return Endpoint(IDS_SIGNATURE, serve_ids, ids_signature())
