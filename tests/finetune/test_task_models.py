"""Task models: shapes, training signal and saving round trips."""

import json

import keras
import numpy as np
import tensorflow as tf

from finetune_helpers import tiny_encoder
from keras_electra.models.electra_classifier import ElectraClassifier
from keras_electra.models.electra_question_answerer import ElectraQuestionAnswerer
from keras_electra.models.electra_text_preprocessor import ElectraTextPreprocessor
from keras_electra.models.electra_token_classifier import ElectraTokenClassifier


def _batch(n=8, length=12, vocab=60, seed=0):
    ids = np.random.default_rng(seed).integers(5, vocab, size=(n, length)).astype("int32")
    mask = np.ones_like(ids)
    mask[:, -3:] = 0
    return {"token_ids": ids * mask, "segment_ids": 0 * ids, "padding_mask": mask}


def _round_trip(model, tmp_path, x):
    path = str(tmp_path / "model.keras")
    model.save(path)
    restored = keras.models.load_model(path)
    assert type(restored) is type(model)
    # JSON-normalized: Keras restores build shapes as lists where it saved tuples.
    as_json = lambda m: json.dumps(m.get_config(), sort_keys=True)  # noqa: E731
    assert as_json(restored) == as_json(model)
    before, after = model.predict(x, verbose=0), restored.predict(x, verbose=0)
    for a, b in zip(tf.nest.flatten(before), tf.nest.flatten(after)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    return restored


def test_classifier_pairs_with_preprocessor_fit_and_round_trip(small_tokenizer, tmp_path):
    encoder = tiny_encoder(small_tokenizer.vocabulary_size())
    classifier = ElectraClassifier(
        encoder, num_classes=3, preprocessor=ElectraTextPreprocessor(small_tokenizer, 16)
    )
    first = ["a good film", "a bad film", "the plot", "an awful movie"] * 4
    second = ["great", "awful", "the actor", "bad"] * 4
    labels = [0, 1, 2, 1] * 4
    dataset = tf.data.Dataset.from_tensor_slices(((first, second), labels)).batch(4)
    history = classifier.fit(dataset, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    packed = classifier.preprocessor([tf.constant(["a good film"]), tf.constant(["great"])])
    assert packed["segment_ids"].numpy()[0, :7].tolist() == [0, 0, 0, 0, 0, 1, 1]
    restored = _round_trip(classifier, tmp_path, (tf.constant(first[:4]), tf.constant(second[:4])))
    assert restored.preprocessor.sequence_length == 16


def test_regression_classifier_outputs_one_value(tmp_path):
    model = ElectraClassifier(tiny_encoder(60), regression=True)
    x = _batch()
    assert model.predict(x, verbose=0).shape == (8,)
    history = model.fit(x, np.linspace(0, 5, 8).astype("float32"), epochs=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    _round_trip(model, tmp_path, x)


def test_token_classifier_weights_only_first_subtokens(tmp_path):
    model = ElectraTokenClassifier(tiny_encoder(60), num_classes=4)
    x = _batch()
    labels = np.full((8, 12), 3, "int32")
    weights = np.zeros((8, 12), "float32")
    weights[:, 1:4] = 1.0
    labels[:, 1:4] = 2
    model.fit(x, labels, sample_weight=weights, epochs=15, batch_size=8, verbose=0)
    logits = model.predict(x, verbose=0)
    assert logits.shape == (8, 12, 4)
    # Trained only where the weight is 1, and there it learned the label.
    assert (np.argmax(logits[:, 1:4], -1) == 2).mean() > 0.9
    _round_trip(model, tmp_path, x)


def test_question_answerer_masks_padding_and_trains(tmp_path):
    model = ElectraQuestionAnswerer(tiny_encoder(60))
    x = _batch()
    outputs = model.predict(x, verbose=0)
    assert outputs["start_logits"].shape == (8, 12)
    assert (outputs["start_logits"][:, -3:] < -1000).all()
    labels = {"start_positions": np.full(8, 2, "int32"), "end_positions": np.full(8, 4, "int32")}
    history = model.fit(x, labels, epochs=10, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    _round_trip(model, tmp_path, x)
