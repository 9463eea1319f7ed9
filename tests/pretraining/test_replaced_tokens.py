"""Label rules of replaced-token detection, and per-example noise."""

import numpy as np
import tensorflow as tf

from keras_electra.pretraining import example_noise, replace_masked_tokens


def test_labels_only_where_masked_and_different():
    token_ids = tf.constant([[101, 5, 6, 7, 8, 102, 0]])
    positions = tf.constant([[1, 2, 3, 0]])
    weights = tf.constant([[1.0, 1.0, 1.0, 0.0]])  # the last slot is padding
    samples = tf.constant([[9, 6, 4, 55]])  # slot 2 samples the original
    disc_ids, replaced = replace_masked_tokens(token_ids, positions, weights, samples)
    assert disc_ids.numpy().tolist() == [[101, 9, 6, 4, 8, 102, 0]]
    assert replaced.numpy().tolist() == [[0, 1, 0, 1, 0, 0, 0]]


def test_example_noise_depends_on_example_not_on_batch_split():
    step = tf.constant(5, tf.int64)
    full = example_noise(3, step, tf.range(8), [[6], [2, 3]])
    halves = [example_noise(3, step, tf.range(4) + 4 * h, [[6], [2, 3]]) for h in (0, 1)]
    for i in range(2):
        np.testing.assert_array_equal(
            full[i].numpy(), np.concatenate([halves[0][i], halves[1][i]])
        )
    other_step = example_noise(3, step + 1, tf.range(8), [[6], [2, 3]])
    assert not np.allclose(full[0].numpy(), other_step[0].numpy())
    assert not np.allclose(full[0][0].numpy(), full[0][1].numpy())
    assert 0.0 <= full[1].numpy().min() and full[1].numpy().max() < 1.0
