"""The serving signatures of an `ElectraBackbone`: text in, features out."""

import tensorflow as tf

from keras_electra.export.endpoint import Endpoint, ids_endpoint, strings


def encoder_endpoints(backbone, preprocessor):
    """`serving_default` (raw text) and `serve_ids` (packed ids) of `backbone`.

    Outputs: `sequence_output` float32 [batch, seq_len, hidden] (the last
    hidden state), `pooled_output` float32 [batch, hidden] (the [CLS] vector:
    ELECTRA has no pooler, its tasks read this position) and `padding_mask`
    int32 [batch, seq_len] (1 on real tokens). Input: `text` string [batch].

    Args:
        backbone: an `ElectraBackbone`.
        preprocessor: an `ElectraTextPreprocessor` of the backbone's tokenizer.

    Example:
    >>> endpoints = encoder_endpoints(backbone, ElectraTextPreprocessor(tokenizer, 128))
    """

    def outputs(features):
        sequence = tf.cast(backbone(features, training=False), tf.float32)
        return {
            "sequence_output": sequence,
            "pooled_output": sequence[:, 0, :],
            "padding_mask": features["padding_mask"],
        }

    def serve_text(text):
        return outputs(preprocessor(text))

    return [Endpoint("serving_default", serve_text, [strings("text")]), ids_endpoint(outputs)]
