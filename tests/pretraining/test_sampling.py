"""The Gumbel-max sampler draws from softmax(logits / T)."""

import numpy as np
import tensorflow as tf
from scipy import stats

from keras_electra.pretraining import gumbel_max_sample


def frequencies(logits, temperature, draws=40000, seed=0):
    noise = tf.random.stateless_uniform([draws, logits.shape[-1]], seed=[seed, 1])
    tiled = tf.tile(tf.constant(logits, tf.float32)[None], [draws, 1])
    samples = gumbel_max_sample(tiled, noise, temperature).numpy()
    return np.bincount(samples, minlength=logits.shape[-1])


def test_goodness_of_fit_at_temperature_one():
    logits = np.log(np.array([0.5, 0.2, 0.15, 0.1, 0.05]))
    counts = frequencies(logits, 1.0)
    _, p = stats.chisquare(counts, counts.sum() * np.exp(logits))
    assert p > 1e-3, (counts, p)


def test_temperature_flattens_the_distribution():
    logits = np.array([2.0, 0.0, -1.0, 1.0])
    counts = frequencies(logits, 2.0, seed=3)
    probs = np.exp(logits / 2.0) / np.exp(logits / 2.0).sum()
    _, p = stats.chisquare(counts, counts.sum() * probs)
    assert p > 1e-3, (counts, p)
    # ... and it really is a different distribution from T = 1.
    _, p1 = stats.chisquare(counts, counts.sum() * np.exp(logits) / np.exp(logits).sum())
    assert p1 < 1e-10


def test_disallowed_id_is_never_drawn_and_the_rest_keep_their_odds():
    # The original token is also the generator's favourite, as it often is.
    logits = np.log(np.array([0.6, 0.2, 0.1, 0.1]))
    draws = 40000
    noise = tf.random.stateless_uniform([draws, 4], seed=[5, 1])
    tiled = tf.tile(tf.constant(logits, tf.float32)[None], [draws, 1])
    samples = gumbel_max_sample(
        tiled, noise, disallowed_ids=tf.zeros([draws], tf.int32)).numpy()
    counts = np.bincount(samples, minlength=4)
    assert counts[0] == 0
    # softmax over the other ids: 0.5, 0.25, 0.25.
    _, p = stats.chisquare(counts[1:], draws * np.array([0.5, 0.25, 0.25]))
    assert p > 1e-3, (counts, p)


def test_without_disallowed_ids_the_draw_is_unchanged():
    logits = tf.random.stateless_normal([64, 50], seed=[2, 2])
    noise = tf.random.stateless_uniform([64, 50], seed=[3, 3])
    np.testing.assert_array_equal(
        gumbel_max_sample(logits, noise, 0.7).numpy(),
        gumbel_max_sample(logits, noise, 0.7, disallowed_ids=None).numpy())
