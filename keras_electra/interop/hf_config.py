"""ElectraConfig <-> the config.json of Hugging Face ELECTRA folders.

A Hugging Face folder describes one model: `ElectraForPreTraining` (the
discriminator) or `ElectraForMaskedLM` (the generator), with that model's
sizes in `hidden_size` etc. Our `ElectraConfig` describes the pair, so:

- discriminator and generator folders together: the discriminator's sizes and
  the generator's as `generator_*` fields; the shared fields (vocabulary,
  embedding size, positions, segments, depth, LayerNorm epsilon) must agree.
- a discriminator folder alone: its sizes; the generator fields keep the
  paper's derivation (`generator_fraction` 1/4 of the width), which is what a
  fresh generator for continued pre-training would get.
- a generator folder alone: its sizes become *both* the generator fields and
  the discriminator fields (`generator_fraction` 1.0), so nothing is invented;
  `load_generator` on the converted folder builds exactly the imported model.

Special token ids come from vocab.txt when the folder has one ([PAD], [CLS],
[SEP], [MASK]), else config.json's `pad_token_id` and BERT's ids.
"""

import os

from keras_electra.config import ElectraConfig
from keras_electra.json_file import read_json_object

ARCHITECTURES = {"discriminator": "ElectraForPreTraining", "generator": "ElectraForMaskedLM"}
_SPECIAL_TOKENS = {
    "pad_token_id": "[PAD]",
    "cls_token_id": "[CLS]",
    "sep_token_id": "[SEP]",
    "mask_token_id": "[MASK]",
}
# Fields the generator and the discriminator of one ElectraConfig share.
_SHARED = (
    "vocab_size",
    "embedding_size",
    "max_position_embeddings",
    "type_vocab_size",
    "num_hidden_layers",
    "layer_norm_eps",
)
_DEFAULT_SEQ_LENGTH = 128


def read_hf_config(path):
    """The dict in `path`/config.json, checked to describe an ELECTRA we can build."""
    config_path = os.path.join(path, "config.json") if os.path.isdir(path) else path
    if not os.path.exists(config_path):
        raise ValueError(
            f"{path} is not a Hugging Face model folder: it has no config.json."
        )
    hf = read_json_object(config_path, "download or copy the model folder again")
    model_type = hf.get("model_type")
    if model_type != "electra":
        raise ValueError(
            f"{config_path} describes a {model_type!r} model, not ELECTRA "
            "(model_type must be 'electra'); keras-electra converts ELECTRA "
            "checkpoints only."
        )
    # "gelu" is the exact erf GELU in transformers, as in the original ELECTRA;
    # other activations would load without error and compute something else.
    if hf.get("hidden_act", "gelu") != "gelu":
        raise ValueError(
            f"{config_path} has hidden_act={hf['hidden_act']!r}; keras-electra's "
            "encoder uses the exact GELU of the original ELECTRA ('gelu') only."
        )
    if hf.get("position_embedding_type", "absolute") != "absolute":
        raise ValueError(
            f"{config_path} has position_embedding_type="
            f"{hf['position_embedding_type']!r}; only 'absolute' positions "
            "(the original ELECTRA's) are supported."
        )
    return hf


def hf_role(hf_config):
    """'discriminator', 'generator' or None, from config.json's `architectures`."""
    for role, architecture in ARCHITECTURES.items():
        if architecture in (hf_config.get("architectures") or ()):
            return role
    return None


def _hidden(hf):
    return {
        "hidden_size": hf["hidden_size"],
        "num_heads": hf["num_attention_heads"],
        "intermediate_size": hf["intermediate_size"],
    }


