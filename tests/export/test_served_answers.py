"""Exported SavedModels, loaded without keras and queried as TF Serving's REST API is,
answer as the Keras tasks' own predict does on the same strings."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from conftest import LABELS, TAGS, as_array, serve
from export_helpers import SEQUENCE_LENGTH, TEXTS, texts_of_batch
from keras_electra import (
    ElectraBackbone,
    ElectraClassifier,
    ElectraQuestionAnswerer,
    ElectraTextPreprocessor,
    ElectraTokenClassifier,
    ElectraTokenizer,
    load_discriminator,
)

BATCHES = {"one": texts_of_batch(64)[1:2], "64": texts_of_batch(64)}
# The string inputs of each export's serving_default, in order.
STRING_INPUTS = {"classifier": ["text"], "pair_regression": ["text_a", "text_b"],
                 "tagger": ["text"], "question_answerer": ["question", "context"],
                 "encoder": ["text"], "discriminator": ["text"]}


def questions_for(contexts):
    return [TEXTS[(i + 1) % len(TEXTS)] for i in range(len(contexts))]


def requests(exported):
    """(name, batch) -> {"model", "request"}: every signature at batch 1 and 64."""
    jobs = {}
    for batch, texts in BATCHES.items():
        for name in ("classifier", "tagger", "encoder", "discriminator"):
            jobs[name, batch] = {"model": exported[name], "request": {"instances": texts}}
        pairs = [{"text_a": a, "text_b": b} for a, b in zip(texts, reversed(texts))]
        jobs["pair_regression", batch] = {
            "model": exported["pair_regression"],
            "request": {"signature_name": "serving_default", "instances": pairs}}
        qa = [{"question": q, "context": c} for q, c in zip(questions_for(texts), texts)]
        jobs["question_answerer", batch] = {"model": exported["question_answerer"],
                                            "request": {"instances": qa}}
    features = ids_of(texts_of_batch(8))
    rows = [{k: features[k][r].tolist() for k in features} for r in range(8)]
    for name in ("classifier", "encoder", "discriminator", "question_answerer"):
        jobs[name, "ids"] = {"model": exported[name],
                             "request": {"signature_name": "serve_ids", "instances": rows}}
    jobs["classifier", "numbers"] = {"model": exported["classifier"], "raw": True,
                                     "request": {"instances": [1, 2]}}
    for name in STRING_INPUTS:
        for rank, request in wrong_rank_requests(name).items():
            jobs[name, rank] = {"model": exported[name], "request": request}
    return jobs


def wrong_rank_requests(name):
    """Requests whose first string input is no batch of strings: a client's nested lists
    in the row format ([1, 2]) and a bare string in the columnar format (a scalar); the
    other input, if any, is a batch of one."""
    first, *others = STRING_INPUTS[name]
    nested, text = [TEXTS[4], TEXTS[5]], TEXTS[4]
    if not others:
        return {"rank 2": {"instances": [nested]}, "scalar": {"inputs": text}}
    return {"rank 2": {"instances": [{first: nested, **{o: text for o in others}}]},
            "scalar": {"inputs": {first: text, **{o: [text] for o in others}}}}


def ids_of(texts, tokenizer=None):
    from export_helpers import tiny_tokenizer

    preprocessor = ElectraTextPreprocessor(tokenizer or tiny_tokenizer(), SEQUENCE_LENGTH)
    return {k: np.asarray(v) for k, v in preprocessor(tf.constant(texts)).items()}


@pytest.fixture(scope="module")
def served(exported, tmp_path_factory):
    jobs = requests(exported)
    keys = list(jobs)
    answers = serve([jobs[k] for k in keys], tmp_path_factory.mktemp("serve"))
    return {k: (jobs[k]["request"], a) for k, a in zip(keys, answers)}


def predictions(served, key, fields):
    request, response = served[key]
    assert set(response) == {"predictions"}, response
    rows = response["predictions"]
    assert len(rows) == len(request["instances"])
    assert all(set(row) == set(fields) for row in rows), rows[0].keys()
    return rows


@pytest.mark.parametrize("batch", sorted(BATCHES))
def test_classifier_gives_predict_s_probabilities_and_label_names(served, task_presets, batch):
    classifier = ElectraClassifier.from_preset(task_presets["classifier"])
    texts = np.array(BATCHES[batch])
    expected = tf.nn.softmax(classifier.predict(texts, batch_size=len(texts), verbose=0)).numpy()
    rows = predictions(served, ("classifier", batch), {"probabilities", "label"})
    np.testing.assert_allclose(as_array(rows, "probabilities"), expected, atol=1e-5)
    assert [r["label"] for r in rows] == [LABELS[i] for i in expected.argmax(-1)]
    assert len(set(r["label"] for r in rows)) > 1 or batch == "one"  # not one constant class


@pytest.mark.parametrize("batch", sorted(BATCHES))
def test_pair_regression_gives_predict_s_score(served, task_presets, batch):
    model = ElectraClassifier.from_preset(task_presets["pair_regression"])
    texts = BATCHES[batch]
    features = model.preprocessor([tf.constant(texts), tf.constant(list(reversed(texts)))])
    expected = keras.Model.predict(model, features, batch_size=len(texts), verbose=0)
    _, response = served["pair_regression", batch]
    # One output: TF Serving's row format gives the bare values.
    np.testing.assert_allclose(as_array(response["predictions"]), expected, atol=1e-5)


@pytest.mark.parametrize("batch", sorted(BATCHES))
def test_tagger_gives_predict_words_tags(served, task_presets, batch):
    tagger = ElectraTokenClassifier.from_preset(task_presets["tagger"])
    expected = tagger.predict_words(BATCHES[batch])
    rows = predictions(served, ("tagger", batch), {"words", "tag_ids", "tags", "word_count"})
    for row, text, tags in zip(rows, BATCHES[batch], expected):
        count = row["word_count"]
        assert count == len(text.split()) == len(tags)
        assert row["words"][:count] == text.split()
        assert row["tag_ids"][:count] == tags
        assert row["tags"][:count] == [TAGS[t] if t >= 0 else "" for t in tags]
        assert set(row["tag_ids"][count:]) <= {-1}
    if batch == "64":
        assert any(-1 in tags for tags in expected)  # words past the sequence length


@pytest.mark.parametrize("batch", sorted(BATCHES))
def test_question_answerer_gives_predict_answers_over_windows(served, task_presets, batch):
    qa = ElectraQuestionAnswerer.from_preset(task_presets["question_answerer"])
    contexts = BATCHES[batch]
    expected = qa.predict_answers(questions_for(contexts), contexts, allow_null=True)
    rows = predictions(served, ("question_answerer", batch),
                       {"answer", "start_char", "end_char", "score"})
    for row, want, context in zip(rows, expected, contexts):
        assert (row["answer"], row["start_char"], row["end_char"]) == (
            want["answer"], want["start_char"], want["end_char"])
        assert row["score"] == pytest.approx(want["score"], abs=1e-5)
        if row["answer"]:
            assert context[row["start_char"]:row["end_char"]] == row["answer"]
    if batch == "64":
        answers = [r["answer"] for r in rows]
        assert "" in answers and any(answers)  # both the null answer and spans
        windows = qa.preprocessor.windows({"question": tf.constant(questions_for(contexts)),
                                           "context": tf.constant(contexts)})
        assert len(windows["example_index"]) > len(contexts)  # long contexts: several


@pytest.mark.parametrize("batch", sorted(BATCHES))
def test_encoder_gives_the_backbone_s_features(served, model_folder, batch):
    backbone = ElectraBackbone.from_preset(model_folder)
    features = ids_of(BATCHES[batch], ElectraTokenizer.from_preset(model_folder))
    expected = backbone.predict(features, verbose=0)
    rows = predictions(served, ("encoder", batch),
                       {"sequence_output", "pooled_output", "padding_mask"})
    np.testing.assert_allclose(as_array(rows, "sequence_output"), expected, atol=1e-5)
    np.testing.assert_allclose(as_array(rows, "pooled_output"), expected[:, 0], atol=1e-5)
    np.testing.assert_array_equal(as_array(rows, "padding_mask"), features["padding_mask"])


@pytest.mark.parametrize("batch", sorted(BATCHES))
def test_discriminator_gives_replaced_probabilities_and_tokens(served, model_folder, batch):
    tokenizer = ElectraTokenizer.from_preset(model_folder)
    features = ids_of(BATCHES[batch], tokenizer)
    logits = load_discriminator(model_folder).predict(features, verbose=0)
    rows = predictions(served, ("discriminator", batch),
                       {"replaced_probability", "tokens", "padding_mask"})
    np.testing.assert_allclose(as_array(rows, "replaced_probability"),
                               tf.sigmoid(logits).numpy(), atol=1e-5)
    vocabulary = np.asarray(tokenizer.get_vocabulary())
    assert [r["tokens"] for r in rows] == vocabulary[features["token_ids"]].tolist()


def test_serve_ids_takes_packed_ids(served, task_presets, model_folder):
    request, _ = served["classifier", "ids"]
    features = {k: np.asarray([r[k] for r in request["instances"]], "int32")
                for k in ("token_ids", "segment_ids", "padding_mask")}
    classifier = ElectraClassifier.from_preset(task_presets["classifier"])
    expected = tf.nn.softmax(keras.Model.predict(classifier, features, verbose=0)).numpy()
    rows = predictions(served, ("classifier", "ids"), {"probabilities", "label"})
    np.testing.assert_allclose(as_array(rows, "probabilities"), expected, atol=1e-5)
    encoder = predictions(served, ("encoder", "ids"), {"sequence_output", "pooled_output",
                                                      "padding_mask"})
    assert np.asarray(encoder[0]["sequence_output"]).shape == (SEQUENCE_LENGTH, 32)
    _, response = served["discriminator", "ids"]
    assert np.asarray(response["predictions"]).shape == (8, SEQUENCE_LENGTH)
    qa = predictions(served, ("question_answerer", "ids"), {"start_logits", "end_logits"})
    assert np.asarray(qa[0]["start_logits"]).shape == (SEQUENCE_LENGTH,)


def test_a_string_signature_refuses_numbers_in_one_line(served):
    _, response = served["classifier", "numbers"]
    assert set(response) == {"error"}
    assert "string" in response["error"] and "\n" not in response["error"]


@pytest.mark.parametrize("name", sorted(STRING_INPUTS))
def test_a_string_signature_refuses_another_rank_than_a_batch(served, name):
    """Nested lists came back as more rows than instances, a scalar as a batch of one."""
    first = STRING_INPUTS[name][0]
    for rank, shape in (("rank 2", "[1,2]"), ("scalar", "[]")):
        _, response = served[name, rank]
        assert set(response) == {"error"}, (rank, response)
        assert f"tensor {first} {shape} is not compatible with expected shape [?]" in (
            response["error"]), response["error"]
