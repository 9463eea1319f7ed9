"""Every Keras entry point on every input kind, for the pretrainer and each task.

`fit`, `evaluate` and `predict` take a tf.data dataset, NumPy arrays or
TensorFlow tensors; `train_on_batch` and `test_on_batch` take the latter two.
Each model is run from one saved state (weights, optimizer slots and the
pretrainer's noise step), so every way in must give the same numbers: the same
losses and updated weights for one training step, the same evaluation, the
same predictions.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_electra import (
    ElectraBackbone,
    ElectraClassifier,
    ElectraConfig,
    ElectraPretrainer,
    ElectraQuestionAnswerer,
    ElectraTokenClassifier,
)

BATCH, LENGTH, VOCAB = 4, 12, 40
# Dropout draws from Keras's seed stream, which differs from one call to the
# next: without it, two ways of running the same step must agree exactly.
CONFIG = ElectraConfig(
    vocab_size=VOCAB, hidden_size=16, embedding_size=8, num_layers=1, num_heads=2,
    intermediate_size=32, max_position_embeddings=LENGTH, max_seq_length=LENGTH,
    max_predictions_per_seq=3, generator_fraction=0.5, dropout=0.0,
    pad_token_id=0, cls_token_id=2, sep_token_id=3, mask_token_id=4,
)


def features(seed=0):
    """A batch of [CLS] ... [SEP] rows of different lengths, padded."""
    rng = np.random.default_rng(seed)
    lengths = np.array([LENGTH, 9, 7, 5])
    padding_mask = (np.arange(LENGTH) < lengths[:, None]).astype("int32")
    token_ids = rng.integers(5, VOCAB, (BATCH, LENGTH)).astype("int32") * padding_mask
    token_ids[:, 0] = CONFIG.cls_token_id
    token_ids[np.arange(BATCH), lengths - 1] = CONFIG.sep_token_id
    return {
        "token_ids": token_ids,
        "segment_ids": np.zeros_like(token_ids),
        "padding_mask": padding_mask,
    }


def backbone():
    return ElectraBackbone(
        vocab_size=VOCAB, hidden_size=CONFIG.hidden_size, num_layers=1, num_heads=2,
        intermediate_size=CONFIG.intermediate_size, embedding_size=CONFIG.embedding_size,
        max_position_embeddings=LENGTH, dropout=0.0,
    )


def pretrainer():
    model = ElectraPretrainer(CONFIG, seed=3)
    model.compile(optimizer=keras.optimizers.AdamW(1e-2, global_clipnorm=1.0))
    return model, (features(), None, None)


def classifier():
    model = ElectraClassifier(backbone(), num_classes=3, dropout=0.0)
    model.compile(optimizer=keras.optimizers.AdamW(1e-2))
    return model, (features(), np.array([0, 2, 1, 2], "int32"), None)


def token_classifier():
    model = ElectraTokenClassifier(backbone(), 5, dropout=0.0)
    model.compile(optimizer=keras.optimizers.AdamW(1e-2))
    x = features()
    labels = np.random.default_rng(1).integers(0, 5, (BATCH, LENGTH)).astype("int32")
    return model, (x, labels, x["padding_mask"].astype("float32"))


def question_answerer():
    model = ElectraQuestionAnswerer(backbone())
    model.compile(optimizer=keras.optimizers.AdamW(1e-2))
    y = {
        "start_positions": np.array([2, 3, 1, 0], "int32"),
        "end_positions": np.array([4, 3, 5, 0], "int32"),
    }
    return model, (features(), y, None)


MODELS = {
    "pretrainer": pretrainer,
    "classifier": classifier,
    "token_classifier": token_classifier,
    "question_answerer": question_answerer,
}


def as_kind(data, kind):
    """`(x, y, sample_weight)` as Keras takes it: the `fit(x, y, sample_weight=)`
    arguments for "numpy" and "tensor", one batch of a dataset for "dataset"."""
    if kind == "numpy":
        return data
    tensors = tf.nest.map_structure(lambda a: None if a is None else tf.constant(a), data)
    if kind == "tensor":
        return tensors
    x, y, sample_weight = tensors
    element = x if y is None else (x, y) if sample_weight is None else tensors
    return (tf.data.Dataset.from_tensor_slices(element).batch(BATCH), None, None)


class Snapshot:
    """Every variable of a model and its optimizer, to run each entry point from."""

    def __init__(self, model, data):
        x, _, _ = data
        model(x)  # builds the model's variables (the pretrainer's too)
        model.optimizer.build(model.trainable_variables)
        self.variables = model.variables + model.optimizer.variables
        self.values = [v.numpy() for v in self.variables]

    def restore(self, model):
        for variable, value in zip(self.variables, self.values):
            variable.assign(value)
        model.reset_metrics()


def weights(model):
    return [v.numpy() for v in model.trainable_variables]


def assert_same_logs(logs, expected):
    assert set(logs) == set(expected)
    for name in expected:
        np.testing.assert_allclose(logs[name], expected[name], rtol=1e-5, atol=1e-6, err_msg=name)


@pytest.fixture(scope="module", params=sorted(MODELS))
def model_and_data(request):
    model, data = MODELS[request.param]()
    return model, data, Snapshot(model, data)


def test_one_training_step_is_the_same_whichever_way_it_is_called(model_and_data):
    model, data, snapshot = model_and_data
    snapshot.restore(model)
    before = weights(model)
    x, y, sample_weight = data
    expected = model.train_on_batch(x, y, sample_weight=sample_weight, return_dict=True)
    expected_weights = weights(model)
    assert all(np.isfinite(v) for v in expected.values()), expected
    assert expected["loss"] > 0
    # Every trainable variable moved (the pretrainer's generator and discriminator alike).
    changed = [not np.array_equal(a, b) for a, b in zip(before, expected_weights)]
    assert all(changed), [v.path for v, c in zip(model.trainable_variables, changed) if not c]

    snapshot.restore(model)
    x, y, sample_weight = as_kind(data, "tensor")
    logs = model.train_on_batch(x, y, sample_weight=sample_weight, return_dict=True)
    runs = {"train_on_batch(tensor)": (logs, weights(model))}
    for kind in ("dataset", "numpy", "tensor"):
        snapshot.restore(model)
        x, y, sample_weight = as_kind(data, kind)
        history = model.fit(
            x, y, sample_weight=sample_weight, batch_size=None if kind == "dataset" else BATCH,
            shuffle=False, epochs=1, verbose=0,
        )
        logs = {name: values[0] for name, values in history.history.items()}
        runs[f"fit({kind})"] = (logs, weights(model))
    # The span logits' bias shifts every position's logit alike, and a softmax over
    # positions ignores such a shift: its gradient is zero in theory, so its rounding,
    # which Adam scales up to the learning rate, may take either sign in either trace.
    compared = [not v.path.startswith("span_logits/bias") for v in model.trainable_variables]
    for name, (logs, trained) in runs.items():
        assert_same_logs(logs, expected)
        for a, b, _ in filter(lambda t: t[2], zip(trained, expected_weights, compared)):
            # A thousandth of the learning rate: gradients near zero differ in
            # their last bits between two traces, and Adam scales them up.
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5, err_msg=name)
    snapshot.restore(model)


def test_evaluation_is_the_same_whichever_way_it_is_called(model_and_data):
    model, data, snapshot = model_and_data
    snapshot.restore(model)
    before = weights(model)
    x, y, sample_weight = data
    expected = model.test_on_batch(x, y, sample_weight=sample_weight, return_dict=True)
    assert all(np.isfinite(v) for v in expected.values()) and expected["loss"] > 0, expected
    runs = {}
    snapshot.restore(model)
    x, y, sample_weight = as_kind(data, "tensor")
    runs["test_on_batch(tensor)"] = model.test_on_batch(
        x, y, sample_weight=sample_weight, return_dict=True
    )
    for kind in ("dataset", "numpy", "tensor"):
        snapshot.restore(model)
        x, y, sample_weight = as_kind(data, kind)
        runs[f"evaluate({kind})"] = model.evaluate(
            x, y, sample_weight=sample_weight, batch_size=None if kind == "dataset" else BATCH,
            return_dict=True, verbose=0,
        )
    for logs in runs.values():
        assert_same_logs(logs, expected)
    for a, b in zip(weights(model), before):
        np.testing.assert_array_equal(a, b)
    snapshot.restore(model)


def expected_shapes(model):
    if isinstance(model, ElectraPretrainer):
        slots = CONFIG.max_predictions_per_seq
        return {
            "mlm_logits": (BATCH, slots, VOCAB),
            "masked_positions": (BATCH, slots),
            "disc_logits": (BATCH, LENGTH),
            "replaced": (BATCH, LENGTH),
        }
    if isinstance(model, ElectraQuestionAnswerer):
        return {"start_logits": (BATCH, LENGTH), "end_logits": (BATCH, LENGTH)}
    if isinstance(model, ElectraTokenClassifier):
        return {"logits": (BATCH, LENGTH, 5)}
    return {"logits": (BATCH, 3)}


def test_predictions_are_the_same_whichever_way_they_are_asked(model_and_data):
    model, data, snapshot = model_and_data
    predictions = {}
    for kind in ("dataset", "numpy", "tensor"):
        snapshot.restore(model)
        x, _, _ = as_kind(data, kind)
        outputs = model.predict(x, batch_size=None if kind == "dataset" else BATCH, verbose=0)
        predictions[kind] = outputs if isinstance(outputs, dict) else {"logits": outputs}
    snapshot.restore(model)
    shapes = expected_shapes(model)
    for kind, outputs in predictions.items():
        assert {k: outputs[k].shape for k in shapes} == shapes, kind
        for name in outputs:
            np.testing.assert_allclose(
                outputs[name], predictions["numpy"][name], rtol=1e-5, atol=1e-6, err_msg=kind
            )
    if isinstance(model, ElectraPretrainer):
        # The same noise step draws the same masks, whichever way in.
        assert predictions["numpy"]["replaced"].sum() > 0


def test_the_pretrainer_refuses_labels_it_would_ignore():
    model, (x, _, _) = pretrainer()
    with pytest.raises(ValueError, match="makes its own labels"):
        model.train_on_batch(x, np.zeros(BATCH, "int32"))