def special_token_ids(vocab_file, vocab_size, pad_token_id=None):
    """The special token ids of `vocab_file`, or BERT's if there is none."""
    if vocab_file is None or not os.path.exists(vocab_file):
        ids = {n: getattr(ElectraConfig, n) for n in _SPECIAL_TOKENS}
        if pad_token_id is not None:
            ids["pad_token_id"] = pad_token_id
        if all(0 <= i < vocab_size for i in ids.values()):
            return ids
        raise ValueError(
            f"The vocabulary has {vocab_size} ids, too few for BERT's special "
            f"token ids {ids}, and there is no vocab.txt to read them from; "
            "put the model's vocab.txt next to its weights."
        )
    with open(vocab_file, encoding="utf-8") as f:
        tokens = {line.rstrip("\n"): i for i, line in enumerate(f)}
    ids, missing = {}, []
    for field, token in _SPECIAL_TOKENS.items():
        if token in tokens:
            ids[field] = tokens[token]
        else:
            missing.append(token)
    if missing:
        raise ValueError(f"{vocab_file} has no {missing} token(s); ELECTRA needs them.")
    return ids


def electra_config_from_hf(discriminator=None, generator=None, vocab_file=None):
    """An `ElectraConfig` from the config.json dicts of one or both models.

    See the module docstring for how a single model's folder fills the other
    model's fields.

    Example:
    >>> config = electra_config_from_hf(read_hf_config("electra-small-discriminator"))
    """
    if discriminator is None and generator is None:
        raise ValueError("electra_config_from_hf needs a discriminator or a generator config.")
    if discriminator is not None and generator is not None:
        for field in _SHARED:
            if discriminator.get(field) != generator.get(field):
                raise ValueError(
                    f"The discriminator and the generator disagree on {field}: "
                    f"{discriminator.get(field)!r} vs {generator.get(field)!r}; "
                    "ELECTRA's pair shares it (keras-electra's generator has the "
                    "discriminator's depth and embeddings)."
                )
    main = discriminator if discriminator is not None else generator
    values = dict(
        vocab_size=main["vocab_size"],
        embedding_size=main.get("embedding_size", main["hidden_size"]),
        num_layers=main["num_hidden_layers"],
        max_position_embeddings=main["max_position_embeddings"],
        type_vocab_size=main.get("type_vocab_size", 2),
        # One dropout rate in ours; the original used 0.1 for both.
        dropout=main.get("hidden_dropout_prob", 0.1),
        layer_norm_epsilon=main.get("layer_norm_eps", 1e-12),
        initializer_range=main.get("initializer_range", 0.02),
        max_seq_length=min(_DEFAULT_SEQ_LENGTH, main["max_position_embeddings"]),
        **_hidden(main),
    )
    if generator is not None:
        gen = _hidden(generator)
        values.update({"generator_" + k: v for k, v in gen.items()})
        values["generator_fraction"] = gen["hidden_size"] / values["hidden_size"]
    values.update(special_token_ids(vocab_file, values["vocab_size"], main.get("pad_token_id")))
    try:
        return ElectraConfig(**values)
    except ValueError:
        if generator is not None:
            raise
        # A discriminator whose 1/4-width generator is not a valid shape (heads
        # not dividing the width): fall back to a generator of its own size.
        return ElectraConfig(**values, generator_fraction=1.0)


def hf_config_from_encoder(encoder, role, pad_token_id=0):
    """The config.json dict transformers needs to rebuild our `role` model."""
    return {
        "architectures": [ARCHITECTURES[role]],
        "model_type": "electra",
        "vocab_size": encoder.vocab_size,
        "embedding_size": encoder.embedding_size,
        "hidden_size": encoder.hidden_size,
        "num_hidden_layers": encoder.num_layers,
        "num_attention_heads": encoder.num_heads,
        "intermediate_size": encoder.intermediate_size,
        "hidden_act": "gelu",
        "hidden_dropout_prob": encoder.dropout,
        "attention_probs_dropout_prob": encoder.dropout,
        "max_position_embeddings": encoder.max_position_embeddings,
        "type_vocab_size": encoder.type_vocab_size,
        "initializer_range": encoder.initializer_range,
        "layer_norm_eps": encoder.layer_norm_epsilon,
        "pad_token_id": pad_token_id,
        "position_embedding_type": "absolute",
        "tie_word_embeddings": True,
        "torch_dtype": "float32",
    }
