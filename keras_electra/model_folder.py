"""The model folder: what `pretrain` and `convert` write and every later step reads.

A model folder is a keras-hub preset directory whose backbone is the discriminator's
encoder (what fine-tuning starts from), plus what ELECTRA adds:

    config.json, model.weights.h5, metadata.json     the `ElectraBackbone` (keras-hub)
    tokenizer.json, assets/tokenizer/vocabulary.txt  the `ElectraTokenizer` (keras-hub)
    electra_config.json             the `ElectraConfig` (generator sizes included)
    discriminator_head.weights.h5   the replaced-token-detection head
    generator.weights.h5            the whole `ElectraGenerator` (if saved)
    vocab.txt, vocab.txt.json       the vocabulary and its normalization, for `prepare`

So `ElectraBackbone.from_preset(folder)`, `ElectraTokenizer.from_preset(folder)`,
`ElectraClassifier.from_preset(folder, num_classes=...)` and keras-hub's own
`keras_hub.models.Backbone.from_preset(folder)` (once `keras_electra` is imported)
all read it. Weights are Keras's own `.weights.h5`; no pickled code. Folders written
before presets (config.json holding the `ElectraConfig`, discriminator.weights.h5)
still load.
"""

import contextlib
import os
import shutil
import tempfile

import keras
import tensorflow as tf

from keras_electra.config import ElectraConfig
from keras_electra.data.tokenizer import electra_tokenizer
from keras_electra.data.vocab import settings_path
from keras_electra.errors import naming_path
from keras_electra.json_file import read_json_object
from keras_electra.output_folder import copy_tree
from keras_electra.models.electra_backbone import ElectraBackbone
from keras_electra.models.electra_discriminator import ElectraDiscriminator
from keras_electra.models.electra_generator import ElectraGenerator
from keras_electra.models.electra_pretrainer import ElectraPretrainer
from keras_electra.pretraining.whole_words import continuation_ids

ELECTRA_CONFIG_FILE = "electra_config.json"
BACKBONE_CONFIG_FILE = "config.json"  # keras-hub's names for the backbone's files
MODEL_WEIGHTS_FILE = "model.weights.h5"
VOCAB_FILE = "vocab.txt"
DISCRIMINATOR_HEAD_WEIGHTS = "discriminator_head.weights.h5"
GENERATOR_WEIGHTS = "generator.weights.h5"
# Before presets: config.json held the ElectraConfig, and the whole discriminator
# was one file.
LEGACY_DISCRIMINATOR_WEIGHTS = "discriminator.weights.h5"


def save_model_folder(path, config, discriminator=None, generator=None, vocab_file=None):
    """Writes a model folder (a keras-hub preset) at `path`, local or any tf.io.gfile URL.

    Example:
    >>> save_model_folder("out/model", pretrainer.electra_config,
    ...     pretrainer.discriminator, pretrainer.generator, "data/vocab.txt")
    >>> ElectraBackbone.from_preset("out/model")
    """
    if discriminator is None and generator is None:
        raise ValueError("save_model_folder needs a discriminator, a generator or both.")
    with _local_folder(path) as local:
        _write_model_folder(local, config, discriminator, generator, vocab_file)


def save_task_preset(task, path):
    """`task.save_to_preset(path)`, for `path` local or any tf.io.gfile URL.

    Example:
    >>> save_task_preset(classifier, "gs://bucket/runs/bbc/model")
    >>> ElectraClassifier.from_preset("gs://bucket/runs/bbc/model")
    """
    with _local_folder(path) as local:
        task.save_to_preset(local)


@contextlib.contextmanager
def _local_folder(path):
    """`path` if local, else a temporary folder copied to `path` on success.

    keras-hub writes presets with Python's own file functions; staging them
    locally lets gs:// and other tf.io.gfile URLs work too.
    """
    if _is_local(path):
        os.makedirs(path, exist_ok=True)
        yield path
        return
    local = tempfile.mkdtemp(prefix="electra-model-")
    try:
        yield local
        copy_tree(local, path)
    finally:
        shutil.rmtree(local, ignore_errors=True)


