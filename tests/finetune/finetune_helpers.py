"""Helpers of the fine-tuning tests: a tiny vocabulary, tokenizer and encoder."""

import os

import keras_hub
import pytest

from keras_electra.config import ElectraConfig
from keras_electra.models.electra_backbone import ElectraEncoder

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


def write_model_folder(path, vocab, **overrides):
    """A random tiny discriminator saved as a model folder with `vocab` as vocab.txt."""
    from keras_electra.model_folder import save_model_folder
    from keras_electra.models.electra_discriminator import ElectraDiscriminator

    vocab_file = os.path.join(os.path.dirname(path), "vocab.txt")
    with open(vocab_file, "w") as f:
        f.write("".join(t + "\n" for t in vocab))
    config = ElectraConfig.preset(
        "tiny", vocab_size=len(vocab), pad_token_id=0, cls_token_id=2, sep_token_id=3,
        mask_token_id=4, **overrides,
    )
    discriminator = ElectraDiscriminator(
        ElectraEncoder.from_electra_config(config), name="discriminator"
    )
    save_model_folder(path, config, discriminator, vocab_file=vocab_file)
    return path


def slice_tsv(source, target, rows, seed=0):
    """The header and `rows` rows of `source` drawn at random (files may be sorted by label)."""
    import random

    with open(source) as f:
        header, *lines = f.readlines()
    random.Random(seed).shuffle(lines)
    with open(target, "w") as out:
        out.write(header + "".join(lines[:rows]))
