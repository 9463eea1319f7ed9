"""Bad input: each error names the tensor and both shapes, or the mismatch; no partial load."""

import json
import os
import shutil

import numpy as np
import pytest

from interop_helpers import PARITY_EXTRA, write_vocab
from keras_electra.interop import load_hf_discriminator, load_hf_generator, load_tf1_checkpoint
from keras_electra.interop import hf_checkpoint, weight_mapping

torch = pytest.importorskip("torch", reason=PARITY_EXTRA)
transformers = pytest.importorskip("transformers", reason=PARITY_EXTRA)
from safetensors.numpy import load_file, save_file  # noqa: E402  (after the skip)

def copy_folder(folder, tmp_path):
    target = str(tmp_path / "copy")
    shutil.copytree(folder, target)
    return target


def edit_tensors(folder, edit):
    path = os.path.join(folder, "model.safetensors")
    tensors = load_file(path)
    edit(tensors)
    save_file(tensors, path, metadata={"format": "pt"})


def edit_config(folder, **changes):
    path = os.path.join(folder, "config.json")
    with open(path) as f:
        config = json.load(f)
    config.update(changes)
    with open(path, "w") as f:
        json.dump(config, f)


@pytest.fixture(scope="module")
def bert_folder(tmp_path_factory):
    config = transformers.BertConfig(
        vocab_size=128, hidden_size=32, num_hidden_layers=1, num_attention_heads=4,
        intermediate_size=64, max_position_embeddings=40,
    )
    folder = str(tmp_path_factory.mktemp("bert"))
    transformers.BertForPreTraining(config).save_pretrained(folder)
    write_vocab(folder)
    return folder


def test_bert_folder_is_refused(bert_folder):
    with pytest.raises(ValueError, match=r"describes a 'bert' model, not ELECTRA"):
        load_hf_discriminator(bert_folder)


def test_bert_weights_under_an_electra_config_name_every_mismatch(bert_folder, tmp_path):
    folder = copy_folder(bert_folder, tmp_path)
    edit_config(folder, model_type="electra", architectures=["ElectraForPreTraining"],
                embedding_size=32)
    with pytest.raises(ValueError) as error:
        load_hf_discriminator(folder)
    message = str(error.value)
    assert "missing tensor 'electra.embeddings.word_embeddings.weight'" in message
    assert "unexpected tensor 'bert.embeddings.word_embeddings.weight'" in message
    assert "Nothing was loaded" in message


def test_hidden_size_other_than_the_config_says(hf_folders, tmp_path):
    folder = copy_folder(hf_folders["discriminator"], tmp_path)
    edit_config(folder, hidden_size=48, intermediate_size=64)
    with pytest.raises(ValueError) as error:
        load_hf_discriminator(folder)
    assert (
        "tensor 'electra.embeddings_project.weight' has shape (32, 24) in the "
        "checkpoint but the model expects (48, 24)"
    ) in str(error.value)


def test_missing_tensor(hf_folders, tmp_path):
    folder = copy_folder(hf_folders["discriminator"], tmp_path)
    edit_tensors(folder, lambda t: t.pop("discriminator_predictions.dense_prediction.bias"))
    with pytest.raises(ValueError, match=r"missing tensor 'discriminator_predictions\.dense_prediction\.bias' \(expected shape \(1,\)\)"):
        load_hf_discriminator(folder)


def test_shape_mismatch(hf_folders, tmp_path):
    folder = copy_folder(hf_folders["generator"], tmp_path)
    edit_tensors(folder, lambda t: t.update({"generator_lm_head.bias": np.zeros(100, "float32")}))
    with pytest.raises(ValueError, match=r"tensor 'generator_lm_head\.bias' has shape \(100,\) in the checkpoint but the model expects \(128,\)"):
        load_hf_generator(folder)


def test_generator_folder_where_a_discriminator_is_expected(hf_folders):
    with pytest.raises(ValueError, match=r"holds an ELECTRA generator \(ElectraForMaskedLM\), but a discriminator was expected"):
        load_hf_discriminator(hf_folders["generator"])
    with pytest.raises(ValueError, match=r"holds an ELECTRA discriminator"):
        load_hf_generator(hf_folders["discriminator"])


def test_other_activation_is_refused(hf_folders, tmp_path):
    folder = copy_folder(hf_folders["discriminator"], tmp_path)
    edit_config(folder, hidden_act="gelu_new")
    with pytest.raises(ValueError, match=r"hidden_act='gelu_new'"):
        load_hf_discriminator(folder)


def test_a_failed_load_assigns_nothing(hf_folders):
    model = load_hf_discriminator(hf_folders["discriminator"])
    before = [w.numpy().copy() for w in model.weights]
    tensors = hf_checkpoint.read_hf_tensors(hf_folders["discriminator"])
    slots = weight_mapping.weight_slots(model, "discriminator")
    expected = {hf_checkpoint.hf_name(s.name, "discriminator"): (s, s.is_kernel) for s in slots}
    # Every tensor but the last is good, and would be assigned by a loader
    # that assigned as it went.
    tensors = {n: np.zeros_like(t) for n, t in tensors.items()}
    last = list(expected)[-1]
    tensors[last] = np.zeros((7,), "float32")
    with pytest.raises(ValueError, match=last.replace(".", r"\.")):
        weight_mapping.match_tensors(expected, {n: t.shape for n, t in tensors.items()},
                                     tensors.__getitem__, "test")
    for w, b in zip(model.weights, before):
        np.testing.assert_array_equal(w.numpy(), b)


def test_tf1_bert_checkpoint_is_refused(tmp_path):
    from test_interop_tf1 import save_tf1_checkpoint

    save_tf1_checkpoint(
        {"bert/embeddings/word_embeddings": np.zeros((8, 4), "float32"),
         "cls/predictions/output_bias": np.zeros((8,), "float32")},
        str(tmp_path), optimizer_slots=False,
    )
    with pytest.raises(ValueError, match=r"not an ELECTRA pre-training checkpoint.*a BERT checkpoint"):
        load_tf1_checkpoint(str(tmp_path))


def test_tf1_missing_and_misshapen_tensors(hf_models, hf_folders, tmp_path):
    from test_interop_tf1 import save_tf1_checkpoint, tf1_variables
    from keras_electra.interop import hf_electra_config

    variables = tf1_variables(hf_models)
    del variables["generator_predictions/LayerNorm/beta"]
    variables["electra/encoder/layer_0/output/dense/kernel"] = np.zeros((64, 30), "float32")
    save_tf1_checkpoint(variables, str(tmp_path), optimizer_slots=False)
    config = hf_electra_config(hf_folders["discriminator"], hf_folders["generator"])
    with pytest.raises(ValueError) as error:
        load_tf1_checkpoint(str(tmp_path), config=config)
    message = str(error.value)
    assert "missing tensor 'generator_predictions/LayerNorm/beta' (expected shape (24,))" in message
    assert ("tensor 'electra/encoder/layer_0/output/dense/kernel' has shape (64, 30) in the "
            "checkpoint but the model expects (64, 32)") in message
