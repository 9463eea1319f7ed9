"""ElectraTextPreprocessor: raw sentences (or sentence pairs) to the encoder's inputs."""

import keras
import keras_hub
import tensorflow as tf

from keras_electra.data.tokenizer import ElectraTokenizer
from keras_electra.models.electra_backbone import ElectraBackbone


def special_token_id(tokenizer, token):
    """The id of `token` ("[CLS]", ...) in `tokenizer`, with a clear error if absent."""
    try:
        token_id = tokenizer.token_to_id(token)
    except (KeyError, ValueError):
        token_id = None
    if token_id is None or token_id < 0:
        raise ValueError(
            f"The tokenizer's vocabulary has no {token} token; ELECTRA needs "
            "[PAD], [UNK], [CLS], [SEP] and [MASK] (write the vocabulary with "
            "`keras-electra vocab`)."
        )
    return int(token_id)


DEFAULT_SEQUENCE_LENGTH = 128


@keras.saving.register_keras_serializable(package="keras_electra")
class ElectraTextPreprocessor(keras_hub.models.Preprocessor):
    """Tokenizes one or two segments and packs them as `[CLS] a [SEP] (b [SEP])`.

    Runs in the TensorFlow graph (inside `tf.data` or a SavedModel): the
    tokenizer maps strings to ragged ids and keras-hub's `MultiSegmentPacker`
    adds the special tokens, the segment ids and the padding. Pairs are cut
    "round_robin" (a token from the longer segment at a time), which matches
    the original's longest-first truncation up to ties.

    Args:
        tokenizer: a Keras tokenizer layer mapping strings to token ids (a
            WordPiece tokenizer of keras-electra or keras-hub) with
            `token_to_id`.
        sequence_length: int, the packed length; None (the default) lets the
            task it joins choose: 128, or the backbone's positions if fewer
            (128 too when used on its own).
        truncate: "round_robin" or "waterfall".

    Call with `x` a string tensor (single sentences) or a list or tuple of
    two (sentence pairs), and optionally `y` and `sample_weight`, which pass
    through unchanged. As in keras-hub, a bare 2-tuple given alone is read
    as `(x, y)`: call `preprocessor([first, second])` for pairs.

    Example:
    >>> preprocessor = ElectraTextPreprocessor(tokenizer, sequence_length=16)
    >>> features = preprocessor(tf.constant(["a good film"]))
    >>> sorted(features)
    ['padding_mask', 'segment_ids', 'token_ids']
    """

    backbone_cls = ElectraBackbone
    tokenizer_cls = ElectraTokenizer

    def __init__(self, tokenizer, sequence_length=None, truncate="round_robin", **kwargs):
        super().__init__(**kwargs)
        self.tokenizer = tokenizer
        self.sequence_length = None if sequence_length is None else int(sequence_length)
        self.truncate = truncate
        self.packer = None

    def build(self, input_shape=None):
        # Deferred to here because a loaded tokenizer gets its vocabulary (a
        # saved asset) only after construction.
        self.pad_token_id = special_token_id(self.tokenizer, "[PAD]")
        self.packer = keras_hub.layers.MultiSegmentPacker(
            start_value=special_token_id(self.tokenizer, "[CLS]"),
            end_value=special_token_id(self.tokenizer, "[SEP]"),
            pad_value=self.pad_token_id,
            truncate=self.truncate,
            sequence_length=self.sequence_length or DEFAULT_SEQUENCE_LENGTH,
        )
        self.built = True

    def call(self, x, y=None, sample_weight=None):
        segments = x if isinstance(x, (tuple, list)) else (x,)
        if len(segments) not in (1, 2):
            raise ValueError(
                f"ElectraTextPreprocessor takes one or two segments, got {len(segments)}."
            )
        segments = tuple(self.tokenizer(tf.convert_to_tensor(s)) for s in segments)
        token_ids, segment_ids = self.packer(segments)
        features = {
            "token_ids": tf.cast(token_ids, "int32"),
            "segment_ids": tf.cast(segment_ids, "int32"),
            "padding_mask": tf.cast(token_ids != self.pad_token_id, "int32"),
        }
        return keras.utils.pack_x_y_sample_weight(features, y, sample_weight)

    def get_config(self):
        config = super().get_config()
        config.update(
            {"sequence_length": self.sequence_length, "truncate": self.truncate}
        )
        return config
