"""Shapes, random initialization and output helpers of the interop tests.

Every parameter is drawn at random (LayerNorm scales around 1, biases non-zero):
transformers' own init leaves biases at 0 and LayerNorms at identity, which
would hide a transposed or misplaced bias.
"""

import os

import keras
import numpy as np
import pytest

from keras_electra.model_folder import mlm_logits_model
from keras_electra.models.electra_generator import ElectraGenerator

PARITY_EXTRA = "needs the `parity` extra (pip install 'keras-electra[parity]')"


def import_parity():
    """(torch, transformers), or skips the test saying which extra it needs."""
    return (
        pytest.importorskip("torch", reason=PARITY_EXTRA),
        pytest.importorskip("transformers", reason=PARITY_EXTRA),
    )

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"tok{i}" for i in range(123)]
SHARED = dict(
    vocab_size=len(VOCAB),
    embedding_size=24,
    num_hidden_layers=2,
    max_position_embeddings=40,
    type_vocab_size=2,
    hidden_dropout_prob=0.1,
    attention_probs_dropout_prob=0.1,
)
# The discriminator projects its 24-wide embeddings to 32; the generator is
# exactly 24 wide, so it has no projection: both encoder layouts are covered.
DISCRIMINATOR = dict(SHARED, hidden_size=32, num_attention_heads=4, intermediate_size=64)
GENERATOR = dict(SHARED, hidden_size=24, num_attention_heads=3, intermediate_size=48)
TOLERANCE = 1e-4


def randomize(model, seed):
    torch, _ = import_parity()
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in model.named_parameters():
            noise = torch.randn(param.shape, generator=generator)
            if "LayerNorm.weight" in name:
                param.copy_(1.0 + 0.2 * noise)
            else:
                param.copy_(0.2 * noise)
    return model.eval()


def write_vocab(folder):
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(VOCAB) + "\n")


def hf_outputs(model, batch):
    """(logits, hidden states) of a transformers model, as numpy float32."""
    torch, _ = import_parity()
    with torch.no_grad():
        out = model(
            input_ids=torch.tensor(batch["token_ids"], dtype=torch.long),
            token_type_ids=torch.tensor(batch["segment_ids"], dtype=torch.long),
            attention_mask=torch.tensor(batch["padding_mask"], dtype=torch.long),
            output_hidden_states=True,
        )
    return out.logits.numpy(), [h.numpy() for h in out.hidden_states]


def our_outputs(model, batch):
    """(logits, hidden states) of an ElectraDiscriminator or ElectraGenerator.

    Hidden states are, as in transformers, the encoder's input after the
    embedding projection and the output of every transformer layer.
    """
    encoder = model.encoder
    hidden_model = keras.Model(
        encoder.inputs, [layer.output for layer in encoder.hidden_state_layers()]
    )
    hidden = [keras.ops.convert_to_numpy(h) for h in hidden_model(batch)]
    if isinstance(model, ElectraGenerator):
        model = mlm_logits_model(model)
    return keras.ops.convert_to_numpy(model(batch)), hidden


def max_diffs(ours, theirs):
    """Max abs differences: logits first, then each hidden state."""
    (logits, hidden), (ref_logits, ref_hidden) = ours, theirs
    assert len(hidden) == len(ref_hidden)
    return [float(np.max(np.abs(logits - ref_logits)))] + [
        float(np.max(np.abs(a - b))) for a, b in zip(hidden, ref_hidden)
    ]
