"""Hugging Face ELECTRA folders: load them into our models, export ours back.

A folder is config.json plus model.safetensors (or its sharded form), or
pytorch_model.bin from older transformers. `ElectraForPreTraining` folders
hold a discriminator, `ElectraForMaskedLM` folders a generator (the
google/electra-*-discriminator and -generator repositories).

Safetensors are read with `safetensors.numpy`, which needs no PyTorch. A
pytorch_model.bin is a pickle, so it is read only through
`torch.load(weights_only=True)`, which refuses anything but tensors; that
needs torch installed (`pip install keras-electra[parity]`).

Example:
>>> discriminator = load_hf_discriminator("electra-small-discriminator")
>>> export_hf(discriminator, "exported", config=hf_electra_config("electra-small-discriminator"))
"""

import json
import os
import re
import shutil

import numpy as np

from keras_electra.errors import naming_path
from keras_electra.interop import weight_mapping
from keras_electra.interop.hf_config import (
    ARCHITECTURES,
    electra_config_from_hf,
    hf_config_from_encoder,
    hf_role,
    read_hf_config,
)
from keras_electra.models.electra_discriminator import ElectraDiscriminator
from keras_electra.models.electra_backbone import ElectraEncoder
from keras_electra.models.electra_generator import ElectraGenerator
from keras_electra.models.electra_pretrainer import ElectraPretrainer

SAFETENSORS = "model.safetensors"
SAFETENSORS_INDEX = "model.safetensors.index.json"
PYTORCH_BIN = "pytorch_model.bin"
VOCAB = "vocab.txt"
# transformers ties the generator's output matrix to the word embeddings and
# saves it at most once; old files may hold a copy under this name.
_TIED_OUTPUT = "generator_lm_head.weight"
_WORD_EMBEDDINGS = "electra.embeddings.word_embeddings.weight"
# Non-trainable buffers older transformers versions wrote into the file.
_BUFFERS = ("electra.embeddings.position_ids", "electra.embeddings.token_type_ids")


def hf_name(tf1_name, role):
    """The transformers parameter name of an original (TF1) ELECTRA variable.

    transformers' ELECTRA names its modules after the original's scopes; the
    generator's folder puts the generator's encoder under `electra.` and keeps
    the shared embeddings there too.
    """
    name = tf1_name
    if role == "generator":
        name = re.sub(r"^generator/", "electra/", name)
        name = name.replace("generator_predictions/output_bias", "generator_lm_head/bias")
    name = name.replace("discriminator_predictions/dense_1/", "discriminator_predictions/dense_prediction/")
    name = re.sub(r"/layer_(\d+)/", r"/layer/\1/", name)
    parts = name.split("/")
    leaf = {"kernel": "weight", "gamma": "weight", "beta": "bias"}.get(parts[-1])
    if leaf:
        parts[-1] = leaf
    elif parts[-1].endswith("_embeddings"):
        parts.append("weight")
    return ".".join(parts)


def read_hf_tensors(path):
    """Every tensor of the HF folder `path` as float32 numpy arrays, by name."""
    if os.path.exists(os.path.join(path, SAFETENSORS)):
        files = [SAFETENSORS]
    elif os.path.exists(os.path.join(path, SAFETENSORS_INDEX)):
        index = os.path.join(path, SAFETENSORS_INDEX)
        with naming_path(index, "safetensors index"), open(index) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    elif os.path.exists(os.path.join(path, PYTORCH_BIN)):
        return _read_pytorch_bin(os.path.join(path, PYTORCH_BIN))
    else:
        raise ValueError(
            f"{path} holds no weights: expected {SAFETENSORS}, {SAFETENSORS_INDEX} "
            f"or {PYTORCH_BIN}."
        )
    from safetensors.numpy import load_file

    tensors = {}
    for filename in files:
        with naming_path(os.path.join(path, filename), "safetensors file"):
            tensors.update(load_file(os.path.join(path, filename)))
    return tensors


