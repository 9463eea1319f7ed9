"""Corpora and vocabularies for the data tests: a synthetic one (always there) and a slice
of the fetched news text (skipped, with the reason, only when the fetch failed)."""

import os
import random

import pytest

from keras_electra.data import vocab as vocab_lib


def synthetic_corpus(path, documents=120, seed=0):
    """Documents of sentences made of a fixed pseudo-word list (with some accents)."""
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ne", "su", "ta", "ré", "vo", "zu", "pi", "dé", "ha"]
    words = sorted({"".join(rng.choices(syllables, k=rng.randint(1, 3))) for _ in range(300)})
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(documents):
            for _ in range(rng.randint(1, 12)):
                sentence = " ".join(rng.choices(words, k=rng.randint(3, 14)))
                f.write(sentence.capitalize() + rng.choice([".", "!", "?"]) + "\n")
            f.write("\n")
    return str(path)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    return synthetic_corpus(tmp_path_factory.mktemp("corpus") / "corpus.txt")


@pytest.fixture(scope="session")
def vocab_path(corpus, tmp_path_factory):
    path = str(tmp_path_factory.mktemp("vocab") / "vocab.txt")
    vocab_lib.write_vocabulary(vocab_lib.learn_vocabulary([corpus], 300), path)
    return path


@pytest.fixture(scope="session")
def news_path(real_data_dir):
    path = os.path.join(real_data_dir, "pretrain", "news_articles.txt")
    if not os.path.exists(path):
        pytest.skip(f"{path} missing: fetch_test_data.py did not write the news text")
    return path


@pytest.fixture(scope="session")
def news_sample(news_path, tmp_path_factory):
    """The first ~300 KB of the news text, cut at a document boundary."""
    with open(news_path, encoding="utf-8") as f:
        text = f.read(300_000)
    text = text[: text.rindex("\n\n") + 2]
    path = tmp_path_factory.mktemp("news") / "news_sample.txt"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture(scope="session")
def news_vocab(news_sample, tmp_path_factory):
    path = str(tmp_path_factory.mktemp("news_vocab") / "vocab.txt")
    vocab_lib.write_vocabulary(vocab_lib.learn_vocabulary([news_sample], 1000), path)
    return path
