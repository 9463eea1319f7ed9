"""The tagger's in-graph preprocessor: the same rows as the Python encoder, words kept."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_electra import ElectraBackbone, ElectraTokenClassifier, ElectraTokenizer
from keras_electra.data import SPECIAL_TOKENS, learn_vocabulary
from keras_electra.models.electra_token_classifier_preprocessor import (
    ElectraTokenClassifierPreprocessor,
)
from keras_electra.tasks import conll
from keras_electra.tasks.skipped import SkippedRows

LENGTH = 48


@pytest.fixture(scope="module")
def brown(real_data_dir, tmp_path_factory):
    """200 Brown POS sentences short enough for one row, and a vocabulary learned on them."""
    path = f"{real_data_dir}/tag/brown_pos/dev.conll"
    sentences = conll.read_conll(path, SkippedRows("dev.conll"))[:400]
    corpus = tmp_path_factory.mktemp("brown") / "corpus.txt"
    corpus.write_text("\n".join(" ".join(words) for words, _ in sentences))
    tokenizer = ElectraTokenizer(learn_vocabulary([str(corpus)], 600))
    tags = conll.tag_vocabulary(sentences)
    return sentences, tokenizer, tags


def test_rows_equal_the_python_encoder_s_on_real_text(brown):
    sentences, tokenizer, tags = brown
    features, labels, weights, pieces = conll.encode_tagged_sentences(
        sentences, tokenizer, tags, LENGTH)
    one_row = [i for i in range(len(sentences)) if [p[0] for p in pieces].count(i) == 1]
    assert len(one_row) > 150  # most fit; the others are split in rows by the encoder
    rows = [[p[0] for p in pieces].index(i) for i in one_row]
    words = tf.ragged.constant([sentences[i][0] for i in one_row])
    tag_ids = tf.ragged.constant([[tags.index(t) for t in sentences[i][1]] for i in one_row])
    preprocessor = ElectraTokenClassifierPreprocessor(tokenizer, sequence_length=LENGTH)
    x, y, w = preprocessor(words, tag_ids)
    for name in ("token_ids", "segment_ids", "padding_mask"):
        np.testing.assert_array_equal(np.asarray(x[name]), features[name][rows], err_msg=name)
    np.testing.assert_array_equal(np.asarray(y), labels[rows])
    np.testing.assert_array_equal(np.asarray(w), weights[rows])
    # Each word's first piece is where its weight is; word_ids says which word.
    word_ids = np.asarray(preprocessor.word_ids(words))
    np.testing.assert_array_equal(word_ids >= 0, weights[rows] > 0)
    assert [list(r[r >= 0]) for r in word_ids[:3]] == [
        list(range(len(sentences[i][0]))) for i in one_row[:3]]


def test_sentences_words_and_tf_data_give_the_same_rows(brown):
    sentences, tokenizer, _ = brown
    preprocessor = ElectraTokenClassifierPreprocessor(tokenizer, sequence_length=16)
    texts = [" ".join(words) for words, _ in sentences[:8]]
    from_text = preprocessor(tf.constant(texts))["token_ids"]
    from_words = preprocessor(tf.ragged.constant([t.split() for t in texts]))["token_ids"]
    dataset = tf.data.Dataset.from_tensor_slices(tf.constant(texts)).batch(4).map(preprocessor)
    from_data = np.concatenate([np.asarray(x["token_ids"]) for x in dataset])
    np.testing.assert_array_equal(np.asarray(from_text), np.asarray(from_words))
    np.testing.assert_array_equal(np.asarray(from_text), from_data)
    assert np.asarray(from_text).shape == (8, 16)  # long sentences are cut to the length


def test_a_word_without_pieces_becomes_unk_and_keeps_its_label():
    vocab = list(SPECIAL_TOKENS) + ["the", "cat"]
    preprocessor = ElectraTokenClassifierPreprocessor(ElectraTokenizer(vocab), sequence_length=8)
    x, y, w = preprocessor(tf.ragged.constant([["the", "\x00", "cat"]]), tf.ragged.constant([[1, 2, 3]]))
    assert np.asarray(x["token_ids"])[0].tolist() == [2, 5, 1, 6, 3, 0, 0, 0]
    assert np.asarray(y)[0].tolist() == [0, 1, 2, 3, 0, 0, 0, 0]
    assert np.asarray(w)[0].tolist() == [0, 1, 1, 1, 0, 0, 0, 0]


def test_tagger_learns_from_words_and_predicts_one_tag_per_word(tmp_path):
    # A tag that depends on the word only: "cat"/"dog" -> 1, every other word -> 0.
    vocab = list(SPECIAL_TOKENS) + ["the", "a", "cat", "dog", "sat", "ran", "##s"]
    tokenizer = ElectraTokenizer(vocab)
    backbone = ElectraBackbone(vocab_size=len(vocab), hidden_size=16, num_layers=1,
                               num_heads=2, intermediate_size=32, max_position_embeddings=16)
    tagger = ElectraTokenClassifier(
        backbone, num_classes=2,
        preprocessor=ElectraTokenClassifierPreprocessor(tokenizer, sequence_length=12))
    tagger.compile(optimizer=keras.optimizers.Adam(1e-2))
    rng = np.random.default_rng(0)
    sentences = [[str(w) for w in rng.choice(["the", "a", "cat", "dog", "sat", "ran", "cats"],
                                             rng.integers(1, 7))] for _ in range(64)]
    tags = [[int(w.startswith(("cat", "dog"))) for w in s] for s in sentences]
    data = tf.data.Dataset.from_tensor_slices(
        (tf.ragged.constant(sentences), tf.ragged.constant(tags))).batch(16)
    tagger.fit(data.repeat(30), verbose=0)  # one iterator: each new one costs seconds
    test = ["the cats sat", "a dog ran the cat", "cat"]
    assert tagger.predict_words(test) == [[0, 1, 0], [0, 1, 0, 0, 1], [1]]
    assert tagger.predict_words([["the", "cats", "sat"]]) == [[0, 1, 0]]
    # Words past the sequence length have no position: -1.
    assert tagger.predict_words(["the " * 12 + "cat"])[0][-3:] == [-1, -1, -1]
    tagger.save_to_preset(str(tmp_path / "tagger"))
    loaded = ElectraTokenClassifier.from_preset(str(tmp_path / "tagger"))
    assert loaded.predict_words(test) == tagger.predict_words(test)
