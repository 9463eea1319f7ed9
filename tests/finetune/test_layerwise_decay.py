"""Layer-wise learning-rate decay: multipliers, effective step sizes, fit and checkpoints."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_electra.models.electra_classifier import ElectraClassifier
from keras_electra.training.layerwise_decay import (
    LayerwiseDecayAdamW,
    finetuning_optimizer,
    layerwise_multiplier,
    variable_depth,
)

from finetune_helpers import tiny_encoder


def test_variable_depth_reads_layer_names_not_variable_names():
    assert variable_depth("embeddings/token_embedding/embeddings") == ("embeddings", None)
    assert variable_depth("embeddings_project/kernel") == ("embeddings", None)
    assert variable_depth("transformer_layer_11/self_attention_layer/query/kernel") == ("layer", 11)
    assert variable_depth("classifier_logits/kernel") == ("head", None)
    assert variable_depth("embeddings") == ("head", None)


@pytest.mark.parametrize(
    "off_by_one, top, bottom, embeddings",
    [(False, 0.8, 0.8**2, 0.8**3), (True, 0.8**2, 0.8**3, 0.8**4)],
)
def test_multipliers_paper_and_original(off_by_one, top, bottom, embeddings):
    m = lambda path: layerwise_multiplier(path, 2, 0.8, off_by_one)  # noqa: E731
    assert m("classifier_logits/bias") == 1.0
    assert m("transformer_layer_1/feedforward_output_dense/kernel") == pytest.approx(top)
    assert m("transformer_layer_0/feedforward_output_dense/kernel") == pytest.approx(bottom)
    assert m("embeddings/layer_norm/gamma") == pytest.approx(embeddings)


def test_effective_step_sizes_match_the_multipliers():
    """One Adam step on a gradient of ones moves every weight by lr x its multiplier.

    Adam's first step is lr * g / (|g| + eps) after bias correction, i.e. lr
    per weight, so the step size read off each variable is its learning rate.
    """
    classifier = ElectraClassifier(tiny_encoder(100, dropout=0.0), num_classes=3)
    variables = classifier.trainable_variables
    lr = 1e-3
    optimizer = LayerwiseDecayAdamW(lr, layerwise_decay=0.5, weight_decay=0.0,
                                    epsilon=1e-12, global_clipnorm=None)
    before = [v.numpy().copy() for v in variables]
    optimizer.apply_gradients(zip([tf.ones_like(v) for v in variables], variables))
    steps = {v.path: float(np.mean(b - v.numpy())) for v, b in zip(variables, before)}
    expected = {
        "embeddings/token_embedding/embeddings": lr * 0.5**3,
        "embeddings_project/kernel": lr * 0.5**3,
        "transformer_layer_0/self_attention_layer/query/kernel": lr * 0.5**2,
        "transformer_layer_1/self_attention_layer/query/kernel": lr * 0.5,
        "classifier_logits/kernel": lr,
    }
    for path, step in expected.items():
        assert steps[path] == pytest.approx(step, rel=1e-3), path
    assert optimizer.num_layers == 2
    multipliers = optimizer.learning_rate_multipliers()
    assert sorted({round(m, 6) for m in multipliers.values()}) == [0.125, 0.25, 0.5, 1.0]
    for path, step in steps.items():
        assert step == pytest.approx(lr * multipliers[path], rel=1e-3), path


def test_weight_decay_follows_the_layer_rate_and_skips_layernorm_and_bias():
    classifier = ElectraClassifier(tiny_encoder(100, dropout=0.0), num_classes=2)
    variables = classifier.trainable_variables
    optimizer = LayerwiseDecayAdamW(0.1, layerwise_decay=0.5, weight_decay=0.1,
                                    global_clipnorm=None)
    before = {v.path: v.numpy().copy() for v in variables}
    optimizer.apply_gradients(zip([tf.zeros_like(v) for v in variables], variables))
    after = {v.path: v.numpy() for v in variables}
    for path, factor in [
        ("classifier_logits/kernel", 1 - 0.1 * 0.1),
        ("transformer_layer_0/self_attention_layer/query/kernel", 1 - 0.1 * 0.1 * 0.25),
        ("embeddings/layer_norm/gamma", 1.0),
        ("classifier_logits/bias", 1.0),
    ]:
        np.testing.assert_allclose(after[path], before[path] * factor, rtol=1e-5, err_msg=path)


def test_schedule_warms_up_over_ten_percent():
    optimizer = finetuning_optimizer(1e-4, total_steps=100)
    schedule = optimizer._learning_rate
    assert float(schedule(5)) == pytest.approx(1e-4 * 0.95 * 0.5)  # decay x warm-up
    assert float(schedule(10)) == pytest.approx(0.9e-4)
    assert float(schedule(100)) == 0.0


def test_fit_save_and_resume(tmp_path):
    rng = np.random.default_rng(0)
    ids = rng.integers(5, 100, size=(16, 12)).astype("int32")
    x = {"token_ids": ids, "segment_ids": 0 * ids, "padding_mask": np.ones_like(ids)}
    y = (ids[:, 1] > 50).astype("int32")
    classifier = ElectraClassifier(tiny_encoder(100), num_classes=2)
    classifier.compile(optimizer=finetuning_optimizer(1e-3, total_steps=8, layerwise_decay=0.8,
                                                      original_off_by_one=True))
    classifier.fit(x, y, batch_size=8, epochs=2, verbose=0)
    path = str(tmp_path / "classifier.keras")
    classifier.save(path)
    restored = keras.models.load_model(path)
    assert isinstance(restored.optimizer, LayerwiseDecayAdamW)
    assert restored.optimizer.original_off_by_one and restored.optimizer.layerwise_decay == 0.8
    assert int(restored.optimizer.iterations.numpy()) == 4
    for a, b in zip(classifier.optimizer.variables, restored.optimizer.variables):
        np.testing.assert_allclose(a.numpy(), b.numpy())
    assert restored.optimizer.learning_rate_multipliers() == classifier.optimizer.learning_rate_multipliers()
    restored.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert int(restored.optimizer.iterations.numpy()) == 6
