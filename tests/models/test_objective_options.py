"""The original's options in the pretrainer: discriminator-loss warm-up, disallowing
the original token, whole-word masking; each off by default and then today's step."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from synthetic_language import synthetic_language
from keras_electra import ElectraConfig, ElectraPretrainer, pretraining_optimizer
from keras_electra.pretraining import scatter_positions

CONFIG = ElectraConfig.preset(
    "tiny", vocab_size=80, max_seq_length=24, embedding_size=16,
    cls_token_id=1, sep_token_id=2, mask_token_id=3, dropout=0.0,
)


def batch(size=16):
    data = synthetic_language(size, CONFIG.max_seq_length, CONFIG, seed=0)
    return {k: tf.constant(v) for k, v in data.items()}


def pretrainer_like(reference, config, **kwargs):
    """A pretrainer of `config` with `reference`'s weights and noise step."""
    other = ElectraPretrainer(config, seed=reference.seed, **kwargs)
    other.set_weights(reference.get_weights())
    other.noise_step.assign(reference.noise_step)
    return other


def test_disc_weight_ramps_linearly_over_the_warmup_steps():
    pretrainer = ElectraPretrainer(CONFIG.replace(disc_weight_warmup_steps=10), seed=0)
    pretrainer.compile(optimizer=pretraining_optimizer(1e-3, 100, 2))
    losses = {}
    out = pretrainer(batch())
    for step in (0, 1, 4, 10, 37):
        pretrainer.optimizer.iterations.assign(step)
        assert float(pretrainer.disc_weight()) == pytest.approx(50 * min(1, step / 10))
        losses[step] = {k: float(v) for k, v in pretrainer.objective_losses(out).items()}
    mlm, disc = losses[0]["mlm_loss"], losses[0]["disc_loss"]
    assert losses[0]["loss"] == pytest.approx(mlm, rel=1e-6)  # generator only at step 0
    assert losses[4]["loss"] == pytest.approx(mlm + 20 * disc, rel=1e-6)
    assert losses[10]["loss"] == losses[37]["loss"] == pytest.approx(mlm + 50 * disc, rel=1e-6)


def test_no_warmup_is_the_loss_as_before_bit_for_bit():
    pretrainer = ElectraPretrainer(CONFIG, seed=0)
    pretrainer.compile(optimizer=pretraining_optimizer(1e-3, 100, 2))
    pretrainer.optimizer.iterations.assign(3)  # K = 0 ignores the step
    losses = pretrainer.objective_losses(pretrainer(batch()))
    expected = CONFIG.generator_weight * losses["mlm_loss"] + CONFIG.disc_weight * losses["disc_loss"]
    assert losses["loss"].numpy() == expected.numpy()


def test_disallow_original_replaces_every_masked_token_and_changes_nothing_else():
    off = ElectraPretrainer(CONFIG, seed=0)
    on = pretrainer_like(off, CONFIG.replace(disallow_original=True))
    x = batch()
    out_off, out_on = off(x), on(x)
    used = out_off["masked_weights"].numpy() > 0
    original = out_off["masked_lm_ids"].numpy()
    for key in ("masked_positions", "masked_weights", "masked_lm_ids", "mlm_logits"):
        np.testing.assert_array_equal(out_off[key].numpy(), out_on[key].numpy())
    sampled_off, sampled_on = out_off["sampled_ids"].numpy(), out_on["sampled_ids"].numpy()
    assert (sampled_on[used] != original[used]).all()
    replaced_at_slot = tf.gather(out_on["replaced"], out_on["masked_positions"], batch_dims=1)
    assert (replaced_at_slot.numpy()[used] == 1).all()  # replaced_fraction 1
    # Gumbel-max: banning the original moves only the draws that were the original.
    drew_original = used & (sampled_off == original)
    assert drew_original.any()  # the untrained generator does draw originals
    np.testing.assert_array_equal(sampled_on[used & ~drew_original],
                                  sampled_off[used & ~drew_original])


def test_whole_word_masking_in_the_step_and_through_get_config():
    pieces = list(range(40, 80))  # ids >= 40 are "##" pieces of the synthetic vocabulary
    with pytest.raises(ValueError, match="continuation_ids"):
        ElectraPretrainer(CONFIG.replace(whole_word_masking=True), seed=0)
    pretrainer = ElectraPretrainer(
        CONFIG.replace(whole_word_masking=True), seed=0, continuation_ids=pieces)
    x = batch(32)
    out = pretrainer(x)
    ids, real = x["token_ids"].numpy(), x["padding_mask"].numpy()
    masked = scatter_positions(out["masked_positions"], out["masked_weights"], 24).numpy()
    special = np.isin(ids, CONFIG.special_token_ids_values())
    assert not (masked & special).any() and masked.any()
    is_piece = (ids >= 40) & ~special & real.astype(bool)
    # A piece is masked exactly when the token before it (its word) is.
    follows = is_piece[:, 1:] & ~special[:, :-1]
    np.testing.assert_array_equal(masked[:, 1:][follows], masked[:, :-1][follows])
    assert follows.any() and (masked[:, 1:] & follows).any()

    restored = ElectraPretrainer.from_config(pretrainer.get_config())
    assert restored.continuation_ids == pieces
    restored.set_weights(pretrainer.get_weights())
    restored.noise_step.assign(0)
    np.testing.assert_array_equal(restored(x)["masked_positions"].numpy(),
                                  out["masked_positions"].numpy())


def test_old_configs_load_with_every_option_off():
    old = CONFIG.to_dict()
    for name in ("whole_word_masking", "disc_weight_warmup_steps", "disallow_original"):
        old.pop(name)
    config = ElectraConfig.from_dict(old)
    assert (config.whole_word_masking, config.disc_weight_warmup_steps,
            config.disallow_original) == (False, 0, False)
    with pytest.raises(ValueError, match="whole_word_masking must be true or false"):
        CONFIG.replace(whole_word_masking=1)
    with pytest.raises(ValueError, match="disc_weight_warmup_steps must be >= 0"):
        CONFIG.replace(disc_weight_warmup_steps=-1)
