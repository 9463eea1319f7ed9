"""Random small Hugging Face ELECTRA models, saved once per test session."""

import numpy as np
import pytest

from interop_helpers import (
    DISCRIMINATOR,
    GENERATOR,
    VOCAB,
    hf_outputs,
    import_parity,
    randomize,
    write_vocab,
)


@pytest.fixture(scope="session")
def hf_models():
    """(discriminator, generator): ElectraForPreTraining and ElectraForMaskedLM.

    The generator gets the discriminator's embeddings, as after ELECTRA
    pre-training (one shared block), so the pair also makes a pretrainer.
    """
    torch, transformers = import_parity()
    discriminator = randomize(
        transformers.ElectraForPreTraining(transformers.ElectraConfig(**DISCRIMINATOR)), 1
    )
    generator = randomize(
        transformers.ElectraForMaskedLM(transformers.ElectraConfig(**GENERATOR)), 2
    )
    with torch.no_grad():
        source = discriminator.electra.embeddings.state_dict()
        generator.electra.embeddings.load_state_dict(source)
        generator.tie_weights()
    return discriminator, generator


@pytest.fixture(scope="session")
def hf_folders(hf_models, tmp_path_factory):
    """{'discriminator': folder, 'generator': folder}, each with vocab.txt."""
    folders = {}
    for role, model in zip(("discriminator", "generator"), hf_models):
        folder = str(tmp_path_factory.mktemp(f"hf_{role}"))
        model.save_pretrained(folder)
        write_vocab(folder)
        folders[role] = folder
    return folders


@pytest.fixture(scope="session")
def batch():
    """Random ids, two segments, and padding of different lengths."""
    rng = np.random.default_rng(0)
    size, length = 3, 16
    token_ids = rng.integers(5, len(VOCAB), (size, length)).astype("int32")
    segment_ids = np.zeros((size, length), "int32")
    segment_ids[:, 7:] = 1
    padding_mask = np.ones((size, length), "int32")
    padding_mask[1, 11:] = 0
    padding_mask[2, 5:] = 0
    token_ids[padding_mask == 0] = 0
    segment_ids[padding_mask == 0] = 0
    return {"token_ids": token_ids, "segment_ids": segment_ids, "padding_mask": padding_mask}


@pytest.fixture(scope="session")
def hf_reference(hf_models, batch):
    """{'discriminator': (logits, hidden), 'generator': (logits, hidden)}."""
    return {
        role: hf_outputs(model, batch)
        for role, model in zip(("discriminator", "generator"), hf_models)
    }
