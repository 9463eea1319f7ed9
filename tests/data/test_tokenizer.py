import keras_hub
import pytest
import tensorflow as tf

from keras_electra import ElectraBackbone
from keras_electra.data import vocab as vocab_lib
from keras_electra.data.tokenizer import ElectraTokenizer, electra_tokenizer

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


def test_is_an_electra_tokenizer_with_the_special_token_ids(make_vocab):
    _, tokenizer = make_vocab()
    assert isinstance(tokenizer, ElectraTokenizer)
    ids = {name: getattr(tokenizer, f"{name}_id") for name in
           ("pad_token", "unk_token", "cls_token", "sep_token", "mask_token",
            "start_token", "end_token")}
    assert ids == {"pad_token": 0, "unk_token": 1, "cls_token": 2, "sep_token": 3,
                   "mask_token": 4, "start_token": 2, "end_token": 3}


def test_follows_the_vocabulary_s_case_unless_told():
    specials = list(vocab_lib.SPECIAL_TOKENS)
    assert ElectraTokenizer(specials + ["hello"]).lowercase
    cased = ElectraTokenizer(specials + ["Hello"])
    assert not cased.lowercase and not cased.strip_accents
    assert ElectraTokenizer(specials + ["Hello"], lowercase=True).lowercase


def test_refuses_a_vocabulary_without_the_special_tokens():
    with pytest.raises(ValueError, match=r"lacks the special token\(s\) \[CLS\] \[SEP\] \[MASK\]"):
        ElectraTokenizer(["[PAD]", "[UNK]", "hello"])


def test_preset_round_trip_keeps_vocabulary_and_normalization(make_vocab, tmp_path):
    _, tokenizer = make_vocab(lowercase=False, strip_accents=False)
    preset = str(tmp_path / "preset")
    # keras-hub's loaders find a preset's classes through its backbone's config.
    ElectraBackbone(vocab_size=tokenizer.vocabulary_size(), hidden_size=8, num_layers=1,
                    num_heads=1, intermediate_size=8).save_to_preset(preset)
    tokenizer.save_to_preset(preset)
    for loaded in (ElectraTokenizer.from_preset(preset),
                   keras_hub.tokenizers.Tokenizer.from_preset(preset)):
        assert type(loaded) is ElectraTokenizer
        assert not loaded.lowercase and not loaded.strip_accents
        assert loaded.get_vocabulary() == tokenizer.get_vocabulary()
        assert pieces(loaded, "Hello café hello") == ["Hello", "café", "hello"]
