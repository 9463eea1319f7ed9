"""Mixed precision: ElectraPretrainer(dtype="mixed_bfloat16") computes in bfloat16,
keeps float32 variables, losses and sampling, and agrees with float32 (that it still
learns: test_pretrainer.py's synthetic-language test)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from synthetic_language import synthetic_language
from keras_electra import ElectraConfig, ElectraPretrainer

CONFIG = ElectraConfig.preset(
    "tiny",
    vocab_size=64,
    max_seq_length=32,
    embedding_size=32,
    generator_fraction=0.25,
    cls_token_id=1,
    sep_token_id=2,
    mask_token_id=3,
)


def batch(num=16, seed=0):
    return {
        k: tf.constant(v)
        for k, v in synthetic_language(num, CONFIG.max_seq_length, CONFIG, seed=seed).items()
    }


def test_bfloat16_compute_float32_variables_and_losses():
    mixed = ElectraPretrainer(CONFIG, seed=0, dtype="mixed_bfloat16")
    data = batch()
    out = mixed(data)
    # Both encoders run in bfloat16; the logits may come out in float32.
    assert mixed.generator.encoder(data).dtype == tf.bfloat16
    assert mixed.discriminator.encoder(data).dtype == tf.bfloat16
    floats = [v for v in mixed.weights if v.dtype != "int64"]  # all but the noise step
    assert floats and all(v.dtype == "float32" for v in floats)
    losses = mixed.objective_losses(out)
    assert losses["loss"].dtype == tf.float32
    assert mixed.discriminator.encoder.dtype_policy.name == "mixed_bfloat16"
    assert mixed.embeddings.dtype_policy.name == "mixed_bfloat16"


def test_bfloat16_losses_and_gradients_match_float32_for_the_same_weights():
    """Same weights, same masks (the noise is a function of seed and step): the losses
    agree to bfloat16's precision and the gradients point the same way."""
    config = CONFIG.replace(dropout=0.0)
    full = ElectraPretrainer(config, seed=0)
    mixed = ElectraPretrainer(config, seed=0, dtype="mixed_bfloat16")
    data = batch()
    full(data)
    mixed(data)
    mixed.set_weights(full.get_weights())
    for model in (full, mixed):
        model.noise_step.assign(0)

    def losses_and_grads(model):
        with tf.GradientTape() as tape:
            out = model(data, training=True)
            losses = model.objective_losses(out)
        grads = tape.gradient(losses["loss"], model.trainable_variables)
        flat = tf.concat([tf.reshape(tf.convert_to_tensor(g), [-1]) for g in grads], 0)
        return out, losses, flat.numpy()

    out_f, loss_f, grad_f = losses_and_grads(full)
    out_m, loss_m, grad_m = losses_and_grads(mixed)
    np.testing.assert_array_equal(out_f["masked_positions"], out_m["masked_positions"])
    assert float(loss_m["mlm_loss"]) == pytest.approx(float(loss_f["mlm_loss"]), rel=1e-2)
    assert float(loss_m["disc_loss"]) == pytest.approx(float(loss_f["disc_loss"]), rel=3e-2)
    cosine = grad_f @ grad_m / (np.linalg.norm(grad_f) * np.linalg.norm(grad_m))
    assert cosine > 0.99, cosine


def test_keras_file_round_trip_keeps_the_policy(tmp_path):
    pretrainer = ElectraPretrainer(CONFIG, seed=0, dtype="mixed_bfloat16")
    data = batch()
    pretrainer(data)
    path = str(tmp_path / "mixed.keras")
    pretrainer.save(path)
    restored = keras.saving.load_model(path)
    assert restored.dtype_policy.name == "mixed_bfloat16"
    assert restored.discriminator.encoder.dtype_policy.name == "mixed_bfloat16"
    np.testing.assert_array_equal(
        restored.discriminator(data).numpy(), pretrainer.discriminator(data).numpy()
    )
