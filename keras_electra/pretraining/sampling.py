"""Sampling the generator's replacements."""

import tensorflow as tf


def gumbel_max_sample(logits, uniform_noise, temperature=1.0, disallowed_ids=None):
    """One sample a row from softmax(logits / temperature), by the Gumbel-max trick.

    argmax(logits / T + g) with g = -log(-log(u)) is an exact draw from
    softmax(logits / T); it needs no cumulative sums, so it is cheap on
    accelerators. The result carries no gradient (ELECTRA's generator is trained
    by its MLM loss only, never through the discriminator).

    Args:
        logits: float [..., vocab_size].
        uniform_noise: float32, same shape, uniform in [0, 1).
        temperature: float > 0.
        disallowed_ids: optional int32 [...], one id a row never drawn: its
            score is -inf, so the draw is from softmax over the other ids (the
            original's `disallow_correct`, given the original tokens, makes every
            sample a replacement).

    Returns:
        int32 [...], the sampled ids.

    Example:
    >>> logits = tf.math.log([[0.1, 0.9]])
    >>> gumbel_max_sample(logits, tf.random.uniform([1, 2])).shape
    TensorShape([1])
    """
    # The epsilons keep log() finite at u = 0 without biasing the draw measurably.
    gumbel = -tf.math.log(-tf.math.log(uniform_noise + 1e-9) + 1e-9)
    scores = tf.stop_gradient(tf.cast(logits, tf.float32) / temperature) + gumbel
    if disallowed_ids is not None:
        banned = tf.one_hot(disallowed_ids, scores.shape[-1], on_value=True, off_value=False)
        scores = tf.where(banned, float("-inf"), scores)
    return tf.argmax(scores, axis=-1, output_type=tf.int32)
