"""The in-graph WordPiece tokenizer that matches a keras-electra vocabulary.

It is keras-hub's `WordPieceTokenizer` (tensorflow-text's fast WordPiece underneath), set up
with BERT's normalization (lower-casing and accent stripping as the vocabulary was learned,
punctuation and CJK characters split into words of their own). Being TensorFlow ops end to
end, it runs inside `tf.data.Dataset.map` and inside an exported SavedModel.

Example:
>>> tokenizer = electra_tokenizer("vocab.txt")                 # doctest: +SKIP
>>> tokenizer(["Héllo, WORLD!"])  # eager: lists; in tf.data: tensors  # doctest: +SKIP
[[1012, 11, 873, 6]]
>>> dataset = tf.data.TextLineDataset("corpus.txt").map(tokenizer)  # doctest: +SKIP
"""

import keras_hub

from keras_electra.data import vocab as vocab_lib


def electra_tokenizer(
    vocab_path, *, lowercase=None, strip_accents=None, sequence_length=None
):
    """A `keras_hub.tokenizers.WordPieceTokenizer` for the vocabulary at `vocab_path`.

    Args:
        vocab_path: a vocabulary file (local or any tf.io.gfile URL) holding
            [PAD] [UNK] [CLS] [SEP] [MASK].
        lowercase, strip_accents: None (the default) takes them from how the vocabulary
            was learned (see `vocabulary_settings`); pass a bool only to override.
        sequence_length: if set, outputs are dense, padded or cut to this length.

    Returns:
        A Keras layer mapping strings to int32 token ids (ragged unless
        `sequence_length`); unknown words become [UNK].
    """
    settings = vocab_lib.vocabulary_settings(vocab_path)
    vocab = vocab_lib.read_vocabulary(vocab_path)
    vocab_lib.special_token_ids(vocab)  # Refuse a vocabulary without the specials.
    return keras_hub.tokenizers.WordPieceTokenizer(
        # A list, not the path: keras-hub opens paths with Python's `open`, which
        # cannot read gs:// URLs.
        vocabulary=vocab,
        sequence_length=sequence_length,
        lowercase=settings["lowercase"] if lowercase is None else lowercase,
        strip_accents=settings["strip_accents"] if strip_accents is None else strip_accents,
        split=True,
        split_on_cjk=True,
        suffix_indicator=vocab_lib.SUFFIX_INDICATOR,
        oov_token="[UNK]",
        dtype="int32",
    )
