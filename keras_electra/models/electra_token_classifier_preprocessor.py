"""ElectraTokenClassifierPreprocessor: words (or sentences) and their tags to packed rows."""

import keras
import keras_hub
import tensorflow as tf

from keras_electra.data.tokenizer import ElectraTokenizer
from keras_electra.models.electra_backbone import ElectraBackbone
from keras_electra.models.electra_text_preprocessor import (
    DEFAULT_SEQUENCE_LENGTH,
    special_token_id,
)

# Marks the positions that belong to no word ([CLS], [SEP], padding, and the
# later sub-tokens of a word) in `word_ids`.
NO_WORD = -1


@keras.saving.register_keras_serializable(package="keras_electra")
class ElectraTokenClassifierPreprocessor(keras_hub.models.Preprocessor):
    """Tokenizes words, packs them as `[CLS] pieces [SEP]` and puts each label on its word.

    Runs in the TensorFlow graph (in `tf.data` and in a SavedModel). Each word is
    tokenized on its own, so the word boundaries are known: a word's label goes on
    its first sub-token with sample weight 1, every other position gets weight 0
    (as in BERT and ELECTRA), and `word_ids(x)` says which word each position
    starts, so that predictions come back one per word. A word that yields no
    piece (a control character) becomes [UNK], so no word is lost; words past
    `sequence_length - 2` pieces are cut off (`keras-electra finetune` instead
    splits long sentences into several rows, see `keras_electra.tasks.conll`).

    Args:
        tokenizer: an `ElectraTokenizer`.
        sequence_length: int, the packed length; None lets the task choose (128,
            or the backbone's positions if fewer).

    Call with `x` a string tensor of sentences [batch] (split on whitespace) or a
    ragged string tensor of words [batch, None]; `y`, if given, the tag ids of
    the words, int [batch, None] (ragged, or padded: extra labels are ignored);
    `sample_weight`, if given, one weight per example.

    Example:
    >>> preprocessor = ElectraTokenClassifierPreprocessor(tokenizer, sequence_length=16)
    >>> x, y, weights = preprocessor(tf.constant(["the films"]), tf.ragged.constant([[3, 1]]))
    >>> preprocessor.word_ids(tf.constant(["the films"]))[0, :5].numpy().tolist()
    [-1, 0, 1, -1, -1]
    """

    backbone_cls = ElectraBackbone
    tokenizer_cls = ElectraTokenizer

    def __init__(self, tokenizer, sequence_length=None, **kwargs):
        super().__init__(**kwargs)
        self.tokenizer = tokenizer
        self.sequence_length = None if sequence_length is None else int(sequence_length)
        self._eager_pieces = None

    def build(self, input_shape=None):
        # Deferred: a loaded tokenizer gets its vocabulary (an asset) after construction.
        self.pad_token_id = special_token_id(self.tokenizer, "[PAD]")
        self.unk_token_id = special_token_id(self.tokenizer, "[UNK]")
        self.cls_token_id = special_token_id(self.tokenizer, "[CLS]")
        self.sep_token_id = special_token_id(self.tokenizer, "[SEP]")
        self.built = True

    def split_words(self, x):
        """`x` as ragged words [batch, None]: sentences are split on whitespace."""
        x = x if isinstance(x, tf.RaggedTensor) else tf.convert_to_tensor(x)
        if not isinstance(x, tf.RaggedTensor) and x.dtype == tf.string and x.shape.rank == 1:
            x = tf.strings.split(x)
        if not isinstance(x, tf.RaggedTensor) or x.dtype != tf.string or x.shape.rank != 2:
            raise ValueError(
                "ElectraTokenClassifierPreprocessor takes sentences (strings [batch]) "
                f"or words (ragged strings [batch, None]), got {x!r}."
            )
        return x

    def _pieces(self, words):
        """(pieces [batch, None], word index of each piece, is each piece a word's first)."""
        if tf.executing_eagerly():
            # keras-hub's tokenizer hands ragged output back as Python lists when
            # run eagerly; in a graph (tf.data, a SavedModel) it stays a tensor.
            if self._eager_pieces is None:
                self._eager_pieces = tf.function(self._graph_pieces, reduce_retracing=True)
            return self._eager_pieces(words)
        return self._graph_pieces(words)

    def _graph_pieces(self, words):
        by_word = self.tokenizer(words)  # [batch, words, pieces]
        flat = tf.cast(by_word.values, "int32")  # [all words, pieces]
        empty = tf.cast(flat.row_lengths() == 0, "int64")
        unk = tf.ragged.range(empty) * 0 + self.unk_token_id
        flat = tf.concat([flat, tf.cast(unk, "int32")], axis=1)
        first = tf.ragged.range(flat.row_lengths()) == 0
        word_index = tf.ragged.range(words.row_lengths()).values
        piece_word = tf.repeat(word_index, flat.row_lengths())
        piece_word = flat.with_flat_values(tf.cast(piece_word, "int32"))

        def per_example(values):
            return tf.RaggedTensor.from_row_lengths(values, words.row_lengths()).merge_dims(1, 2)

        return per_example(flat), per_example(piece_word), per_example(first), flat

    def word_ids(self, x):
        """int32 [batch, sequence_length]: the index of the word a position starts, else -1."""
        if not self.built:
            self.build()
        _, piece_word, first, _ = self._pieces(self.split_words(x))
        starts = piece_word.with_flat_values(
            tf.where(first.flat_values, piece_word.flat_values, NO_WORD)
        )
        return self._pack(starts, NO_WORD, NO_WORD)

    def call(self, x, y=None, sample_weight=None):
        words = self.split_words(x)
        pieces, piece_word, first, flat = self._pieces(words)
        token_ids = self._pack(pieces, self.cls_token_id, self.sep_token_id, self.pad_token_id)
        features = {
            "token_ids": token_ids,
            "segment_ids": tf.zeros_like(token_ids, "int32"),
            "padding_mask": self._pack(tf.ones_like(pieces), 1, 1, 0),
        }
        if y is None:
            return keras.utils.pack_x_y_sample_weight(features, None, sample_weight)
        y = y if isinstance(y, tf.RaggedTensor) else tf.RaggedTensor.from_tensor(
            tf.convert_to_tensor(y))
        word_labels = _gather_word_labels(tf.cast(y, "int32"), piece_word)
        # The label sits on the first piece only, as the weight does.
        word_labels = word_labels.with_flat_values(
            tf.where(first.flat_values, word_labels.flat_values, 0)
        )
        labels = self._pack(word_labels, 0, 0)
        weights = tf.cast(self._pack(tf.cast(first, "int32"), 0, 0), "float32")
        if sample_weight is not None:
            weights *= tf.cast(tf.reshape(sample_weight, (-1, 1)), "float32")
        return features, labels, weights

    def _pack(self, ragged, start, end, pad=None):
        """`start` + the first `sequence_length - 2` values + `end`, padded: int32 [batch, L].

        Every per-piece sequence (ids, labels, word ids) is cut and filled alike.
        """
        length = self.sequence_length or DEFAULT_SEQUENCE_LENGTH
        ragged = tf.cast(ragged, "int32")[:, : length - 2]
        rows = tf.shape(ragged.row_lengths())[0]
        packed = tf.concat(
            [tf.fill([rows, 1], start), ragged, tf.fill([rows, 1], end)], axis=1
        )
        return packed.to_tensor(default_value=start if pad is None else pad, shape=[None, length])

    def get_config(self):
        config = super().get_config()
        config.update({"sequence_length": self.sequence_length})
        return config


def _gather_word_labels(labels_by_word, piece_word):
    """labels_by_word[b, piece_word[b, p]] for every piece; 0 past an example's labels."""
    rows = piece_word.value_rowids()
    cols = tf.cast(piece_word.flat_values, "int64")
    have = cols < tf.gather(labels_by_word.row_lengths(), rows)
    # A 0 after the labels serves the pieces of unlabelled words.
    values = tf.concat([labels_by_word.values, [0]], axis=0)
    index = tf.where(have, tf.gather(labels_by_word.row_starts(), rows) + cols,
                     tf.shape(values, out_type="int64")[0] - 1)
    return piece_word.with_flat_values(tf.gather(values, index))
