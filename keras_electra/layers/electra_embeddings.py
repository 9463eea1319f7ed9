"""The embedding block that ELECTRA's generator and discriminator share."""

import keras
import keras_hub

from keras_electra.layers.dense_gradient_embedding import (
    DenseGradientEmbedding,
    DenseGradientReversibleEmbedding,
)


@keras.saving.register_keras_serializable(package="keras_electra")
class ElectraEmbeddings(keras.layers.Layer):
    """Word + position + segment embeddings, then LayerNorm and dropout.

    In ELECTRA the generator and the discriminator use one instance of this block
    (the same variables), so the word embeddings learn from both losses and also
    serve as the generator's tied output projection (`token_embedding`).

    Args:
        vocab_size: int, number of token ids.
        embedding_size: int, width of the embeddings.
        max_position_embeddings: int, number of learned positions.
        type_vocab_size: int, number of segment ids.
        dropout: float, dropout after the LayerNorm.
        layer_norm_epsilon: float.
        initializer_range: float, std of the truncated normal initializer.

    Example:
    >>> block = ElectraEmbeddings(vocab_size=100, embedding_size=16)
    >>> block(np.ones((2, 8), "int32"), np.zeros((2, 8), "int32")).shape
    (2, 8, 16)
    """

    def __init__(
        self,
        vocab_size,
        embedding_size,
        max_position_embeddings=512,
        type_vocab_size=2,
        dropout=0.1,
        layer_norm_epsilon=1e-12,
        initializer_range=0.02,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.vocab_size = vocab_size
        self.embedding_size = embedding_size
        self.max_position_embeddings = max_position_embeddings
        self.type_vocab_size = type_vocab_size
        self.dropout = dropout
        self.layer_norm_epsilon = layer_norm_epsilon
        self.initializer_range = initializer_range
        init = lambda: keras.initializers.TruncatedNormal(stddev=initializer_range)
        # Dense-gradient lookups: with the sparse form Keras's adaptive optimizers
        # update frequent tokens wrongly (see dense_gradient_embedding.py).
        self.token_embedding = DenseGradientReversibleEmbedding(
            vocab_size,
            embedding_size,
            tie_weights=True,
            embeddings_initializer=init(),
            dtype=self.dtype_policy,
            name="token_embedding",
        )
        self.position_embedding = keras_hub.layers.PositionEmbedding(
            sequence_length=max_position_embeddings,
            initializer=init(),
            dtype=self.dtype_policy,
            name="position_embedding",
        )
        self.segment_embedding = DenseGradientEmbedding(
            type_vocab_size,
            embedding_size,
            embeddings_initializer=init(),
            dtype=self.dtype_policy,
            name="segment_embedding",
        )
        self.layer_norm = keras.layers.LayerNormalization(
            epsilon=layer_norm_epsilon, dtype=self.dtype_policy, name="layer_norm"
        )
        self.dropout_layer = keras.layers.Dropout(
            dropout, dtype=self.dtype_policy, name="dropout"
        )

    def build(self, token_ids_shape, segment_ids_shape=None):
        self.token_embedding.build(token_ids_shape)
        self.position_embedding.build(tuple(token_ids_shape) + (self.embedding_size,))
        self.segment_embedding.build(token_ids_shape)
        self.layer_norm.build(tuple(token_ids_shape) + (self.embedding_size,))
        self.built = True

    def call(self, token_ids, segment_ids, training=None):
        x = self.token_embedding(token_ids)
        x = x + self.position_embedding(x) + self.segment_embedding(segment_ids)
        x = self.layer_norm(x)
        return self.dropout_layer(x, training=training)

    def compute_output_shape(self, token_ids_shape, segment_ids_shape=None):
        return tuple(token_ids_shape) + (self.embedding_size,)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "vocab_size": self.vocab_size,
                "embedding_size": self.embedding_size,
                "max_position_embeddings": self.max_position_embeddings,
                "type_vocab_size": self.type_vocab_size,
                "dropout": self.dropout,
                "layer_norm_epsilon": self.layer_norm_epsilon,
                "initializer_range": self.initializer_range,
            }
        )
        return config
