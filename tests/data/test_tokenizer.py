import pytest
import tensorflow as tf

from keras_electra.data import vocab as vocab_lib
from keras_electra.data.tokenizer import electra_tokenizer

TOKENS = ["hello", "world", ",", "!", "你", "好", "cafe", "##s", "naive", "un", "##believ",
          "##able", "Hello", "café"]


@pytest.fixture
def make_vocab(tmp_path):
    def make(**settings):
        path = str(tmp_path / "vocab.txt")
        vocab_lib.write_vocabulary(list(vocab_lib.SPECIAL_TOKENS) + TOKENS, path,
                                   overwrite=True, **settings)
        return path, electra_tokenizer(path)
    return make


def pieces(tokenizer, text):
    ids = tokenizer(tf.constant([text]))[0]
    return [tokenizer.id_to_token(int(i)) for i in ids]


def test_bert_normalization_lowercase_accents_punctuation_cjk(make_vocab):
    _, tokenizer = make_vocab()
    assert pieces(tokenizer, "Héllo,WORLD!  你好") == ["hello", ",", "world", "!", "你", "好"]
    assert pieces(tokenizer, "Cafés NAÏVE unbelievable") == [
        "cafe", "##s", "naive", "un", "##believ", "##able"]
    assert pieces(tokenizer, "zebra") == ["[UNK]"]
    # Special tokens typed in the text are text, never control tokens.
    assert "[MASK]" not in pieces(tokenizer, "[MASK]")


def test_cased_vocabulary_keeps_case_and_accents(make_vocab):
    _, tokenizer = make_vocab(lowercase=False, strip_accents=False)
    assert pieces(tokenizer, "Hello café hello") == ["Hello", "café", "hello"]


def test_runs_inside_tf_data_with_int32_ids(make_vocab):
    _, tokenizer = make_vocab()
    dataset = tf.data.Dataset.from_tensor_slices(["hello world", "你好 !"]).map(tokenizer)
    assert [list(x) for x in dataset.as_numpy_iterator()] == [[5, 6], [9, 10, 8]]
    assert dataset.element_spec.dtype == tf.int32


def test_survives_a_saved_model_round_trip(make_vocab, tmp_path):
    _, tokenizer = make_vocab()
    module = tf.Module()
    module.tokenizer = tokenizer
    module.serve = tf.function(
        lambda text: tokenizer(text).to_tensor(),
        input_signature=[tf.TensorSpec([None], tf.string)],
    )
    tf.saved_model.save(module, str(tmp_path / "saved"))
    loaded = tf.saved_model.load(str(tmp_path / "saved"))
    text = tf.constant(["Héllo, world!", "你好"])
    assert loaded.serve(text).numpy().tolist() == [[5, 7, 6, 8], [9, 10, 0, 0]]
