"""Whole-word masking: the WordPiece sub-tokens of a word are masked together.

The rule is BERT's (`create_pretraining_data.py --do_whole_word_mask`; the original
ELECTRA has no whole-word option, its `pretrain_helpers.mask` picks single tokens):
the budget n is counted in tokens, exactly as for token masking; the words are
visited in a random order and each is taken whole if it fits in what is left of the
budget, else skipped. So no word is ever cut, `max_predictions_per_seq` (which caps n)
is never exceeded, and a word longer than n is never masked. A word is a token that
is not a `##` continuation plus the continuations that follow it; a continuation
right after a special token or padding (a sequence cut inside a word) starts a word.

Example:
>>> table = continuation_table(6, [4, 5])          # ids 4 and 5 are "##..." pieces
>>> ids = tf.constant([[1, 2, 4, 3, 5, 5]])         # words: [2 ##4] [3 ##5 ##5]
>>> chosen = choose_whole_words(tf.ones([1, 6], tf.bool) & (ids != 1),
...     tf.gather(table, ids), tf.random.uniform([1, 6]), tf.constant([2]))
>>> chosen.numpy().astype(int).tolist()             # only the 2-piece word fits n=2
[[0, 1, 1, 0, 0, 0]]
"""

import tensorflow as tf

CONTINUATION_PREFIX = "##"


def continuation_ids(vocab_file):
    """The ids (line numbers) of the `##` continuation pieces of a vocab.txt."""
    with tf.io.gfile.GFile(vocab_file) as f:
        return [i for i, line in enumerate(f) if line.startswith(CONTINUATION_PREFIX)]


def continuation_table(vocab_size, ids):
    """bool [vocab_size], True at the continuation ids: gathered by token id in the step."""
    table = [False] * vocab_size
    for i in ids:
        table[int(i)] = True
    return tf.constant(table, tf.bool)


def choose_whole_words(candidate, is_continuation, word_noise, num_to_mask, rounds=4):
    """The tokens to mask, whole words only, at most `num_to_mask` per sequence.

    Static shapes, no data-dependent branches: words are numbered by a cumulative
    sum of word starts, ranked by `word_noise[word number]` (a uniformly random
    order), and taken greedily in `rounds` vectorized passes. Each pass takes, in
    rank order, the still-untaken words that fit the budget left at its start, up
    to the first that no longer fits; the next pass goes on with a smaller budget.
    This is BERT's sequential greedy exactly whenever no word has more than
    `rounds` pieces (the budget after pass k is below the piece count of the word
    that ended it, so pass `rounds` sees only one-piece words, which never end a
    pass early); with longer words a few budget tokens may stay unused.

    Args:
        candidate: bool [batch, length], tokens that may be masked (not special, not pad).
        is_continuation: bool [batch, length], the token is a `##` piece.
        word_noise: float32 [batch, length] uniform in [0, 1): word w's rank score.
        num_to_mask: int32 [batch], the budget n in tokens.
        rounds: int, number of greedy passes.

    Returns:
        bool [batch, length], the chosen tokens.
    """
    length = candidate.shape[1]
    batch = tf.shape(candidate)[0]
    after_candidate = tf.pad(candidate[:, :-1], [[0, 0], [1, 0]])
    is_start = candidate & ~(is_continuation & after_candidate)
    word = tf.cumsum(tf.cast(is_start, tf.int32), axis=1) - 1
    # Non-candidates go to a spare word number `length`, dropped below.
    word = tf.where(candidate, word, length)
    offsets = tf.range(batch)[:, None] * (length + 1)
    word_length = tf.reshape(
        tf.math.unsorted_segment_sum(
            tf.cast(candidate, tf.int32), word + offsets, batch * (length + 1)
        ),
        [batch, length + 1],
    )[:, :length]
    score = tf.where(word_length > 0, word_noise, -1.0)
    _, order = tf.math.top_k(score, k=length)  # order[b, r]: the word ranked r
    ranked_length = tf.gather(word_length, order, batch_dims=1)

    taken = tf.zeros_like(candidate)
    left = num_to_mask[:, None]
    for _ in range(rounds):
        fits = ~taken & (ranked_length > 0) & (ranked_length <= left)
        running = tf.cumsum(tf.where(fits, ranked_length, 0), axis=1)
        take = fits & (running <= left)
        taken |= take
        left -= tf.reduce_sum(tf.where(take, ranked_length, 0), axis=1, keepdims=True)

    rank = tf.argsort(order, axis=1)  # the inverse permutation: word -> its rank
    token_rank = tf.gather(rank, tf.minimum(word, length - 1), batch_dims=1)
    return candidate & tf.gather(taken, token_rank, batch_dims=1)
