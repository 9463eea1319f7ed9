"""Synthetic languages in which a replaced token is given away by its context.

Three of them are made here: in each, a word's position tells its class and its
context tells which word of the class it is. The NUM_WORDS words fall into NUM_CLASSES classes, and the word at
position p belongs to class p mod NUM_CLASSES (the specials overwrite theirs):

    motif   each sequence repeats a motif of NUM_CLASSES random words, one of each
            class, so a word equals the words a period away;
    copy    segment B is a copy of segment A (random words, both 14 long), so each
            word has a twin 15 positions away;
    markov  a walk on a fixed graph where each word has two possible successors (of
            the next class), so a word is one of its left neighbour's successors.

So a replacement of the wrong class shows at once (the discriminator learns that first,
from the words' and positions' embeddings alone), while one of the right class shows
only against its context, and only that kind survives once the generator has learned
the classes: the two are the early and the late part of a learning curve.

The fourth, `topics`, is tests/synthetic_language.py's (issue 12 was found on it): eight
topics, each a template fixing the word at every position, over the tiny preset's
vocabulary; the other words tell the topic, hence which of a position's candidates is
right. Its discriminator leans on the word embeddings most, and so showed issue 12's
sparse-gradient bug most (measured: disc_auc 0.858 instead of 0.937 at step 200).

The batches look like `keras-electra prepare`'s ([CLS] A [SEP] B [SEP], then padding)
over a vocabulary laid out as the project's (`[PAD] [UNK] [CLS] [SEP] [MASK]` at ids
0..4, the words after). A language's rules (classes, graph) are fixed; `seed` picks
the sequences. Batches are dicts of int32 numpy arrays `token_ids`, `segment_ids`,
`padding_mask`.

Example:
>>> batches = language_batches("copy", batch_size=16, seq_len=32, seed=0)
>>> next(batches)["token_ids"].shape
(16, 32)
>>> config = ElectraConfig.preset("tiny", **language_config_overrides("copy", 32))
"""

import os
import sys

import numpy as np

from keras_electra import ElectraConfig

PAD, UNK, CLS, SEP, MASK = range(5)
FIRST_WORD = 5
NUM_WORDS = 50
NUM_CLASSES = 5
VOCAB_SIZE = FIRST_WORD + NUM_WORDS
# A twin is COPY_LENGTH + 1 positions away: a multiple of NUM_CLASSES keeps its class.
COPY_LENGTH = 14
# The rules of a language (its graph) are part of it, not of a run.
_RULES_SEED = 1234


def language_config_overrides(name, seq_len):
    """The `ElectraConfig` fields language `name` decides (as `dataset_config_overrides`)."""
    if name == "topics":  # the preset's vocabulary and special ids, as the tests use them
        return dict(max_seq_length=seq_len)
    return dict(vocab_size=VOCAB_SIZE, max_seq_length=seq_len, pad_token_id=PAD,
                cls_token_id=CLS, sep_token_id=SEP, mask_token_id=MASK)


def _word_of_class(rng, word_class, size=None):
    """A random word of each class given; class c is FIRST_WORD + c + k x NUM_CLASSES, k >= 0."""
    size = np.shape(word_class) if size is None else size
    offset = rng.integers(NUM_WORDS // NUM_CLASSES, size=size) * NUM_CLASSES
    return FIRST_WORD + word_class + offset


def _length_and_split(rng, seq_len):
    length = rng.integers(seq_len // 2, seq_len + 1)
    return length, rng.integers(4, length - 3)


def _motif_sequence(rng, seq_len):
    length, split = _length_and_split(rng, seq_len)
    motif = _word_of_class(rng, np.arange(NUM_CLASSES))
    return motif[np.arange(length) % NUM_CLASSES], split, length


def _copy_sequence(rng, seq_len):
    length = 2 * COPY_LENGTH + 3
    if length > seq_len:
        raise ValueError(f"copy needs sequences of {length} tokens, got {seq_len}")
    segment = _word_of_class(rng, np.arange(1, COPY_LENGTH + 1) % NUM_CLASSES)
    return np.concatenate([[CLS], segment, [SEP], segment, [SEP]]), COPY_LENGTH + 1, length


class _MarkovGraph:
    def __init__(self):
        rules = np.random.default_rng(_RULES_SEED)
        words = FIRST_WORD + np.arange(NUM_WORDS)
        self.successors = np.zeros((VOCAB_SIZE, 2), np.int64)
        self.successors[words] = _word_of_class(
            rules, ((words - FIRST_WORD + 1) % NUM_CLASSES)[:, None], size=(NUM_WORDS, 2))

    def __call__(self, rng, seq_len):
        length, split = _length_and_split(rng, seq_len)
        words = np.empty(length, np.int64)
        words[0] = _word_of_class(rng, 0)
        # The walk goes on through the specials that overwrite some positions, as a
        # text goes on after a sentence break.
        for i in range(1, length):
            words[i] = self.successors[words[i - 1], rng.integers(2)]
        return words, split, length


def _topics_batches(batch_size, seq_len, seed):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir,
                                    "tests"))
    from synthetic_language import synthetic_language

    config = ElectraConfig.preset("tiny", **language_config_overrides("topics", seq_len))
    index = 0
    while True:
        yield synthetic_language(batch_size, seq_len, config, seed=0,
                                 sample_seed=seed * 10**6 + index)
        index += 1


_SEQUENCES = {"motif": _motif_sequence, "copy": _copy_sequence, "markov": _MarkovGraph()}
LANGUAGES = (*_SEQUENCES, "topics")


def language_batches(name, batch_size, seq_len, seed):
    """Yields batches of language `name` forever; `seed` fixes the stream."""
    if name == "topics":
        yield from _topics_batches(batch_size, seq_len, seed)
        return
    draw = _SEQUENCES[name]
    rng = np.random.default_rng([seed, LANGUAGES.index(name)])
    while True:
        ids = np.zeros((batch_size, seq_len), np.int32)
        segments = np.zeros_like(ids)
        padding = np.zeros_like(ids)
        for row in range(batch_size):
            words, split, length = draw(rng, seq_len)
            ids[row, :length] = words
            ids[row, [0, split, length - 1]] = CLS, SEP, SEP
            segments[row, split + 1:length] = 1
            padding[row, :length] = 1
        yield {"token_ids": ids, "segment_ids": segments, "padding_mask": padding}
