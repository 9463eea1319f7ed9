"""Endpoint: one named serving signature of an export, and the input specs they share."""

import collections
import functools

import tensorflow as tf

from keras_electra.models.electra_task import FEATURES

# The signature that clients which tokenize themselves call, on every export.
IDS_SIGNATURE = "serve_ids"

Endpoint = collections.namedtuple("Endpoint", ["name", "fn", "input_signature"])
Endpoint.__doc__ = """A function of tensors, its signature name and its `tf.TensorSpec`s.

`export_saved_model` hands each to `keras.export.ExportArchive.add_endpoint`
(its `fn` through `refusing_other_shapes`); the specs' names are the
signature's input names (`text`, `token_ids`, ...).
"""


def refusing_other_shapes(endpoint):
    """`endpoint.fn`, failing in the graph on an input of another shape than its spec's.

    A loaded signature, like TF Serving, runs its graph on tensors of any shape:
    a [1, 2] string tensor (a client's nested lists) came back as two rows and a
    scalar as a batch of one, so a client got more answers than instances.
    `tf.ensure_shape` stays in the graph and fails naming the input and both
    shapes ("Shape of tensor text [1,2] is not compatible with expected shape [?]").
    """
    specs = endpoint.input_signature

    @functools.wraps(endpoint.fn)  # Keeps the argument names, which name the inputs.
    def fn(*inputs):
        return endpoint.fn(*[tf.ensure_shape(x, spec.shape) for x, spec in zip(inputs, specs)])

    return fn


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
