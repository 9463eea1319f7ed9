"""Dynamic masking for the generator's masked-language-model task."""

import tensorflow as tf

from keras_electra.pretraining.whole_words import choose_whole_words


def scatter_positions(positions, weights, length, values=None):
    """Spreads per-slot values back onto the sequence, static shapes only.

    Args:
        positions: int32 [batch, n_slots], positions in the sequence.
        weights: float32 [batch, n_slots], 1 for used slots, 0 for padding slots
            (whose position is ignored, so it may repeat a real one).
        length: int, sequence length.
        values: optional int32 [batch, n_slots] to place at the positions.

    Returns:
        `is_set`, bool [batch, length], and, if `values` is given, int32
        [batch, length] holding each used slot's value (0 elsewhere).

    A one-hot product instead of `tf.tensor_scatter_nd_update` keeps the shapes
    static and the gradient-free path identical under XLA, TPUs and CPUs; the
    [batch, n_slots, length] tensor is small (slots are ~15% of the length).
    """
    one_hot = tf.one_hot(positions, length, dtype=tf.int32) * tf.cast(
        weights[..., None] > 0, tf.int32
    )
    is_set = tf.reduce_max(one_hot, axis=1) > 0
    if values is None:
        return is_set
    return is_set, tf.reduce_sum(one_hot * values[..., None], axis=1)


def mask_tokens(
    token_ids,
    padding_mask,
    select_noise,
    keep_noise,
    *,
    mask_prob,
    max_predictions,
    mask_token_rate,
    mask_token_id,
    special_token_ids,
    is_continuation=None,
):
    """Chooses the positions the generator must predict and hides most of them.

    Per sequence, as in the original ELECTRA: n = max(1, min(max_predictions,
    round(mask_prob x non-pad tokens))) positions, drawn uniformly without
    replacement among non-pad tokens that are not special; `mask_token_rate`
    (85%) of them become [MASK], the rest keep their token (none are replaced by
    a random token). Sequences with fewer candidates than n mask them all.
    With `is_continuation`, whole words instead (see `whole_words`): the same n,
    counted in tokens, filled with whole words in a random order, a word that
    does not fit in what is left being skipped, never cut.

    Args:
        token_ids: int32 [batch, length].
        padding_mask: int32/bool [batch, length], 1 for real tokens.
        select_noise: float32 [batch, length] uniform in [0, 1): which positions.
        keep_noise: float32 [batch, max_predictions] uniform in [0, 1): which
            of the chosen positions keep their token.
        mask_prob, max_predictions, mask_token_rate, mask_token_id: see
            `ElectraConfig`.
        special_token_ids: ids never chosen ([CLS], [SEP], [MASK], [PAD]).
        is_continuation: optional bool [batch, length], True at `##` pieces:
            turns on whole-word masking (`select_noise` then ranks the words).

    Returns:
        dict with `masked_token_ids` [batch, length] (the generator's input),
        `masked_positions` int32 [batch, max_predictions], `masked_weights`
        float32 [batch, max_predictions] (1 for used slots) and `masked_lm_ids`
        int32 [batch, max_predictions] (the original tokens there).

    Example:
    >>> ids = tf.constant([[101, 7, 8, 9, 102, 0]])
    >>> out = mask_tokens(ids, tf.cast(ids > 0, tf.int32),
    ...     tf.random.uniform([1, 6]), tf.random.uniform([1, 2]), mask_prob=0.15,
    ...     max_predictions=2, mask_token_rate=0.85, mask_token_id=103,
    ...     special_token_ids=[0, 101, 102, 103])
    >>> int(tf.reduce_sum(out["masked_weights"]))  # max(1, round(0.15 * 5))
    1
    """
    length = token_ids.shape[1]
    is_real = tf.cast(padding_mask, tf.bool)
    candidate = is_real
    for special in special_token_ids:
        candidate &= tf.not_equal(token_ids, special)

    num_real = tf.reduce_sum(tf.cast(is_real, tf.float32), axis=1)
    num_to_mask = tf.cast(tf.round(num_real * mask_prob), tf.int32)
    num_to_mask = tf.maximum(1, tf.minimum(max_predictions, num_to_mask))
    num_to_mask = tf.minimum(num_to_mask, tf.reduce_sum(tf.cast(candidate, tf.int32), 1))

    if is_continuation is None:
        # The top-k of i.i.d. uniform scores among the candidates is a uniformly
        # random subset in random order; non-candidates score -1 and lose.
        scores = tf.where(candidate, select_noise, -1.0)
    else:
        chosen = choose_whole_words(candidate, is_continuation, select_noise, num_to_mask)
        num_to_mask = tf.reduce_sum(tf.cast(chosen, tf.int32), axis=1)
        scores = tf.cast(chosen, tf.float32)  # the chosen ones first, in any order
    _, positions = tf.math.top_k(scores, k=max_predictions)
    slot = tf.range(max_predictions)[None, :]
    used = slot < num_to_mask[:, None]
    positions = tf.where(used, positions, 0)
    weights = tf.cast(used, tf.float32)

    masked_lm_ids = tf.gather(token_ids, positions, batch_dims=1)
    show_mask = tf.cast(keep_noise < mask_token_rate, tf.float32) * weights
    is_mask_token = scatter_positions(positions, show_mask, length)
    masked_token_ids = tf.where(
        is_mask_token, tf.cast(mask_token_id, token_ids.dtype), token_ids
    )
    return {
        "masked_token_ids": masked_token_ids,
        "masked_positions": positions,
        "masked_weights": weights,
        "masked_lm_ids": masked_lm_ids,
    }
