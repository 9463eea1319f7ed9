"""ELECTRA's discriminator: the encoder plus a replaced-token-detection head."""

import keras

from keras_electra.models.electra_backbone import truncated_normal
from keras_electra.models.encoder_head_model import EncoderHeadModel


@keras.saving.register_keras_serializable(package="keras_electra")
class ElectraDiscriminator(EncoderHeadModel):
    """An encoder plus dense(hidden, GELU) then dense(1): one logit a token.

    A positive logit means "this token was replaced by the generator". The
    encoder (`discriminator.encoder`) is what fine-tuning starts from.

    Inputs: the encoder's dict. Output: logits, float32 [batch, seq_len].

    Example:
    >>> encoder = ElectraEncoder(vocab_size=100, hidden_size=16, num_layers=1,
    ...     num_heads=2, intermediate_size=32)
    >>> ids = np.ones((2, 8), "int32")
    >>> ElectraDiscriminator(encoder)({"token_ids": ids, "segment_ids": 0 * ids,
    ...     "padding_mask": ids}).shape
    TensorShape([2, 8])
    """

    def __init__(self, encoder, dtype=None, **kwargs):
        inputs = {
            name: keras.Input(shape=(None,), dtype="int32", name=name)
            for name in ("token_ids", "segment_ids", "padding_mask")
        }
        x = encoder(inputs)
        init = truncated_normal(encoder.initializer_range)
        policy = self.head_policy(encoder, dtype)
        x = keras.layers.Dense(
            encoder.hidden_size,
            activation="gelu",
            kernel_initializer=init,
            dtype=policy,
            name="head_dense",
        )(x)
        x = keras.layers.Dense(1, kernel_initializer=init, dtype=policy, name="head_logits")(x)
        logits = keras.layers.Reshape((-1,), dtype=policy, name="squeeze")(x)
        super().__init__(inputs, logits, encoder, policy, **kwargs)
