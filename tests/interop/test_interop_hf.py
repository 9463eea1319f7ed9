"""Hugging Face folders in and out, against transformers' PyTorch ELECTRA."""

import os

import numpy as np
import pytest

from interop_helpers import PARITY_EXTRA, TOLERANCE, hf_outputs, max_diffs, our_outputs

torch = pytest.importorskip("torch", reason=PARITY_EXTRA)
transformers = pytest.importorskip("transformers", reason=PARITY_EXTRA)
from keras_electra.interop import (
    export_hf,
    hf_electra_config,
    load_hf_discriminator,
    load_hf_generator,
    load_hf_pretrainer,
)
from keras_electra.model_folder import mlm_logits_model

AUTO = {"discriminator": "ElectraForPreTraining", "generator": "ElectraForMaskedLM"}
LOADERS = {"discriminator": load_hf_discriminator, "generator": load_hf_generator}


@pytest.fixture(scope="module")
def loaded(hf_folders):
    return {role: LOADERS[role](hf_folders[role]) for role in LOADERS}


# Pad positions are compared too: keras-hub and transformers both mask padded
# *keys* only, so the rows of padded queries are computed the same way in both
# (checked: they agree as closely as the real tokens).
@pytest.mark.parametrize("role", ["discriminator", "generator"])
def test_hf_weights_give_transformers_outputs(role, loaded, batch, hf_reference):
    diffs = max_diffs(our_outputs(loaded[role], batch), hf_reference[role])
    assert max(diffs) < TOLERANCE, diffs


def test_config_is_read_from_the_folders(hf_folders):
    config = hf_electra_config(hf_folders["discriminator"], hf_folders["generator"])
    assert (config.hidden_size, config.num_heads, config.intermediate_size) == (32, 4, 64)
    assert (config.generator_hidden_size, config.generator_num_heads) == (24, 3)
    assert config.generator_intermediate_size == 48
    assert (config.embedding_size, config.num_layers, config.vocab_size) == (24, 2, 128)
    # Special ids come from vocab.txt, not BERT's defaults.
    assert (config.pad_token_id, config.cls_token_id, config.sep_token_id) == (0, 2, 3)
    assert config.mask_token_id == 4


def test_generator_folder_alone_sizes_both_models(hf_folders):
    config = hf_electra_config(generator_path=hf_folders["generator"])
    assert config.hidden_size == config.generator_hidden_size == 24
    assert config.num_heads == config.generator_num_heads == 3
    assert config.generator_fraction == 1.0


@pytest.mark.parametrize("role", ["discriminator", "generator"])
def test_export_loads_in_transformers_with_same_outputs(
    role, loaded, hf_folders, batch, hf_reference, tmp_path
):
    config = hf_electra_config(**{f"{role}_path": hf_folders[role]})
    vocab = os.path.join(hf_folders[role], "vocab.txt")
    model = loaded[role] if role == "discriminator" else mlm_logits_model(loaded[role])
    export_hf(model, str(tmp_path), config=config, vocab_file=vocab)
    assert sorted(os.listdir(tmp_path)) == ["config.json", "model.safetensors", "vocab.txt"]
    reloaded = getattr(transformers, AUTO[role]).from_pretrained(str(tmp_path)).eval()
    diffs = max_diffs(hf_outputs(reloaded, batch), hf_reference[role])
    assert max(diffs) < TOLERANCE, diffs
    # And the exported folder comes back into ours unchanged.
    again = LOADERS[role](str(tmp_path))
    for a, b in zip(again.weights, loaded[role].weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_pytorch_bin_is_read_without_unpickling_code(hf_models, batch, hf_reference, tmp_path):
    generator = hf_models[1]
    generator.config.save_pretrained(str(tmp_path))
    # The state dict holds the tied output matrix under its own name too, as
    # pytorch_model.bin files of older transformers do.
    torch.save(generator.state_dict(), os.path.join(tmp_path, "pytorch_model.bin"))
    model = load_hf_generator(str(tmp_path), config=None)
    diffs = max_diffs(our_outputs(model, batch), hf_reference["generator"])
    assert max(diffs) < TOLERANCE, diffs


def test_pair_makes_a_pretrainer_with_shared_embeddings(hf_folders, batch, hf_reference):
    pretrainer = load_hf_pretrainer(hf_folders["discriminator"], hf_folders["generator"], seed=0)
    assert pretrainer.discriminator.encoder.embeddings is pretrainer.generator.encoder.embeddings
    for role in ("discriminator", "generator"):
        diffs = max_diffs(our_outputs(getattr(pretrainer, role), batch), hf_reference[role])
        assert max(diffs) < TOLERANCE, (role, diffs)
