"""Embedding lookups whose gradient is a dense tensor, so every optimizer updates them right.

The gradient TensorFlow gives a row lookup (`tf.gather`) is an `IndexedSlices` holding one
row per occurrence: a token that appears 40 times in a batch contributes 40 rows with the
same index. Keras 3's optimizers on the TensorFlow backend apply their elementwise ops to
those rows one by one (`keras.ops.square` is wrapped by `sparse.elementwise_unary` in
`keras/src/backend/tensorflow/{numpy,sparse}.py`), so Adam's second moment for that row
becomes the sum of the rows' squares instead of the square of their sum, and the update
is wrong: Adam, AdamW and Lamb differ from the update of the summed gradient
(`tests/layers/test_dense_gradient_embedding.py`), and so did Nadam, Adamax, RMSprop,
Adagrad and Adafactor when measured once by hand. Keras 2 deduplicated such slices before its sparse updates; Keras 3 does
not, and a strategy's all-reduce concatenates the replicas' slices, repeating indices
again. Summing the rows into a dense gradient at the lookup itself fixes the update
whatever optimizer, clipping, loss scaling, gradient accumulation or strategy follows,
and costs little: the tied output projection already makes the word embeddings'
gradient dense, and Keras's Adam densifies its moments' update anyway.
"""

import keras
import keras_hub
import tensorflow as tf


def take_rows(table, ids):
    """`tf.gather(table, ids)` whose gradient for `table` is dense, repeated ids summed.

    Example:
    >>> table = tf.Variable(tf.ones((5, 2)))
    >>> with tf.GradientTape() as tape:
    ...     loss = tf.reduce_sum(take_rows(table, tf.constant([1, 1, 3])))
    >>> tape.gradient(loss, table)[:, 0].numpy()  # a Tensor, not IndexedSlices
    array([0., 2., 0., 1., 0.], dtype=float32)
    """
    ids = tf.convert_to_tensor(ids)

    @tf.custom_gradient
    def lookup(table):
        def grad(upstream):
            num_rows = tf.shape(table, out_type=ids.dtype)[0]
            return tf.math.unsorted_segment_sum(upstream, ids, num_rows)

        return tf.gather(table, ids), grad

    return lookup(tf.convert_to_tensor(table))


def _dense_lookup(layer, inputs):
    if inputs.dtype not in (tf.int32, tf.int64):
        inputs = tf.cast(inputs, tf.int32)
    return tf.cast(take_rows(layer.embeddings, inputs), layer.compute_dtype)


def _plain(layer):
    # Quantized tables do not train and LoRA trains its own factors: Keras's
    # own lookup is right for them.
    return not layer.quantization_mode and not layer.lora_enabled


@keras.saving.register_keras_serializable(package="keras_electra")
class DenseGradientEmbedding(keras.layers.Embedding):
    """`keras.layers.Embedding` whose table receives a dense gradient (see the module).

    Example:
    >>> layer = DenseGradientEmbedding(2, 8)
    >>> layer(np.zeros((3, 5), "int32")).shape
    (3, 5, 8)
    """

    def call(self, inputs):
        if not _plain(self):
            return super().call(inputs)
        return _dense_lookup(self, inputs)


@keras.saving.register_keras_serializable(package="keras_electra")
class DenseGradientReversibleEmbedding(keras_hub.layers.ReversibleEmbedding):
    """keras-hub's `ReversibleEmbedding` whose lookup gives a dense gradient.

    `reverse=True` (the tied output projection, a matmul) is keras-hub's own.

    Example:
    >>> layer = DenseGradientReversibleEmbedding(100, 16, tie_weights=True)
    >>> hidden = layer(np.ones((2, 8), "int32"))
    >>> layer(hidden, reverse=True).shape
    (2, 8, 100)
    """

    def call(self, inputs, reverse=False):
        if reverse or not _plain(self) or self.mask_zero:
            return super().call(inputs, reverse=reverse)
        return _dense_lookup(self, inputs)
