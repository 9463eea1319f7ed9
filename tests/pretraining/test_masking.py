"""Statistics of the dynamic masking over many draws."""

import numpy as np
import tensorflow as tf

from keras_electra.pretraining import mask_tokens, scatter_positions

CLS, SEP, MASK, PAD = 101, 102, 103, 0
SPECIAL = (PAD, CLS, SEP, MASK)


def make_batch(lengths, seq_len=64, seed=0):
    """[CLS] a... [SEP] b... [SEP] [PAD]... with random word ids >= 1000."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(1000, 5000, size=(len(lengths), seq_len))
    mask = np.zeros_like(ids)
    for row, n in enumerate(lengths):
        ids[row, n:] = PAD
        ids[row, 0] = CLS
        ids[row, n // 2] = SEP
        ids[row, n - 1] = SEP
        mask[row, :n] = 1
    return tf.constant(ids, tf.int32), tf.constant(mask, tf.int32)


def draw(token_ids, padding_mask, seed, max_predictions=10, mask_prob=0.15):
    batch, length = token_ids.shape
    gen = tf.random.Generator.from_seed(seed)
    return mask_tokens(
        token_ids,
        padding_mask,
        gen.uniform([batch, length]),
        gen.uniform([batch, max_predictions]),
        mask_prob=mask_prob,
        max_predictions=max_predictions,
        mask_token_rate=0.85,
        mask_token_id=MASK,
        special_token_ids=SPECIAL,
    )


def test_number_of_masked_positions_follows_the_rule():
    lengths = [3, 4, 10, 20, 40, 64]
    token_ids, padding_mask = make_batch(lengths)
    out = draw(token_ids, padding_mask, seed=1, max_predictions=9)
    counts = out["masked_weights"].numpy().sum(axis=1)
    candidates = [n - 3 for n in lengths]  # minus [CLS] and two [SEP]
    expected = [
        min(max(1, min(9, int(np.round(0.15 * n)))), c)
        for n, c in zip(lengths, candidates)
    ]
    assert counts.tolist() == expected  # 64 tokens -> 10 by the rate, capped at 9


def test_never_masks_special_tokens_or_padding_and_positions_are_distinct():
    token_ids, padding_mask = make_batch([8, 30, 50, 64] * 8, seed=3)
    for seed in range(20):
        out = draw(token_ids, padding_mask, seed)
        positions = out["masked_positions"].numpy()
        weights = out["masked_weights"].numpy() > 0
        ids = token_ids.numpy()
        for row in range(ids.shape[0]):
            chosen = positions[row][weights[row]]
            assert len(set(chosen)) == len(chosen)
            assert not np.isin(ids[row, chosen], SPECIAL).any()
            assert (padding_mask.numpy()[row, chosen] == 1).all()
        # masked_lm_ids are the original tokens at the masked positions.
        np.testing.assert_array_equal(
            out["masked_lm_ids"].numpy()[weights],
            np.take_along_axis(ids, positions, axis=1)[weights],
        )


def test_rate_and_85_15_split_over_many_draws():
    token_ids, padding_mask = make_batch([64] * 64, seed=4)
    masked = shown_as_mask = changed_elsewhere = 0
    for seed in range(40):
        out = draw(token_ids, padding_mask, seed, max_predictions=12)
        weights = out["masked_weights"].numpy() > 0
        is_masked = scatter_positions(
            out["masked_positions"], out["masked_weights"], 64
        ).numpy()
        inputs = out["masked_token_ids"].numpy()
        masked += weights.sum()
        shown_as_mask += (inputs[is_masked] == MASK).sum()
        # Masked positions are either [MASK] or unchanged: never a random token.
        kept = inputs[is_masked] != MASK
        assert (inputs[is_masked][kept] == token_ids.numpy()[is_masked][kept]).all()
        changed_elsewhere += (inputs[~is_masked] != token_ids.numpy()[~is_masked]).sum()
    assert changed_elsewhere == 0
    assert masked == 40 * 64 * 10  # round(0.15 * 64) = 10 per sequence
    rate = shown_as_mask / masked
    # 25,600 Bernoulli(0.85) draws: std 0.0022; 5 sigma.
    assert abs(rate - 0.85) < 0.012, rate


def test_every_candidate_position_is_equally_likely():
    token_ids, padding_mask = make_batch([20] * 256, seed=5)
    hits = np.zeros(20)
    for seed in range(20):
        out = draw(token_ids, padding_mask, seed, max_predictions=4)
        positions = out["masked_positions"].numpy()[out["masked_weights"].numpy() > 0]
        hits += np.bincount(positions, minlength=20)[:20]
    candidates = [i for i in range(1, 19) if i != 10]  # not [CLS], the [SEP]s
    assert hits[[0, 10, 19]].sum() == 0
    observed = hits[candidates]
    expected = observed.sum() / len(candidates)
    chi2 = ((observed - expected) ** 2 / expected).sum()
    assert chi2 < 40.8, chi2  # chi-square, 16 dof, p = 0.0007
