"""Google's original ELECTRA checkpoints (TF1, e.g. electra_small.zip).

A checkpoint (model.ckpt-N.index + data) holds the discriminator under
`electra/`, the generator under `generator/`, their heads under
`discriminator_predictions/` and `generator_predictions/`, one embedding block
under `electra/embeddings/` that both models share, plus the optimizer's state
(`.../adam_m`, `.../adam_v`, `global_step`), which is ignored.

It is read with `tf.train.load_checkpoint`, a reader of the file format, so no
TF1 graph code runs. The released archives ship no config: the sizes are read
from the tensor shapes, and the number of attention heads, which shapes cannot
tell, follows the original's rule of 64-wide heads (`hidden_size // 64`,
at least 1) unless an `ElectraConfig` is given.

Example:
>>> pretrainer = load_tf1_checkpoint("electra_small", part="both")
"""

import os
import re

import tensorflow as tf

from keras_electra.errors import naming_path
from keras_electra.interop import weight_mapping
from keras_electra.interop.hf_config import electra_config_from_hf
from keras_electra.models.electra_discriminator import ElectraDiscriminator
from keras_electra.models.electra_backbone import ElectraEncoder
from keras_electra.models.electra_generator import ElectraGenerator
from keras_electra.models.electra_pretrainer import ElectraPretrainer

PARTS = ("discriminator", "generator", "both")
VOCAB = "vocab.txt"
_WORD_EMBEDDINGS = "electra/embeddings/word_embeddings"
# The original's heads are 64 wide in every released size (small, base, large
# and their generators), the rule its run_pretraining.py applies to generators.
_HEAD_SIZE = 64
_OPTIMIZER_STATE = re.compile(r"(^|/)(global_step|temperature)$|/(adam_m|adam_v|Adam|Adam_1)$")
_OTHER_PARTS = {
    "discriminator": re.compile(r"^(generator|generator_predictions)/"),
    "generator": re.compile(r"^(electra/(?!embeddings/)|discriminator_predictions/)"),
    "both": re.compile(r"^$"),
}


def checkpoint_prefix(path):
    """The checkpoint prefix (model.ckpt-N) for a prefix or a folder holding one."""
    if tf.io.gfile.isdir(path):
        prefix = tf.train.latest_checkpoint(path)
        if prefix is None:
            indexes = sorted(tf.io.gfile.glob(os.path.join(path, "*.index")))
            if len(indexes) != 1:
                raise ValueError(
                    f"{path} holds {len(indexes)} TF checkpoints (*.index files) "
                    "and no `checkpoint` file saying which is the latest; pass the "
                    "prefix, e.g. .../model.ckpt-1000000."
                )
            prefix = indexes[0][: -len(".index")]
        return prefix
    if not tf.io.gfile.exists(path + ".index"):
        raise ValueError(
            f"{path} is neither a folder nor a TF checkpoint prefix ({path}.index "
            "does not exist)."
        )
    return path


def tf1_vocab_file(path):
    """vocab.txt next to the checkpoint (the released archives ship one), or None."""
    folder = path if tf.io.gfile.isdir(path) else os.path.dirname(path)
    vocab = os.path.join(folder, VOCAB)
    return vocab if tf.io.gfile.exists(vocab) else None


def _read_shapes(prefix):
    with naming_path(prefix, "TF checkpoint", "download or copy it again"):
        reader = tf.train.load_checkpoint(prefix)
        shapes = reader.get_variable_to_shape_map()
    if _WORD_EMBEDDINGS not in shapes:
        scopes = sorted({name.split("/")[0] for name in shapes})
        raise ValueError(
            f"{prefix} is not an ELECTRA pre-training checkpoint: it has no "
            f"{_WORD_EMBEDDINGS}; its top-level scopes are {scopes[:10]}"
            + (" (a BERT checkpoint?)" if "bert" in scopes else "")
            + "."
        )
    return reader, shapes