def _write_model_folder(local, config, discriminator, generator, vocab_file):
    config.to_json(os.path.join(local, ELECTRA_CONFIG_FILE))
    if vocab_file is not None:
        tf.io.gfile.copy(vocab_file, os.path.join(local, VOCAB_FILE), overwrite=True)
        if tf.io.gfile.exists(settings_path(vocab_file)):
            tf.io.gfile.copy(
                settings_path(vocab_file),
                settings_path(os.path.join(local, VOCAB_FILE)),
                overwrite=True,
            )
        electra_tokenizer(vocab_file).save_to_preset(local)
    if discriminator is not None:
        discriminator.encoder.save_to_preset(local)
        _head_model(discriminator).save_weights(os.path.join(local, DISCRIMINATOR_HEAD_WEIGHTS))
    if generator is not None:
        generator.save_weights(os.path.join(local, GENERATOR_WEIGHTS))


def _is_local(path):
    return "://" not in str(path)


def _head_model(discriminator):
    """The discriminator's head layers alone, as a model whose weights can be saved.

    The backbone's weights are the preset's model.weights.h5; saving the head on
    its own keeps them on disk once.
    """
    hidden = keras.Input(shape=(None, discriminator.encoder.hidden_size))
    x = discriminator.get_layer("head_dense")(hidden)
    x = discriminator.get_layer("head_logits")(x)
    return keras.Model(hidden, x, name="discriminator_head")


def load_config(path):
    """The `ElectraConfig` of the model folder at `path`."""
    damaged = "convert or pre-train the model folder again"
    # Older folders kept it in config.json, now keras-hub's backbone config.
    for file in (ELECTRA_CONFIG_FILE, BACKBONE_CONFIG_FILE):
        file = os.path.join(path, file)
        if not tf.io.gfile.exists(file):
            continue
        values = read_json_object(file, damaged)
        if "registered_name" in values:
            break
        with naming_path(file, "ElectraConfig JSON file", damaged):
            return ElectraConfig.from_dict(values)
    raise ValueError(
        f"{path} is not a keras-electra model folder: it has no {ELECTRA_CONFIG_FILE} "
        "(write one with `keras-electra pretrain` or `keras-electra convert`)."
    )


def _weights_path(path, filename, part):
    weights = os.path.join(path, filename)
    if not tf.io.gfile.exists(weights):
        raise ValueError(
            f"The model folder {path} holds no {part} ({filename} is missing); "
            f"convert or pre-train one with --part {part} or both."
        )
    return weights


def _load_weights(model, path, filename, part):
    """`model.load_weights` of `path`/`filename`; a missing or unreadable file named."""
    weights = _weights_path(path, filename, part)
    with naming_path(weights, "Keras weights file", "convert or pre-train the model folder again"):
        model.load_weights(weights)


def _backbone_from_preset(path):
    with naming_path(path, f"model folder ({BACKBONE_CONFIG_FILE} and {MODEL_WEIGHTS_FILE})",
                     "convert or pre-train the model folder again"):
        return ElectraBackbone.from_preset(path)


def _is_legacy(path):
    return not tf.io.gfile.exists(os.path.join(path, ELECTRA_CONFIG_FILE))


def load_backbone(path):
    """The pre-trained `ElectraBackbone` (the discriminator's encoder) in the folder.

    `ElectraBackbone.from_preset(path)` does the same for a folder written as a
    preset; this also reads folders written before.

    Example:
    >>> backbone = load_backbone("out/model")
    """
    return load_discriminator(path).encoder