def _read_pytorch_bin(filename):
    try:
        import torch
    except ImportError:
        raise ValueError(
            f"{filename} is a PyTorch pickle; reading it safely needs torch "
            "(pip install 'keras-electra[parity]'), or convert the folder to "
            "model.safetensors first."
        ) from None
    # weights_only refuses to unpickle anything but tensors and plain containers.
    with naming_path(filename, "PyTorch weights file"):
        state = torch.load(filename, map_location="cpu", weights_only=True)
    return {name: t.detach().float().numpy() for name, t in state.items()}


def _folder_role(hf_config, tensors):
    """What the folder holds, from its tensors first and its config second."""
    has = lambda prefix: any(n.startswith(prefix) for n in tensors)
    if has("discriminator_predictions.") and not has("generator_predictions."):
        return "discriminator"
    if has("generator_predictions.") and not has("discriminator_predictions."):
        return "generator"
    return hf_role(hf_config)


def _neither(path, hf_config):
    return ValueError(
        f"{path} holds neither an ELECTRA discriminator (ElectraForPreTraining) "
        "nor a generator (ElectraForMaskedLM) (architectures="
        f"{hf_config.get('architectures')}); convert the pre-training "
        "checkpoint, not a bare or fine-tuned model."
    )


def folder_role(path, hf_config=None):
    """'discriminator' or 'generator': what the HF folder `path` holds."""
    hf_config = hf_config or read_hf_config(path)
    role = hf_role(hf_config) or _folder_role(hf_config, read_hf_tensors(path))
    if role is None:
        raise _neither(path, hf_config)
    return role


def _check_role(path, hf_config, tensors, role):
    found = _folder_role(hf_config, tensors)
    if found == role:
        return
    if found is None:
        raise _neither(path, hf_config)
    raise ValueError(
        f"{path} holds an ELECTRA {found} ({ARCHITECTURES[found]}), but a "
        f"{role} was expected; load it as a {found} (--part {found})."
    )


def vocab_file(path):
    vocab = os.path.join(path, VOCAB)
    return vocab if os.path.exists(vocab) else None


def _expected(slots, role):
    return {hf_name(s.name, role): (s, s.is_kernel) for s in slots}


def _match(model, role, tensors, path):
    """Checks `tensors` against `model` and returns the values to assign."""
    if _TIED_OUTPUT in tensors and _WORD_EMBEDDINGS in tensors:
        if not np.array_equal(tensors[_TIED_OUTPUT], tensors[_WORD_EMBEDDINGS]):
            raise ValueError(
                f"{path}: {_TIED_OUTPUT} differs from {_WORD_EMBEDDINGS}; ELECTRA's "
                "generator ties its output matrix to the word embeddings, and "
                "keras-electra cannot load an untied one."
            )
    slots = weight_mapping.weight_slots(model, role)
    ignore = lambda name: name == _TIED_OUTPUT or name in _BUFFERS
    return weight_mapping.match_tensors(
        _expected(slots, role),
        {n: t.shape for n, t in tensors.items()},
        tensors.__getitem__,
        f"the Hugging Face {role} in {path}",
        ignore,
    )


def hf_electra_config(discriminator_path=None, generator_path=None):
    """The `ElectraConfig` of one HF folder, or of a discriminator/generator pair."""
    hf = {}
    for role, path in (("discriminator", discriminator_path), ("generator", generator_path)):
        if path is not None:
            hf[role] = read_hf_config(path)
    vocab = vocab_file(discriminator_path or generator_path)
    return electra_config_from_hf(hf.get("discriminator"), hf.get("generator"), vocab)


def _load(path, role, config):
    hf = read_hf_config(path)
    tensors = read_hf_tensors(path)
    _check_role(path, hf, tensors, role)
    if config is None:
        config = electra_config_from_hf(**{role: hf}, vocab_file=vocab_file(path))
    encoder = ElectraEncoder.from_electra_config(config, role)
    model_class = ElectraDiscriminator if role == "discriminator" else ElectraGenerator
    model = model_class(encoder, name=role)
    weight_mapping.assign(_match(model, role, tensors, path))
    return model


