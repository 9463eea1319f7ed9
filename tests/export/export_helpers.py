"""Helpers of the export tests: a tiny vocabulary and backbone, the texts served."""

import keras

from keras_electra import ElectraBackbone, ElectraTokenizer

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = "the a of in is was and film good bad plot who built it paris tower city".split()
LETTERS = list("abcdefghijklmnopqrstuvwxyz0123456789")
VOCAB = list(dict.fromkeys(SPECIALS + WORDS + list(".,!?'") + LETTERS + ["##" + c for c in LETTERS]))
SEQUENCE_LENGTH = 16

# An empty string, accents and a dash, CJK (each character a word, [UNK] here), a
# text longer than the sequence length, and plain ones.
TEXTS = [
    "",
    "Été à Paris — naïve tower!",
    "東京 the film",
    " ".join(["the good film was built in paris"] * 6),
    "a bad plot",
    "Who built it?",
]


def texts_of_batch(size):
    """`size` texts: TEXTS first, then variations of them."""
    return [TEXTS[i % len(TEXTS)] + (f" {i}" if i >= len(TEXTS) else "") for i in range(size)]


def tiny_tokenizer():
    return ElectraTokenizer(VOCAB, lowercase=True, strip_accents=True)


def tiny_backbone(seed=0):
    keras.utils.set_random_seed(seed)
    return ElectraBackbone(vocab_size=len(VOCAB), hidden_size=32, num_layers=2, num_heads=2,
                           intermediate_size=64, max_position_embeddings=64)
