"""ElectraBackbone: the ELECTRA encoder as a keras-hub `Backbone` (exact GELU)."""

import keras
import keras_hub

from keras_electra.layers.electra_embeddings import ElectraEmbeddings


def truncated_normal(stddev):
    """The original's initializer for every kernel: a normal cut at two deviations."""
    return keras.initializers.TruncatedNormal(stddev=stddev)


@keras.saving.register_keras_serializable(package="keras_electra")
class ElectraBackbone(keras_hub.models.Backbone):
    """A BERT-style encoder: shared embeddings, a projection, a transformer stack.

    `keras_hub.models.ElectraBackbone` uses the tanh approximation of GELU; the
    released ELECTRA weights were trained with the exact (erf) GELU, so this
    backbone builds the same keras-hub layers with `activation="gelu"` (exact in
    Keras 3) and BERT's LayerNorm epsilon of 1e-12.

    Inputs are keras-hub's dict of int32 `token_ids`, `segment_ids` and
    `padding_mask` (1 for real tokens), each [batch, seq_len]; the output is the
    last hidden state [batch, seq_len, hidden_size] (ELECTRA has no pooler: tasks
    read the [CLS] position). Intermediate hidden states are the outputs of the
    layers named `embeddings_project` (or `embeddings`) and `transformer_layer_{i}`.
    As every keras-hub backbone it loads and saves presets (`from_preset`,
    `save_to_preset`); a keras-electra model folder is one.

    Args:
        vocab_size, hidden_size, num_layers, num_heads, intermediate_size,
        embedding_size, max_position_embeddings, type_vocab_size, dropout,
        layer_norm_epsilon, initializer_range: as in `ElectraConfig`.
        embeddings: an `ElectraEmbeddings` layer to share with another backbone
            (ELECTRA's generator and discriminator share one); a new one is
            made when None.
        dtype: a Keras dtype policy for every layer.

    Example:
    >>> backbone = ElectraBackbone(vocab_size=100, hidden_size=32, num_layers=2,
    ...     num_heads=2, intermediate_size=64, embedding_size=16)
    >>> ids = np.ones((2, 8), "int32")
    >>> backbone({"token_ids": ids, "segment_ids": 0 * ids,
    ...     "padding_mask": ids}).shape
    TensorShape([2, 8, 32])
    >>> backbone = ElectraBackbone.from_preset("out/model")  # doctest: +SKIP
    """

    def __init__(
        self,
        vocab_size,
        hidden_size,
        num_layers,
        num_heads,
        intermediate_size,
        embedding_size=None,
        max_position_embeddings=512,
        type_vocab_size=2,
        dropout=0.1,
        layer_norm_epsilon=1e-12,
        initializer_range=0.02,
        embeddings=None,
        dtype=None,
        **kwargs,
    ):
        embedding_size = embedding_size or hidden_size
        if embeddings is None:
            embeddings = ElectraEmbeddings(
                vocab_size=vocab_size,
                embedding_size=embedding_size,
                max_position_embeddings=max_position_embeddings,
                type_vocab_size=type_vocab_size,
                dropout=dropout,
                layer_norm_epsilon=layer_norm_epsilon,
                initializer_range=initializer_range,
                dtype=dtype,
                name="embeddings",
            )
        elif (embeddings.vocab_size, embeddings.embedding_size) != (
            vocab_size,
            embedding_size,
        ):
            raise ValueError(
                f"Shared embeddings are {embeddings.vocab_size} x "
                f"{embeddings.embedding_size}, but the backbone expects "
                f"{vocab_size} x {embedding_size}."
            )
        token_ids = keras.Input(shape=(None,), dtype="int32", name="token_ids")
        segment_ids = keras.Input(shape=(None,), dtype="int32", name="segment_ids")
        padding_mask = keras.Input(shape=(None,), dtype="int32", name="padding_mask")

        x = embeddings(token_ids, segment_ids)
        if embedding_size != hidden_size:
            x = keras.layers.Dense(
                hidden_size,
                kernel_initializer=truncated_normal(initializer_range),
                dtype=dtype,
                name="embeddings_project",
            )(x)
        for i in range(num_layers):
            x = keras_hub.layers.TransformerEncoder(
                intermediate_dim=intermediate_size,
                num_heads=num_heads,
                dropout=dropout,
                activation="gelu",
                layer_norm_epsilon=layer_norm_epsilon,
                kernel_initializer=truncated_normal(initializer_range),
                normalize_first=False,
                dtype=dtype,
                name=f"transformer_layer_{i}",
            )(x, padding_mask=padding_mask)
        super().__init__(
            inputs={
                "token_ids": token_ids,
                "segment_ids": segment_ids,
                "padding_mask": padding_mask,
            },
            outputs=x,
            dtype=dtype,
            **kwargs,
        )
        self.embeddings = embeddings
        self.token_embedding = embeddings.token_embedding
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.num_heads = num_heads
        self.intermediate_size = intermediate_size
        self.embedding_size = embedding_size
        self.max_position_embeddings = max_position_embeddings
        self.type_vocab_size = type_vocab_size
        self.dropout = dropout
        self.layer_norm_epsilon = layer_norm_epsilon
        self.initializer_range = initializer_range

    def hidden_state_layers(self):
        """The layers whose outputs are the hidden states, embeddings first."""
        first = "embeddings_project" if self.embedding_size != self.hidden_size else "embeddings"
        names = [first] + [f"transformer_layer_{i}" for i in range(self.num_layers)]
        return [self.get_layer(name) for name in names]

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "vocab_size": self.vocab_size,
                "hidden_size": self.hidden_size,
                "num_layers": self.num_layers,
                "num_heads": self.num_heads,
                "intermediate_size": self.intermediate_size,
                "embedding_size": self.embedding_size,
                "max_position_embeddings": self.max_position_embeddings,
                "type_vocab_size": self.type_vocab_size,
                "dropout": self.dropout,
                "layer_norm_epsilon": self.layer_norm_epsilon,
                "initializer_range": self.initializer_range,
                "embeddings": keras.layers.serialize(self.embeddings),
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("embeddings"), dict):
            config["embeddings"] = keras.layers.deserialize(config["embeddings"])
        return super().from_config(config)

    @classmethod
    def from_electra_config(cls, config, role="discriminator", embeddings=None, **kwargs):
        """The discriminator's or the generator's backbone described by `config`."""
        if role not in ("discriminator", "generator"):
            raise ValueError(f"role must be 'discriminator' or 'generator', got {role!r}.")
        gen = role == "generator"
        return cls(
            vocab_size=config.vocab_size,
            hidden_size=config.generator_hidden_size if gen else config.hidden_size,
            num_layers=config.num_layers,
            num_heads=config.generator_num_heads if gen else config.num_heads,
            intermediate_size=(
                config.generator_intermediate_size if gen else config.intermediate_size
            ),
            embedding_size=config.embedding_size,
            max_position_embeddings=config.max_position_embeddings,
            type_vocab_size=config.type_vocab_size,
            dropout=config.dropout,
            layer_norm_epsilon=config.layer_norm_epsilon,
            initializer_range=config.initializer_range,
            embeddings=embeddings,
            name=f"{role}_encoder",
            **kwargs,
        )


# ELECTRA's own word for the same object; `.keras` files written before the
# backbone was a keras-hub `Backbone` name the class this way.
ElectraEncoder = ElectraBackbone
keras.saving.get_custom_objects()["keras_electra>ElectraEncoder"] = ElectraBackbone
