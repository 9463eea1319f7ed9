"""A tiny prepared dataset for the command tests (synthetic text, 32-token examples)."""

import random

import pytest

from keras_electra.data import learn_vocabulary, write_pretraining_examples, write_vocabulary


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


@pytest.fixture(scope="session")
def prepared(tmp_path_factory):
    """A folder written by `prepare`: shards, manifest.json and vocab.txt."""
    root = tmp_path_factory.mktemp("prepared")
    corpus = write_synthetic_corpus(root / "corpus.txt")
    vocab = str(root / "vocab.txt")
    write_vocabulary(learn_vocabulary([corpus], 200, progress=False), vocab)
    data = str(root / "data")
    write_pretraining_examples([corpus], vocab, data, max_seq_length=32, num_shards=2,
                               workers=1, progress=False)
    return data
