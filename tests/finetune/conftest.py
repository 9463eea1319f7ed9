"""Fixtures of the fine-tuning tests."""

import pytest

from finetune_helpers import make_tokenizer, word_vocab


@pytest.fixture(scope="session")
def small_vocab():
    return word_vocab()


@pytest.fixture(scope="session")
def small_tokenizer(small_vocab):
    return make_tokenizer(small_vocab)
