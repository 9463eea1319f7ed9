"""Helpers of the fine-tuning tests: a tiny vocabulary, tokenizer and encoder."""

import os

import keras_hub
import pytest

from keras_electra.config import ElectraConfig
from keras_electra.models.electra_encoder import ElectraEncoder

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = (
    "the a an of in on to is was and film good bad great awful movie plot actor "
    "paris france capital city river seine city's tower built 1889 eiffel who what "
    "where when which year it its by gustave engineer named after company designed "
    "london england john lives works"
).split()
PUNCT = list(".,;:!?'\"()-")


def word_vocab():
    """Specials, whole words, punctuation and single characters (so nothing is [UNK])."""
    letters = list("abcdefghijklmnopqrstuvwxyz0123456789")
    tokens = SPECIALS + WORDS + PUNCT + letters + ["##" + c for c in letters]
    return list(dict.fromkeys(tokens))


def make_tokenizer(vocab):
    return keras_hub.tokenizers.WordPieceTokenizer(
        vocabulary=vocab, lowercase=True, strip_accents=True, oov_token="[UNK]", dtype="int32"
    )


def tiny_encoder(vocab_size, **overrides):
    config = ElectraConfig.preset(
        "tiny",
        vocab_size=vocab_size,
        pad_token_id=0,
        cls_token_id=2,
        sep_token_id=3,
        mask_token_id=4,
        **overrides,
    )
    return ElectraEncoder.from_electra_config(config)


def real_file(folder, *parts):
    path = os.path.join(folder, *parts)
    if not os.path.exists(path):
        pytest.skip(f"{path} is missing from the fetched data")
    return path
