"""ElectraPretrainingPreprocessor: raw text to full pre-training rows, in graph."""

import keras
import keras_hub
import tensorflow as tf

from keras_electra.data.tokenizer import ElectraTokenizer
from keras_electra.models.electra_backbone import ElectraBackbone
from keras_electra.models.electra_text_preprocessor import special_token_id


@keras.saving.register_keras_serializable(package="keras_electra")
class ElectraPretrainingPreprocessor(keras_hub.models.Preprocessor):
    """Packs a batch of text into rows `[CLS] pieces [SEP]` that fill `sequence_length`.

    The texts of a batch are tokenized and laid end to end, in order, then cut
    into rows of `sequence_length - 2` pieces (the last row padded), so every
    row but the last is full, as pre-training wants: no position is wasted on
    padding. It runs in the TensorFlow graph, for streaming raw text straight
    into `ElectraPretrainer.fit` (see `text_pretraining_dataset`); the rows
    number more or fewer than the texts, so re-batch after it. `keras-electra
    prepare` instead packs whole sentences into segment pairs offline, as the
    original does; use it for a corpus you pre-train on more than once.

    Args:
        tokenizer: an `ElectraTokenizer`.
        sequence_length: int, the row length (the config's `max_seq_length`).

    Example:
    >>> preprocessor = ElectraPretrainingPreprocessor(tokenizer, sequence_length=128)
    >>> rows = preprocessor(tf.constant(["A first line.", "A second, longer line."]))
    >>> sorted(rows)
    ['padding_mask', 'segment_ids', 'token_ids']
    """

    backbone_cls = ElectraBackbone
    tokenizer_cls = ElectraTokenizer

    def __init__(self, tokenizer, sequence_length=128, **kwargs):
        super().__init__(**kwargs)
        self.tokenizer = tokenizer
        self.sequence_length = int(sequence_length)
        if self.sequence_length < 3:
            raise ValueError(f"`sequence_length` must be at least 3, got {sequence_length}.")
        self._eager_rows = None

    def build(self, input_shape=None):
        # Deferred: a loaded tokenizer gets its vocabulary (an asset) after construction.
        self.pad_token_id = special_token_id(self.tokenizer, "[PAD]")
        self.cls_token_id = special_token_id(self.tokenizer, "[CLS]")
        self.sep_token_id = special_token_id(self.tokenizer, "[SEP]")
        self.built = True

    def call(self, x, y=None, sample_weight=None):
        if y is not None or sample_weight is not None:
            raise ValueError("Pre-training rows have no labels: call with the texts only.")
        x = tf.convert_to_tensor(x, tf.string)
        if tf.executing_eagerly():
            # keras-hub's tokenizer hands ragged output back as Python lists when
            # run eagerly; in a graph (tf.data) it stays a tensor.
            if self._eager_rows is None:
                self._eager_rows = tf.function(self._rows, reduce_retracing=True)
            return self._eager_rows(x)
        return self._rows(x)

    def _rows(self, texts):
        room = self.sequence_length - 2
        stream = tf.cast(self.tokenizer(tf.reshape(texts, [-1])), "int32").flat_values
        rows = tf.RaggedTensor.from_uniform_row_length(
            tf.pad(stream, [[0, -tf.size(stream) % room]], constant_values=-1), room)
        rows = tf.ragged.boolean_mask(rows, rows >= 0)  # the last row's padding
        rows = tf.ragged.boolean_mask(rows, rows.row_lengths() > 0)  # empty batches
        count = tf.shape(rows.row_lengths())[0]
        packed = tf.concat([tf.fill([count, 1], self.cls_token_id), rows,
                            tf.fill([count, 1], self.sep_token_id)], axis=1)
        token_ids = packed.to_tensor(self.pad_token_id, shape=[None, self.sequence_length])
        padding_mask = tf.ones_like(packed).to_tensor(0, shape=[None, self.sequence_length])
        return {"token_ids": token_ids, "segment_ids": tf.zeros_like(token_ids),
                "padding_mask": padding_mask}

    def get_config(self):
        config = super().get_config()
        config.update({"sequence_length": self.sequence_length})
        return config


def text_pretraining_dataset(files, tokenizer, batch_size, sequence_length, *,
                             lines_per_pack=256, shuffle_buffer_size=10_000, seed=None):
    """Pre-training batches [batch_size, sequence_length] streamed from raw text files.

    Lines are packed `lines_per_pack` at a time by `ElectraPretrainingPreprocessor`,
    then the rows shuffled and batched with the remainder dropped (one static
    shape, for XLA and TPUs); it repeats forever, for `fit(steps_per_epoch=...)`.

    Example:
    >>> batches = text_pretraining_dataset(["corpus.txt"], tokenizer, 128, 128)
    >>> pretrainer.fit(batches, steps_per_epoch=1000, epochs=10)  # doctest: +SKIP
    """
    files = [files] if isinstance(files, str) else list(files)
    if not files:
        raise ValueError("`files` is empty: give one or more text files.")
    preprocessor = ElectraPretrainingPreprocessor(tokenizer, sequence_length)
    lines = tf.data.TextLineDataset(files).filter(lambda line: tf.strings.length(line) > 0)
    rows = lines.repeat().batch(lines_per_pack).map(preprocessor, num_parallel_calls=tf.data.AUTOTUNE)
    return (rows.unbatch().shuffle(shuffle_buffer_size, seed=seed)
            .batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE))
