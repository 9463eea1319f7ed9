"""The serving signatures of an `ElectraTokenClassifier`: a tag per whitespace word."""

import tensorflow as tf

from keras_electra.export.endpoint import Endpoint, ids_endpoint, strings
from keras_electra.models.electra_token_classifier_preprocessor import NO_WORD


def tagger_endpoints(tagger, labels=None):
    """`serving_default` (sentences) and `serve_ids` (packed ids) of `tagger`.

    `serving_default` takes `text` string [batch] and gives, padded to the
    batch's most words: `words` string [batch, words] (the sentence split on
    whitespace), `tag_ids` int32 [batch, words] (`tagger.predict_words`' ids;
    -1 for padding and for words past the sequence length), `tags` string
    [batch, words] (their names, "" where the id is -1) and `word_count` int32
    [batch]. `serve_ids` gives `tag_ids` and `tags` for every position.

    Args:
        tagger: an `ElectraTokenClassifier` with its
            `ElectraTokenClassifierPreprocessor`.
        labels: the tag names in id order; None names them "0", "1", ...

    Example:
    >>> endpoints = tagger_endpoints(tagger, labels=["DET", "NOUN", "VERB"])
    """
    names = [str(i) for i in range(tagger.num_classes)] if labels is None else list(labels)
    if len(names) != tagger.num_classes:
        raise ValueError(f"`labels` names {len(names)} tags, but the tagger has "
                         f"{tagger.num_classes}.")
    no_tag = len(names)
    names = tf.constant(names + [""])

    def tag_names(tag_ids):
        return tf.gather(names, tf.where(tag_ids < 0, no_tag, tag_ids))

    preprocessor = tagger.preprocessor

    def position_tags(features):
        logits = tagger(features, training=False)
        tag_ids = tf.argmax(logits, axis=-1, output_type=tf.int32)
        return {"tag_ids": tag_ids, "tags": tag_names(tag_ids)}

    def serve_text(text):
        words = preprocessor.split_words(text)
        word_ids = preprocessor.word_ids(words)  # [batch, seq_len], the word a position starts
        best = position_tags(preprocessor(words))["tag_ids"]
        counts = tf.cast(words.row_lengths(), tf.int32)
        starts = tf.where(word_ids != NO_WORD)  # (example, position) of each word's start
        targets = tf.stack([starts[:, 0], tf.cast(tf.gather_nd(word_ids, starts), tf.int64)], 1)
        tag_ids = tf.tensor_scatter_nd_update(
            tf.fill([tf.shape(counts)[0], tf.reduce_max(tf.concat([counts, [0]], 0))], -1),
            targets, tf.gather_nd(best, starts))
        return {
            "words": words.to_tensor(default_value=""),
            "tag_ids": tag_ids,
            "tags": tag_names(tag_ids),
            "word_count": counts,
        }

    return [Endpoint("serving_default", serve_text, [strings("text")]),
            ids_endpoint(position_tags)]
