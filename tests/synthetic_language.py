"""A small synthetic language for pre-training tests, and a synthetic text corpus."""

import random

import numpy as np


def synthetic_language(num_sequences, seq_len, config, num_topics=8, seed=0, sample_seed=0):
    """Sequences of a small language with structure a model can learn.

    The language has `num_topics` topics; a topic fixes the word at every
    position (a template of random words). A sequence picks a topic, a length
    and a place for the segment break: [CLS] A [SEP] B [SEP] then padding. So a
    masked word follows from its position and the topic, which the other words
    reveal (the generator can learn it), and a wrong replacement contradicts
    them (the discriminator can spot it). `seed` fixes the language,
    `sample_seed` the sequences drawn from it. Returns a dict of int32 numpy
    arrays (`token_ids`, `segment_ids`, `padding_mask`).
    """
    first_word = max(config.special_token_ids_values()) + 1
    templates = np.random.default_rng(seed).integers(
        first_word, config.vocab_size, size=(num_topics, seq_len)
    )
    rng = np.random.default_rng([seed, sample_seed])
    ids = np.zeros((num_sequences, seq_len), "int32")
    segments = np.zeros_like(ids)
    mask = np.zeros_like(ids)
    for i in range(num_sequences):
        length = rng.integers(seq_len // 2, seq_len + 1)
        split = rng.integers(3, length - 2)
        row = templates[rng.integers(num_topics), :length].copy()
        row[0], row[split], row[length - 1] = (
            config.cls_token_id, config.sep_token_id, config.sep_token_id
        )
        ids[i, :length] = row
        segments[i, split + 1 : length] = 1
        mask[i, :length] = 1
    return {"token_ids": ids, "segment_ids": segments, "padding_mask": mask}


def write_synthetic_corpus(path, documents=60, seed=0):
    """Documents of sentences over a fixed pseudo-word list, one sentence a line."""
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ne", "su", "ta", "re", "vo", "zu", "pi"]
    words = sorted({"".join(rng.choices(syllables, k=rng.randint(1, 3))) for _ in range(200)})
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(documents):
            for _ in range(rng.randint(2, 8)):
                f.write(" ".join(rng.choices(words, k=rng.randint(3, 10))).capitalize() + ".\n")
            f.write("\n")
    return str(path)
