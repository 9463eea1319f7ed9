"""ELECTRA's generator: a small masked language model over the shared embeddings."""

import keras
import keras_hub

from keras_electra.models.electra_backbone import truncated_normal
from keras_electra.models.encoder_head_model import EncoderHeadModel


@keras.saving.register_keras_serializable(package="keras_electra")
class ElectraGenerator(EncoderHeadModel):
    """An encoder plus BERT's MLM head, evaluated at the masked positions only.

    The head is keras-hub's `MaskedLMHead`: dense to the embedding size with
    exact GELU, LayerNorm, then the transposed word embeddings of the encoder
    (tied, so shared with the discriminator in pre-training) plus a bias.

    Inputs: the encoder's dict plus `masked_positions`, int32 [batch, n_predictions].
    Output: MLM logits, float32 [batch, n_predictions, vocab_size].

    Example:
    >>> encoder = ElectraEncoder(vocab_size=100, hidden_size=16, num_layers=1,
    ...     num_heads=2, intermediate_size=32, embedding_size=8)
    >>> generator = ElectraGenerator(encoder)
    >>> ids = np.ones((2, 8), "int32")
    >>> generator({"token_ids": ids, "segment_ids": 0 * ids, "padding_mask": ids,
    ...     "masked_positions": np.zeros((2, 3), "int32")}).shape
    TensorShape([2, 3, 100])
    """

    def __init__(self, encoder, dtype=None, **kwargs):
        inputs = {
            name: keras.Input(shape=(None,), dtype="int32", name=name)
            for name in ("token_ids", "segment_ids", "padding_mask", "masked_positions")
        }
        sequence = encoder(
            {k: inputs[k] for k in ("token_ids", "segment_ids", "padding_mask")}
        )
        policy = self.head_policy(encoder, dtype)
        logits = keras_hub.layers.MaskedLMHead(
            token_embedding=encoder.embeddings.token_embedding,
            intermediate_activation="gelu",
            layer_norm_epsilon=encoder.layer_norm_epsilon,
            kernel_initializer=truncated_normal(encoder.initializer_range),
            # The head's own policy is float32 even under a mixed one: keras-hub's
            # head adds its float32 bias without casting, and the loss and the
            # sampling take float32 logits. (The vocabulary projection itself
            # runs in the shared embeddings' compute dtype.)
            dtype=policy.variable_dtype,
            name="mlm_head",
        )(sequence, mask_positions=inputs["masked_positions"])
        super().__init__(inputs, logits, encoder, policy, **kwargs)