def load_hf_discriminator(path, config=None):
    """An `ElectraDiscriminator` with the weights of an `ElectraForPreTraining` folder.

    Args:
        path: a Hugging Face folder (config.json and weights).
        config: an `ElectraConfig` to build with; read from config.json if None.

    Raises:
        ValueError naming each missing, misshapen or unexpected tensor (with
        both shapes), or the mismatch (a generator, a BERT model); nothing is
        loaded then.
    """
    return _load(path, "discriminator", config)


def load_hf_generator(path, config=None):
    """An `ElectraGenerator` with the weights of an `ElectraForMaskedLM` folder.

    Wrap it with `keras_electra.model_folder.mlm_logits_model` for MLM logits at
    every position. Args and errors as `load_hf_discriminator`.
    """
    return _load(path, "generator", config)


def load_hf_pretrainer(discriminator_path, generator_path, config=None, seed=None):
    """An `ElectraPretrainer` from a discriminator folder and a generator folder.

    ELECTRA trains both over one embedding block, so the two folders must hold
    identical embeddings (the released pairs do: both were converted from one
    checkpoint); otherwise ValueError, as the models were not trained together.
    """
    hf_disc, hf_gen = read_hf_config(discriminator_path), read_hf_config(generator_path)
    disc_tensors = read_hf_tensors(discriminator_path)
    gen_tensors = read_hf_tensors(generator_path)
    _check_role(discriminator_path, hf_disc, disc_tensors, "discriminator")
    _check_role(generator_path, hf_gen, gen_tensors, "generator")
    if config is None:
        config = electra_config_from_hf(hf_disc, hf_gen, vocab_file(discriminator_path))
    pretrainer = ElectraPretrainer(config, seed=seed)
    disc_values = _match(pretrainer.discriminator, "discriminator", disc_tensors, discriminator_path)
    gen_values = _match(pretrainer.generator, "generator", gen_tensors, generator_path)
    shared = {id(s.variable): (s, v) for s, v in disc_values if s.is_embedding}
    for slot, value in gen_values:
        if slot.is_embedding and not np.array_equal(shared[id(slot.variable)][1], value):
            raise ValueError(
                f"The embeddings of {generator_path} and {discriminator_path} differ "
                f"(first at {hf_name(slot.name, 'generator')}); ELECTRA's generator "
                "and discriminator share them, so these were not trained together. "
                "Convert one of them alone."
            )
    weight_mapping.assign(gen_values + disc_values)
    return pretrainer


def export_hf(model, path, config=None, vocab_file=None):
    """Writes `model` as a Hugging Face folder: config.json + model.safetensors.

    A discriminator becomes an `ElectraForPreTraining` folder, a generator an
    `ElectraForMaskedLM` one; `transformers.AutoModelForPreTraining` or
    `AutoModelForMaskedLM` loads it.

    Args:
        model: an `ElectraDiscriminator`, an `ElectraGenerator`, or the model
            `keras_electra.load_generator` returns.
        path: the folder to write (created if needed).
        config: the `ElectraConfig`, for `pad_token_id`; sizes come from the model.
        vocab_file: copied into the folder as vocab.txt when given.
    """
    from safetensors.numpy import save_file

    role, model = weight_mapping.model_role(model)
    tensors = {}
    for slot in weight_mapping.weight_slots(model, role):
        value = slot.from_keras()
        value = value.T if slot.is_kernel else value
        tensors[hf_name(slot.name, role)] = np.ascontiguousarray(value, dtype=np.float32)
    os.makedirs(path, exist_ok=True)
    # transformers refuses safetensors files without this format tag.
    save_file(tensors, os.path.join(path, SAFETENSORS), metadata={"format": "pt"})
    pad = config.pad_token_id if config is not None else 0
    with open(os.path.join(path, "config.json"), "w") as f:
        json.dump(hf_config_from_encoder(model.encoder, role, pad), f, indent=2, sort_keys=True)
        f.write("\n")
    if vocab_file is not None:
        shutil.copyfile(vocab_file, os.path.join(path, VOCAB))
    return path
