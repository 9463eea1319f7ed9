"""ElectraTokenizer: the in-graph WordPiece tokenizer of a keras-electra vocabulary.

It is keras-hub's `WordPieceTokenizer` (tensorflow-text's fast WordPiece underneath)
with ELECTRA's special tokens and BERT's normalization (lower-casing and accent
stripping as the vocabulary was learned, punctuation and CJK characters split into
words of their own). Being TensorFlow ops end to end, it runs inside
`tf.data.Dataset.map` and inside an exported SavedModel; `electra_tokenizer(path)`
builds one for a vocabulary file as `keras-electra vocab` wrote it.

Example:
>>> tokenizer = electra_tokenizer("vocab.txt")                 # doctest: +SKIP
>>> tokenizer(["Héllo, WORLD!"])  # eager: lists; in tf.data: tensors  # doctest: +SKIP
[[1012, 11, 873, 6]]
>>> dataset = tf.data.TextLineDataset("corpus.txt").map(tokenizer)  # doctest: +SKIP
"""

import keras
import keras_hub

from keras_electra.data import vocab as vocab_lib
from keras_electra.models.electra_backbone import ElectraBackbone

@keras.saving.register_keras_serializable(package="keras_electra")
class ElectraTokenizer(keras_hub.tokenizers.WordPieceTokenizer):
    """WordPiece with BERT's normalization and ELECTRA's five special tokens.

    Runs in the TensorFlow graph (tensorflow-text's fast WordPiece), so it maps
    strings to ids inside `tf.data` and inside an exported SavedModel. It checks
    that the vocabulary holds [PAD] [UNK] [CLS] [SEP] [MASK] and exposes their
    ids (`pad_token_id`, `cls_token_id`, ...; keras-hub's `start_token_id` and
    `end_token_id` are [CLS] and [SEP]). As every keras-hub tokenizer it saves
    its vocabulary as a preset asset (`save_to_preset`) and loads with
    `ElectraTokenizer.from_preset(model_folder)`.

    Args:
        vocabulary: a list of word pieces or the path of a one-piece-a-line file.
        lowercase, strip_accents: how text is normalized before WordPiece; None
            (the default) follows the vocabulary: lower-case and strip accents
            unless it holds upper-case pieces (a cased vocabulary).
            `keras_electra.data.electra_tokenizer(path)` reads what
            `keras-electra vocab` recorded instead of guessing.
        **kwargs: the rest of `keras_hub.tokenizers.WordPieceTokenizer`'s
            arguments (`sequence_length`, `split_on_cjk`, ...).

    Example:
    >>> vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "good", "film"]
    >>> tokenizer = ElectraTokenizer(vocab)
    >>> tokenizer("A good film").tolist()
    [5, 6, 7]
    >>> tokenizer.cls_token_id, tokenizer.mask_token_id
    (2, 4)
    """

    backbone_cls = ElectraBackbone

    def __init__(self, vocabulary=None, lowercase=None, strip_accents=None, **kwargs):
        pieces = None if vocabulary is None else _pieces(vocabulary)
        if pieces is not None:
            vocab_lib.special_token_ids(pieces)  # One message naming all that lack.
        for token, field in vocab_lib.SPECIAL_TOKEN_FIELDS.items():
            # keras-hub's hook for a model's special tokens (its BERT tokenizer's
            # too): `pad_token_id` and so on, looked up whenever a vocabulary is set.
            self._add_special_token(token, field[: -len("_id")])
        self._add_special_token("[CLS]", "start_token")
        self._add_special_token("[SEP]", "end_token")
        if pieces is not None and (lowercase is None or strip_accents is None):
            cased = vocab_lib.is_cased(pieces)
            lowercase = not cased if lowercase is None else lowercase
            strip_accents = not cased if strip_accents is None else strip_accents
        kwargs.setdefault("oov_token", "[UNK]")
        kwargs.setdefault("dtype", "int32")
        super().__init__(
            vocabulary=pieces,
            lowercase=bool(lowercase),
            strip_accents=bool(strip_accents),
            **kwargs,
        )


def _pieces(vocabulary):
    if isinstance(vocabulary, str):
        with open(vocabulary, encoding="utf-8") as f:
            return [line.rstrip("\n") for line in f]
    return list(vocabulary)


def electra_tokenizer(
    vocab_path, *, lowercase=None, strip_accents=None, sequence_length=None
):
    """The `ElectraTokenizer` for the vocabulary at `vocab_path`.

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
    return ElectraTokenizer(
        # A list, not the path: keras-hub opens paths with Python's `open`, which
        # cannot read gs:// URLs.
        vocabulary=vocab,
        sequence_length=sequence_length,
        lowercase=settings["lowercase"] if lowercase is None else lowercase,
        strip_accents=settings["strip_accents"] if strip_accents is None else strip_accents,
        split=True,
        split_on_cjk=True,
        suffix_indicator=vocab_lib.SUFFIX_INDICATOR,
    )