def _model_shape(shapes, scope):
    """The config.json-style sizes of the encoder under `scope`, or None."""
    layers = {
        int(m.group(1))
        for name in shapes
        if (m := re.match(rf"^{scope}/encoder/layer_(\d+)/", name))
    }
    query = f"{scope}/encoder/layer_0/attention/self/query/kernel"
    intermediate = f"{scope}/encoder/layer_0/intermediate/dense/kernel"
    if not layers or query not in shapes or intermediate not in shapes:
        return None
    vocab_size, embedding_size = shapes[_WORD_EMBEDDINGS]
    hidden = shapes[query][1]
    return {
        "vocab_size": vocab_size,
        "embedding_size": embedding_size,
        "hidden_size": hidden,
        "num_hidden_layers": max(layers) + 1,
        "num_attention_heads": max(1, hidden // _HEAD_SIZE),
        "intermediate_size": shapes[intermediate][1],
        "max_position_embeddings": shapes["electra/embeddings/position_embeddings"][0],
        "type_vocab_size": shapes["electra/embeddings/token_type_embeddings"][0],
    }


def tf1_electra_config(path, vocab_file=None):
    """The `ElectraConfig` read from a TF1 checkpoint's tensor shapes.

    Filled from one model alone as `electra_config_from_hf` does when the
    checkpoint holds only the discriminator or only the generator.
    """
    _, shapes = _read_shapes(checkpoint_prefix(path))
    discriminator = _model_shape(shapes, "electra")
    generator = _model_shape(shapes, "generator")
    if discriminator is None and generator is None:
        raise ValueError(f"{path} holds no ELECTRA encoder layers (electra/encoder/layer_0/...).")
    return electra_config_from_hf(discriminator, generator, vocab_file or tf1_vocab_file(path))


def _default_part(shapes):
    has_generator = any(n.startswith("generator/encoder/") for n in shapes)
    has_discriminator = any(n.startswith("electra/encoder/") for n in shapes)
    if has_generator and has_discriminator:
        return "both"
    return "generator" if has_generator else "discriminator"


def load_tf1_checkpoint(path, part=None, config=None, seed=None):
    """Original ELECTRA weights as our models.

    Args:
        path: a checkpoint prefix (.../model.ckpt-1000000) or its folder.
        part: "discriminator" -> `ElectraDiscriminator`, "generator" ->
            `ElectraGenerator`, "both" -> `ElectraPretrainer` (one shared
            embedding block, as in the original). Default: "both" when the
            checkpoint holds both models.
        config: an `ElectraConfig`; read from the tensor shapes if None.
        seed: the pretrainer's seed (part "both").

    Raises:
        ValueError naming each missing, misshapen or unexpected tensor with
        both shapes, or what the checkpoint is instead; nothing is loaded then.
    """
    prefix = checkpoint_prefix(path)
    reader, shapes = _read_shapes(prefix)
    part = part or _default_part(shapes)
    if part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}, got {part!r}.")
    config = config or tf1_electra_config(path)
    if part == "both":
        model = ElectraPretrainer(config, seed=seed)
        slots = weight_mapping.weight_slots(model.discriminator, "discriminator")
        slots += weight_mapping.weight_slots(model.generator, "generator", include_embeddings=False)
    else:
        model_class = ElectraDiscriminator if part == "discriminator" else ElectraGenerator
        model = model_class(ElectraEncoder.from_electra_config(config, part), name=part)
        slots = weight_mapping.weight_slots(model, part)
    other_parts = _OTHER_PARTS[part]
    def read(name):
        with naming_path(prefix, "TF checkpoint", "download or copy it again"):
            return reader.get_tensor(name)

    values = weight_mapping.match_tensors(
        {slot.name: (slot, False) for slot in slots},
        shapes,
        read,
        f"the {part} of the TF1 checkpoint {prefix}",
        ignore=lambda n: bool(_OPTIMIZER_STATE.search(n) or other_parts.search(n)),
    )
    weight_mapping.assign(values)
    return model
