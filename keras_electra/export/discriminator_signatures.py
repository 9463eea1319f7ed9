"""The serving signatures of an `ElectraDiscriminator`: a replaced-token probability a token."""

import tensorflow as tf

from keras_electra.export.endpoint import Endpoint, ids_endpoint, strings


def discriminator_endpoints(discriminator, preprocessor):
    """`serving_default` (raw text) and `serve_ids` (packed ids) of `discriminator`.

    The pre-training head as a text-quality signal: a high probability says the
    token looks out of place. Outputs: `replaced_probability` float32
    [batch, seq_len] (the sigmoid of the discriminator's logits), `tokens`
    string [batch, seq_len] (the word pieces, with [CLS], [SEP] and [PAD]) and
    `padding_mask` int32 [batch, seq_len]; `serve_ids` gives the probabilities
    only. Input: `text` string [batch].

    Args:
        discriminator: an `ElectraDiscriminator`.
        preprocessor: an `ElectraTextPreprocessor` of the model's tokenizer.

    Example:
    >>> endpoints = discriminator_endpoints(load_discriminator("run/"), preprocessor)
    """
    vocabulary = tf.constant(preprocessor.tokenizer.get_vocabulary())

    def probabilities(features):
        logits = tf.cast(discriminator(features, training=False), tf.float32)
        return {"replaced_probability": tf.sigmoid(logits)}

    def serve_text(text):
        features = preprocessor(text)
        return {
            **probabilities(features),
            "tokens": tf.gather(vocabulary, features["token_ids"]),
            "padding_mask": features["padding_mask"],
        }

    return [Endpoint("serving_default", serve_text, [strings("text")]),
            ids_endpoint(probabilities)]
