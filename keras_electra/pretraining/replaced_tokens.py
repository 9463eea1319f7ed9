"""The discriminator's input and labels for replaced-token detection."""

import tensorflow as tf

from keras_electra.pretraining.masking import scatter_positions


def replace_masked_tokens(token_ids, masked_positions, masked_weights, sampled_ids):
    """Puts the generator's samples at the masked positions and labels them.

    A position is labelled replaced (1) only where it was masked AND the sample
    differs from the original token: a sample that happens to equal the original
    counts as original, as in the paper.

    Args:
        token_ids: int32 [batch, length], the original tokens.
        masked_positions: int32 [batch, n_slots].
        masked_weights: float32 [batch, n_slots], 1 for used slots.
        sampled_ids: int32 [batch, n_slots], the generator's samples.

    Returns:
        (`disc_token_ids` int32 [batch, length], `replaced` int32 [batch, length]).

    Example:
    >>> ids, labels = replace_masked_tokens(tf.constant([[5, 6, 7]]),
    ...     tf.constant([[1, 2]]), tf.constant([[1.0, 1.0]]), tf.constant([[9, 7]]))
    >>> ids.numpy().tolist(), labels.numpy().tolist()
    ([[5, 9, 7]], [[0, 1, 0]])
    """
    length = token_ids.shape[1]
    is_masked, samples = scatter_positions(
        masked_positions, masked_weights, length, values=sampled_ids
    )
    disc_token_ids = tf.where(is_masked, samples, token_ids)
    replaced = tf.cast(is_masked & tf.not_equal(disc_token_ids, token_ids), tf.int32)
    return disc_token_ids, replaced