def load_discriminator(path):
    """The `ElectraDiscriminator` saved in the model folder at `path`.

    It maps a batch dict (`token_ids`, `segment_ids`, `padding_mask`, int32
    [batch, seq_len]) to replaced-token logits [batch, seq_len]; its `.encoder`
    is what fine-tuning starts from.

    Example:
    >>> discriminator = load_discriminator("out/model")
    """
    config = load_config(path)
    if _is_legacy(path):
        discriminator = ElectraDiscriminator(
            ElectraBackbone.from_electra_config(config, "discriminator"), name="discriminator"
        )
        _load_weights(discriminator, path, LEGACY_DISCRIMINATOR_WEIGHTS, "discriminator")
        return discriminator
    _weights_path(path, DISCRIMINATOR_HEAD_WEIGHTS, "discriminator")
    discriminator = ElectraDiscriminator(_backbone_from_preset(path), name="discriminator")
    _load_weights(_head_model(discriminator), path, DISCRIMINATOR_HEAD_WEIGHTS, "discriminator")
    return discriminator


@keras.saving.register_keras_serializable(package="keras_electra")
class AllPositions(keras.layers.Layer):
    """Every position of a batch of sequences: int32 [batch, seq_len]."""

    def call(self, token_ids):
        shape = keras.ops.shape(token_ids)
        positions = keras.ops.arange(shape[1], dtype="int32")
        return keras.ops.broadcast_to(positions[None, :], shape)


def mlm_logits_model(generator):
    """Wraps a generator to give MLM logits at every position [batch, seq_len, vocab]."""
    inputs = {
        name: keras.Input(shape=(None,), dtype="int32", name=name)
        for name in ("token_ids", "segment_ids", "padding_mask")
    }
    positions = AllPositions(name="all_positions")(inputs["token_ids"])
    logits = generator({**inputs, "masked_positions": positions})
    return keras.Model(inputs, logits, name="generator_mlm")


def load_generator(path, all_positions=True):
    """The generator saved in the model folder at `path`.

    With `all_positions` (default) the returned model maps a batch dict to MLM
    logits at every position, float32 [batch, seq_len, vocab_size]; without, it
    is the `ElectraGenerator` itself (which takes `masked_positions` too).

    Example:
    >>> logits = load_generator("out/model")(batch)
    """
    config = load_config(path)
    generator = ElectraGenerator(
        ElectraBackbone.from_electra_config(config, "generator"), name="generator"
    )
    _load_weights(generator, path, GENERATOR_WEIGHTS, "generator")
    return mlm_logits_model(generator) if all_positions else generator


def load_pretrainer(path, seed=None, dtype=None, config=None):
    """An `ElectraPretrainer` with both models restored, for continued pre-training.

    The generator's weights are loaded first, then the discriminator's, so the
    shared embeddings hold the discriminator's copy. `dtype`: its Keras dtype
    policy (the weights are float32 either way). `config`: an `ElectraConfig` of
    the same shapes to continue with instead of the folder's (e.g. other
    objective options).
    """
    config = config or load_config(path)
    pieces = None
    if config.whole_word_masking:  # its words are the folder's vocabulary's
        pieces = continuation_ids(os.path.join(path, VOCAB_FILE))
    pretrainer = ElectraPretrainer(config, seed=seed, dtype=dtype, continuation_ids=pieces)
    _load_weights(pretrainer.generator, path, GENERATOR_WEIGHTS, "generator")
    if _is_legacy(path):
        _load_weights(pretrainer.discriminator, path, LEGACY_DISCRIMINATOR_WEIGHTS,
                      "discriminator")
        return pretrainer
    _weights_path(path, DISCRIMINATOR_HEAD_WEIGHTS, "discriminator")
    _load_weights(pretrainer.discriminator.encoder, path, MODEL_WEIGHTS_FILE, "discriminator")
    _load_weights(_head_model(pretrainer.discriminator), path, DISCRIMINATOR_HEAD_WEIGHTS,
                  "discriminator")
    return pretrainer
