"""The pre-training objective against transformers' PyTorch ELECTRA models.

The same weights (a pretrainer loaded from the random Hugging Face pair), the same
corrupted batch (ours: masks and Gumbel samples), no dropout: the MLM loss, the
discriminator loss, mlm + 50 x disc and the gradient of every variable must match
what PyTorch computes from `ElectraForMaskedLM` and `ElectraForPreTraining`. The shared
embeddings are one set of variables here and two copies there, so their gradient is
compared with the sum of the copies' gradients.
"""

import numpy as np
import pytest
import tensorflow as tf

from interop_helpers import import_parity
from keras_electra.interop import load_hf_pretrainer
from keras_electra.interop.hf_checkpoint import hf_name
from keras_electra.interop.weight_mapping import weight_slots


def torch_objective(hf_folders, outputs, batch, disc_weight):
    """(losses, {hf parameter name: gradient}) of the objective in PyTorch."""
    torch, transformers = import_parity()
    gen = transformers.ElectraForMaskedLM.from_pretrained(hf_folders["generator"]).eval()
    disc = transformers.ElectraForPreTraining.from_pretrained(
        hf_folders["discriminator"]).eval()
    as_long = lambda x: torch.tensor(np.asarray(x), dtype=torch.long)
    padding = as_long(batch["padding_mask"])
    common = dict(attention_mask=padding, token_type_ids=as_long(batch["segment_ids"]))

    logits = gen(input_ids=as_long(outputs["masked_token_ids"]), **common).logits
    positions = as_long(outputs["masked_positions"])
    slot_logits = torch.gather(logits, 1, positions[..., None].expand(-1, -1, logits.shape[-1]))
    weights = torch.tensor(np.asarray(outputs["masked_weights"]), dtype=torch.float32)
    per_slot = torch.nn.functional.cross_entropy(
        slot_logits.transpose(1, 2), as_long(outputs["masked_lm_ids"]), reduction="none")
    mlm = (per_slot * weights).sum() / weights.sum()

    disc_logits = disc(input_ids=as_long(outputs["disc_token_ids"]), **common).logits
    labels = torch.tensor(np.asarray(outputs["replaced"]), dtype=torch.float32)
    per_token = torch.nn.functional.binary_cross_entropy_with_logits(
        disc_logits, labels, reduction="none")
    disc_loss = (per_token * padding).sum() / padding.sum()
    total = mlm + disc_weight * disc_loss
    total.backward()

    grads = {}
    for prefix, model in (("discriminator", disc), ("generator", gen)):
        for name, param in model.named_parameters():
            key = name if name.startswith("electra.embeddings.") else f"{prefix}:{name}"
            grads[key] = grads.get(key, 0) + param.grad.numpy()
    losses = {"mlm_loss": mlm.item(), "disc_loss": disc_loss.item(), "loss": total.item(),
              "slot_logits": slot_logits.detach().numpy()}
    return losses, grads


def test_losses_and_gradients_equal_transformers(hf_folders, batch):
    import_parity()
    pretrainer = load_hf_pretrainer(
        hf_folders["discriminator"], hf_folders["generator"], seed=3)
    variables = pretrainer.trainable_variables
    with tf.GradientTape() as tape:
        outputs = pretrainer(batch, training=False)
        losses = pretrainer.objective_losses(outputs)
    grads = dict(zip((id(v) for v in variables), tape.gradient(losses["loss"], variables)))
    outputs = {k: v.numpy() for k, v in outputs.items()}
    assert outputs["replaced"].sum() > 0  # the batch has replacements to detect

    theirs, their_grads = torch_objective(
        hf_folders, outputs, batch, pretrainer.electra_config.disc_weight)
    np.testing.assert_allclose(outputs["mlm_logits"], theirs["slot_logits"], atol=1e-4)
    for name in ("mlm_loss", "disc_loss", "loss"):
        assert float(losses[name]) == pytest.approx(theirs[name], rel=1e-5), name

    compared = set()
    for role, model in (("discriminator", pretrainer.discriminator),
                        ("generator", pretrainer.generator)):
        for slot in weight_slots(model, role):
            name = hf_name(slot.name, role)
            key = name if name.startswith("electra.embeddings.") else f"{role}:{name}"
            ours = np.reshape(tf.convert_to_tensor(grads[id(slot.variable)]).numpy(),
                              slot.flat_shape)
            ours = ours.T if slot.is_kernel else ours
            # Relative to the variable's largest entry; the absolute floor is float32
            # noise on gradients that are zero in exact arithmetic (attention key bias).
            scale = np.abs(their_grads[key]).max()
            assert np.abs(ours - their_grads[key]).max() <= 1e-4 * scale + 1e-6, key
            compared.add(key)
    # Every PyTorch parameter with a gradient was compared, except the tied MLM
    # output matrix, which is the word embeddings themselves.
    assert set(their_grads) - compared <= {"generator:generator_lm_head.weight"}
