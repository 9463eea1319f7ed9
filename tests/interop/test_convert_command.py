"""`keras-electra convert`: folders that load_discriminator/generator/pretrainer accept."""

import os

import numpy as np
import pytest

from interop_helpers import PARITY_EXTRA, TOLERANCE, max_diffs, our_outputs, write_vocab
import keras_electra
from keras_electra import cli
from keras_electra.model_folder import load_config

pytest.importorskip("torch", reason=PARITY_EXTRA)


def run_convert(argv):
    """Runs `keras-electra convert ...` through the real dispatcher; the exit code."""
    return cli.main(["convert"] + argv)


@pytest.mark.parametrize("role", ["discriminator", "generator"])
def test_hf_single_folder(role, hf_folders, batch, hf_reference, tmp_path):
    out = str(tmp_path / "model")
    assert run_convert(["--from", "hf", "--input", hf_folders[role], "--output", out]) == 0
    files = {
        # The discriminator's backbone and tokenizer make the folder a keras-hub preset.
        "discriminator": ["assets", "config.json", "discriminator_head.weights.h5",
                          "electra_config.json", "metadata.json", "model.weights.h5",
                          "tokenizer.json", "vocab.txt"],
        "generator": ["assets", "electra_config.json", "generator.weights.h5",
                      "tokenizer.json", "vocab.txt"],
    }
    assert sorted(os.listdir(out)) == files[role]
    loader = {"discriminator": keras_electra.load_discriminator, "generator": keras_electra.load_generator}
    model = loader[role](out)
    if role == "generator":
        model = model.get_layer("generator")  # the MLM-everywhere wrapper's inner model
    diffs = max_diffs(our_outputs(model, batch), hf_reference[role])
    assert max(diffs) < TOLERANCE, diffs


def test_hf_pair_restores_a_pretrainer(hf_folders, batch, hf_reference, tmp_path):
    out = str(tmp_path / "model")
    assert run_convert([
        "--from", "hf", "--input", hf_folders["generator"],
        "--input", hf_folders["discriminator"], "--output", out,
    ]) == 0
    pretrainer = keras_electra.load_pretrainer(out, seed=0)
    for role in ("discriminator", "generator"):
        diffs = max_diffs(our_outputs(getattr(pretrainer, role), batch), hf_reference[role])
        assert max(diffs) < TOLERANCE, (role, diffs)
    logits = keras_electra.load_generator(out)(batch)
    assert tuple(logits.shape) == batch["token_ids"].shape + (128,)


def test_hf_part_both_needs_both_folders(hf_folders, tmp_path, capsys):
    code = run_convert([
        "--from", "hf", "--input", hf_folders["discriminator"], "--part", "both",
        "--output", str(tmp_path / "model"),
    ])
    assert code == 2
    assert "--part both needs a generator folder" in capsys.readouterr().err
    assert not os.path.exists(tmp_path / "model")


def test_tf1_both_with_config(hf_models, hf_folders, batch, hf_reference, tmp_path):
    from test_interop_tf1 import save_tf1_checkpoint, tf1_variables
    from keras_electra.interop import hf_electra_config

    checkpoint = str(tmp_path / "electra_tiny")
    os.makedirs(checkpoint)
    save_tf1_checkpoint(tf1_variables(hf_models), checkpoint)
    write_vocab(checkpoint)
    config_path = str(tmp_path / "config.json")
    config = hf_electra_config(hf_folders["discriminator"], hf_folders["generator"])
    config.to_json(config_path)
    out = str(tmp_path / "model")
    assert run_convert(["--from", "tf1", "--input", checkpoint, "--config", config_path, "--output", out]) == 0
    assert load_config(out) == config
    assert os.path.exists(os.path.join(out, "vocab.txt"))
    pretrainer = keras_electra.load_pretrainer(out, seed=0)
    for role in ("discriminator", "generator"):
        diffs = max_diffs(our_outputs(getattr(pretrainer, role), batch), hf_reference[role])
        assert max(diffs) < TOLERANCE, (role, diffs)


def test_convert_hf_from_python_writes_a_preset(hf_folders, batch, hf_reference, tmp_path):
    from keras_electra import ElectraBackbone
    from keras_electra.interop import convert_hf

    out = str(tmp_path / "model")
    assert convert_hf([hf_folders["generator"], hf_folders["discriminator"]], out) == (
        "discriminator", "generator")
    discriminator = keras_electra.load_discriminator(out)
    diffs = max_diffs(our_outputs(discriminator, batch), hf_reference["discriminator"])
    assert max(diffs) < TOLERANCE, diffs
    features = {k: v for k, v in batch.items() if k != "masked_positions"}
    np.testing.assert_array_equal(np.asarray(ElectraBackbone.from_preset(out)(features)),
                                  np.asarray(discriminator.encoder(features)))
    with pytest.raises(ValueError, match="`part` generator needs a generator folder"):
        convert_hf(hf_folders["discriminator"], str(tmp_path / "other"), part="generator")
