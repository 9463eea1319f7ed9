import json

import pytest
import tensorflow as tf

from keras_electra import ElectraConfig
from keras_electra.data import vocab as vocab_lib
from keras_electra.data.tokenizer import electra_tokenizer
from keras_electra.errors import DataError, UsageError


def test_learned_vocabulary_has_specials_first_and_every_character(vocab_path):
    vocab = vocab_lib.read_vocabulary(vocab_path)
    assert vocab[:5] == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    assert len(vocab) <= 300 and len(set(vocab)) == len(vocab)
    singles = [t for t in vocab[5:] if len(t) == 1]
    for char in singles:
        assert "##" + char in vocab  # Any word can be spelled without [UNK].
    # Lower-cased and accents stripped by default: "ré" is learned as "re".
    assert not any(t != t.lower() for t in vocab[5:])
    assert "é" not in vocab
    settings = json.load(open(vocab_lib.settings_path(vocab_path)))
    assert settings["lowercase"] and settings["strip_accents"]
    assert vocab_lib.special_token_ids(vocab_path) == {
        "pad_token_id": 0, "unk_token_id": 1, "cls_token_id": 2,
        "sep_token_id": 3, "mask_token_id": 4,
    }


def test_cased_vocabulary_keeps_case_and_accents(corpus, tmp_path):
    vocab = vocab_lib.learn_vocabulary([corpus], 400, lowercase=False, strip_accents=False)
    assert any(t != t.lower() for t in vocab[5:]) and "é" in vocab


def test_config_overrides_build_a_valid_config(vocab_path):
    overrides = vocab_lib.config_overrides(vocab_path)
    config = ElectraConfig.preset("tiny", **overrides)
    assert config.vocab_size == len(vocab_lib.read_vocabulary(vocab_path))
    assert (config.pad_token_id, config.cls_token_id, config.sep_token_id,
            config.mask_token_id) == (0, 2, 3, 4)


def test_vocabulary_without_a_special_token_is_refused_by_name(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"lacks the special token\(s\) \[MASK\]"):
        vocab_lib.special_token_ids(str(path))
    with pytest.raises(DataError, match=r"\[MASK\]"):
        electra_tokenizer(str(path))


def test_vocabulary_size_below_specials_plus_alphabet_is_refused(corpus):
    with pytest.raises(DataError, match=r"`vocab_size` 20 is too small.*use at least \d+"):
        vocab_lib.learn_vocabulary([corpus], 20)


def test_settings_are_inferred_for_a_vocabulary_without_sidecar(tmp_path):
    specials = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n"
    (tmp_path / "uncased.txt").write_text(specials + "hello\n##s\n")
    (tmp_path / "cased.txt").write_text(specials + "Hello\n##s\n")
    assert vocab_lib.vocabulary_settings(str(tmp_path / "uncased.txt")) == {
        "lowercase": True, "strip_accents": True}
    assert vocab_lib.vocabulary_settings(str(tmp_path / "cased.txt")) == {
        "lowercase": False, "strip_accents": False}


def test_bad_input_to_the_learner(tmp_path, corpus):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(DataError, match="empty file"):
        vocab_lib.learn_vocabulary([str(empty), corpus], 300)
    with pytest.raises(DataError, match="every file is empty"):
        vocab_lib.learn_vocabulary([str(empty)], 300, allow_bad_input=True)
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("café crème\n".encode("latin-1") * 3)
    with pytest.raises(DataError, match="6 undecodable byte"):
        vocab_lib.learn_vocabulary([str(latin1)], 300)
    assert "[MASK]" in vocab_lib.learn_vocabulary([str(latin1)], 300, allow_bad_input=True)
    with pytest.raises(UsageError, match="matches no file"):
        vocab_lib.learn_vocabulary([str(tmp_path / "nothing*.txt")], 300)


def test_write_refuses_to_replace_a_different_vocabulary(vocab_path, tmp_path):
    path = str(tmp_path / "vocab.txt")
    vocab = vocab_lib.read_vocabulary(vocab_path)
    vocab_lib.write_vocabulary(vocab, path)
    vocab_lib.write_vocabulary(vocab, path)  # The same one again is fine.
    with pytest.raises(UsageError, match="pass `overwrite` or choose another `path`"):
        vocab_lib.write_vocabulary(vocab[:-1], path)
    assert vocab_lib.read_vocabulary(path) == vocab
    vocab_lib.write_vocabulary(vocab[:-1], path, overwrite=True)
    assert vocab_lib.read_vocabulary(path) == vocab[:-1]


def test_vocabulary_from_real_news_covers_it(news_sample, news_vocab):
    vocab = vocab_lib.read_vocabulary(news_vocab)
    assert 500 < len(vocab) <= 1000
    for word in ("the", "and", "president", "."):
        assert word in vocab
    tokenizer = electra_tokenizer(news_vocab)
    with open(news_sample, encoding="utf-8") as f:
        lines = [line for line in f.read().splitlines() if line][:50]
    ids = [i for row in tokenizer(tf.constant(lines)) for i in row]
    assert sum(i == 1 for i in ids) / len(ids) < 0.005  # Almost no [UNK] on the text it was learned from.


def test_write_vocabulary_creates_missing_folders(tmp_path):
    from keras_electra.data.vocab import read_vocabulary, write_vocabulary

    path = tmp_path / "a" / "b" / "vocab.txt"
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "##b"]
    write_vocabulary(tokens, str(path), lowercase=True, strip_accents=True)
    assert read_vocabulary(str(path)) == tokens
