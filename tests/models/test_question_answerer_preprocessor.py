"""The question answerer's in-graph windows equal squad.make_windows'; answers map back."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_electra import ElectraBackbone, ElectraQuestionAnswerer, ElectraTokenizer
from keras_electra.data import SPECIAL_TOKENS
from keras_electra.models.electra_question_answerer_preprocessor import (
    ElectraQuestionAnswererPreprocessor,
)
from keras_electra.tasks.squad import QAExample, make_windows
from keras_electra.tasks.squad_decoding import decode_answers

WORDS = ("who built the tower gustave eiffel company designed it in 1889 paris what "
         "year was river seine city capital france named after engineer").split()
VOCAB = list(SPECIAL_TOKENS) + WORDS + [".", ",", "'", "?", "s", "##s", "##e", "é", "a"]


def random_examples(seed, count=12):
    """Questions on contexts of 0 to 60 words, answer spans anywhere (or none)."""
    rng = np.random.default_rng(seed)
    marks = [".", ",", "'s", "Café", "naïve", "\u00a0", "—", "  "]
    examples = []
    for i in range(count):
        words = [str(rng.choice(WORDS + marks)) for _ in range(rng.integers(0, 60))]
        context = " ".join(w.capitalize() if rng.random() < 0.2 else w for w in words)
        question = " ".join(rng.choice(WORDS, rng.integers(1, 12))) + "?"
        answer_start, answer = -1, []
        spaces = [k + 1 for k, c in enumerate(context) if c == " "]
        if context.strip() and rng.random() < 0.7:
            start = int(rng.choice([0] + spaces))
            end = min(len(context), start + int(rng.integers(1, 25)))
            if context[start:end].strip():
                answer_start, answer = start, [context[start:end]]
        examples.append(QAExample(str(i), question, context, answer, answer_start, not answer))
    return examples


def inputs(examples):
    x = {"question": tf.constant([e.question for e in examples]),
         "context": tf.constant([e.context for e in examples])}
    y = {"answer_start": tf.constant([e.answer_start for e in examples]),
         "answer_end": tf.constant([e.answer_start + len(e.answers[0]) if e.answers else -1
                                    for e in examples])}
    return x, y


@pytest.mark.parametrize("length, stride, query", [(24, 6, 8), (32, 128, 8), (40, 5, 4)])
def test_windows_equal_make_windows(length, stride, query):
    tokenizer = ElectraTokenizer(VOCAB)
    examples = random_examples(length)
    expected = make_windows(examples, tokenizer, max_seq_length=length, doc_stride=stride,
                            max_query_length=query)
    preprocessor = ElectraQuestionAnswererPreprocessor(
        tokenizer, sequence_length=length, doc_stride=stride, max_query_length=query)
    windows = {k: np.asarray(v) for k, v in preprocessor.windows(*inputs(examples)).items()}
    assert len(windows["example_index"]) > len(examples)  # long contexts take several
    for name in ("token_ids", "segment_ids", "padding_mask"):
        np.testing.assert_array_equal(windows[name], expected.features[name], err_msg=name)
    np.testing.assert_array_equal(windows["example_index"], expected.example_index)
    np.testing.assert_array_equal(windows["token_word"], expected.token_word)
    np.testing.assert_array_equal(windows["max_context"], expected.max_context)
    np.testing.assert_array_equal(windows["start_positions"], expected.start_positions)
    np.testing.assert_array_equal(windows["end_positions"], expected.end_positions)
    assert (windows["start_positions"] > 0).sum() >= 4  # answers do land in windows


def test_predict_answers_decodes_as_fine_tuning_does(tmp_path):
    tokenizer = ElectraTokenizer(VOCAB)
    examples = random_examples(1, count=6)
    backbone = ElectraBackbone(vocab_size=len(VOCAB), hidden_size=16, num_layers=1,
                               num_heads=2, intermediate_size=32, max_position_embeddings=32)
    qa = ElectraQuestionAnswerer(backbone, preprocessor=ElectraQuestionAnswererPreprocessor(
        tokenizer, sequence_length=32, doc_stride=8, max_query_length=8))
    x, y = inputs(examples)
    qa.fit(x, y, batch_size=4, epochs=1, verbose=0)  # trains from strings and offsets
    predicted = qa.predict_answers(list(x["question"].numpy().astype(str)),
                                   [e.context for e in examples], allow_null=True)
    windows = make_windows(examples, tokenizer, max_seq_length=32, doc_stride=8,
                           max_query_length=8)
    logits = keras.Model.predict(qa, windows.features, verbose=0)  # packed: no preprocessor
    expected, _ = decode_answers(windows, examples, logits["start_logits"],
                                 logits["end_logits"], allow_null=True)
    assert [p["answer"] for p in predicted] == [expected[e.qid] for e in examples]
    for p, e in zip(predicted, examples):
        if p["answer"]:
            assert e.context[p["start_char"]:p["end_char"]] == p["answer"]
        else:
            assert (p["start_char"], p["end_char"]) == (-1, -1)
    qa.save_to_preset(str(tmp_path / "qa"))
    loaded = ElectraQuestionAnswerer.from_preset(str(tmp_path / "qa"))
    assert loaded.predict_answers([examples[0].question], [examples[0].context],
                                  allow_null=True) == predicted[:1]
