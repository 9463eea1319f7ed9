"""Why the embeddings' gradient is dense: Keras's optimizers mis-update repeated-index slices.

The reproduction: one variable, a gradient given once as `IndexedSlices` with a repeated
index and once as its dense sum. A correct optimizer makes the same update from both.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_electra import pretraining_optimizer
from keras_electra.layers.dense_gradient_embedding import (
    DenseGradientEmbedding,
    DenseGradientReversibleEmbedding,
    take_rows,
)
from keras_electra.training.layerwise_decay import LayerwiseDecayAdamW

OPTIMIZERS = {
    "Adam": lambda: keras.optimizers.Adam(0.1),
    "AdamW": lambda: keras.optimizers.AdamW(0.1, weight_decay=0.01),
    "Lamb": lambda: keras.optimizers.Lamb(0.1),
    "pretraining_optimizer": lambda: pretraining_optimizer(
        0.1, total_steps=10, warmup_steps=0, clip_norm=None
    ),
    "LayerwiseDecayAdamW": lambda: LayerwiseDecayAdamW(0.1, num_layers=0, global_clipnorm=None),
    # Clipping: Keras's `clip_by_global_norm` densifies, but takes the norm of the
    # parts (sum of their squares), so the clipped step is off too, by less.
    "pretraining_optimizer clipped": lambda: pretraining_optimizer(
        0.1, total_steps=10, warmup_steps=0, clip_norm=1.0
    ),
    "SGD": lambda: keras.optimizers.SGD(0.1, momentum=0.9),
}

# Row 1 appears twice, with values of opposite signs: its summed gradient is small,
# the sum of its parts' squares is not.
SLICES = tf.IndexedSlices(
    tf.constant([[1.0, -2.0, 0.5], [-0.8, 2.5, 0.5], [0.3, 0.3, -0.3]]),
    tf.constant([1, 1, 2]),
    tf.constant([4, 3]),
)


def updated(make_optimizer, gradient, steps=3):
    variable = keras.Variable(np.ones((4, 3), "float32"), name="table")
    optimizer = make_optimizer()
    for _ in range(steps):
        optimizer.apply_gradients([(gradient, variable)])
    return variable.numpy()


@pytest.mark.parametrize("name", [n for n in OPTIMIZERS if n != "SGD"])
def test_adaptive_keras_optimizers_mis_update_repeated_index_slices(name):
    sparse = updated(OPTIMIZERS[name], SLICES)
    dense = updated(OPTIMIZERS[name], tf.convert_to_tensor(SLICES))
    # Adam's second moment of row 1 is (1 - b2) * sum of the parts' squares, not the
    # square of their sum (`ops.square` maps over the slices); the other rows agree
    # (but for Lamb, whose trust ratio takes the whole variable's norm).
    if name == "pretraining_optimizer clipped":
        assert np.abs(sparse - dense).max() > 2e-5  # measured 5.6e-5
        return
    if name != "Lamb":
        np.testing.assert_allclose(sparse[[0, 2, 3]], dense[[0, 2, 3]], atol=1e-6)
    assert np.abs(sparse[1] - dense[1]).max() > 0.03, (
        f"{name} now updates repeated-index slices like their dense sum: "
        "keras_electra/layers/dense_gradient_embedding.py may no longer be needed"
    )


def test_sgd_is_linear_in_the_gradient_so_slices_are_harmless():
    sgd = OPTIMIZERS["SGD"]
    np.testing.assert_allclose(
        updated(sgd, SLICES), updated(sgd, tf.convert_to_tensor(SLICES)), atol=1e-6
    )


def test_take_rows_gives_the_summed_dense_gradient_of_a_gather():
    table = tf.Variable(np.random.default_rng(0).normal(size=(6, 4)).astype("float32"))
    ids = tf.constant([[1, 1, 5], [0, 1, 5]])
    upstream = tf.constant(np.random.default_rng(1).normal(size=(2, 3, 4)).astype("float32"))
    with tf.GradientTape(persistent=True) as tape:
        ours = take_rows(table, ids)
        theirs = tf.gather(table, ids)
        loss_ours = tf.reduce_sum(ours * upstream)
        loss_theirs = tf.reduce_sum(theirs * upstream)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    grad_ours = tape.gradient(loss_ours, table)
    grad_theirs = tape.gradient(loss_theirs, table)
    assert isinstance(grad_theirs, tf.IndexedSlices)
    assert isinstance(grad_ours, tf.Tensor) and not isinstance(grad_ours, tf.IndexedSlices)
    np.testing.assert_allclose(grad_ours.numpy(), tf.convert_to_tensor(grad_theirs).numpy(),
                               rtol=1e-6)


@pytest.mark.parametrize("jit_compile", [False, True])
def test_layers_look_up_like_keras_and_their_gradient_is_dense(jit_compile):
    ids = np.array([[3, 3, 7, 0]], "int32")
    for ours, theirs in [
        (DenseGradientEmbedding(10, 4), keras.layers.Embedding(10, 4)),
        (DenseGradientReversibleEmbedding(10, 4), keras.layers.ReversibleEmbedding(10, 4)),
    ]:
        ours.build(ids.shape)
        theirs.build(ids.shape)
        theirs.set_weights(ours.get_weights())

        @tf.function(jit_compile=jit_compile)
        def lookup_and_grad(layer):
            with tf.GradientTape() as tape:
                out = layer(ids)
                loss = tf.reduce_sum(out * tf.range(4, dtype=out.dtype))
            return out, tape.gradient(loss, layer.embeddings)

        out_ours, grad_ours = lookup_and_grad(ours)
        out_theirs, grad_theirs = lookup_and_grad(theirs)
        np.testing.assert_array_equal(out_ours.numpy(), out_theirs.numpy())
        assert not isinstance(grad_ours, tf.IndexedSlices)
        np.testing.assert_allclose(grad_ours.numpy(), tf.convert_to_tensor(grad_theirs).numpy())
        assert grad_ours.numpy()[3].tolist() == [0.0, 2.0, 4.0, 6.0]  # two uses of id 3


def test_mixed_precision_lookup_is_in_the_compute_dtype():
    layer = DenseGradientEmbedding(10, 4, dtype="mixed_bfloat16")
    out = layer(np.array([[1, 2]], "int32"))
    assert out.dtype == "bfloat16" and layer.embeddings.dtype == "float32"
