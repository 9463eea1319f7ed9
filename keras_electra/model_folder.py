"""The model folder: what `pretrain` and `convert` write and every later step reads.

A model folder holds:
    config.json                  the `ElectraConfig`
    vocab.txt                    the WordPiece vocabulary (when known)
    discriminator.weights.h5     Keras weights of `ElectraDiscriminator` (if present)
    generator.weights.h5         Keras weights of `ElectraGenerator` (if present)

Weights are Keras's own `.weights.h5`, written by `Model.save_weights`, so a
folder is readable from any machine with the package and no pickled code.
"""

import os

import keras
import tensorflow as tf

from keras_electra.config import ElectraConfig
from keras_electra.models.electra_discriminator import ElectraDiscriminator
from keras_electra.models.electra_backbone import ElectraEncoder
from keras_electra.models.electra_generator import ElectraGenerator
from keras_electra.models.electra_pretrainer import ElectraPretrainer

CONFIG_FILE = "config.json"
VOCAB_FILE = "vocab.txt"
DISCRIMINATOR_WEIGHTS = "discriminator.weights.h5"
GENERATOR_WEIGHTS = "generator.weights.h5"


def save_model_folder(path, config, discriminator=None, generator=None, vocab_file=None):
    """Writes a model folder at `path` (created if needed).

    Example:
    >>> save_model_folder("out/model", pretrainer.electra_config,
    ...     pretrainer.discriminator, pretrainer.generator, "vocab.txt")
    """
    if discriminator is None and generator is None:
        raise ValueError("save_model_folder needs a discriminator, a generator or both.")
    tf.io.gfile.makedirs(path)
    config.to_json(os.path.join(path, CONFIG_FILE))
    if vocab_file is not None:
        tf.io.gfile.copy(vocab_file, os.path.join(path, VOCAB_FILE), overwrite=True)
    if discriminator is not None:
        discriminator.save_weights(os.path.join(path, DISCRIMINATOR_WEIGHTS))
    if generator is not None:
        generator.save_weights(os.path.join(path, GENERATOR_WEIGHTS))


def load_config(path):
    """The `ElectraConfig` of the model folder at `path`."""
    config_path = os.path.join(path, CONFIG_FILE)
    if not tf.io.gfile.exists(config_path):
        raise ValueError(
            f"{path} is not a keras-electra model folder: it has no {CONFIG_FILE} "
            "(write one with `keras-electra pretrain` or `keras-electra convert`)."
        )
    return ElectraConfig.from_json(config_path)


def _weights_path(path, filename, part):
    weights = os.path.join(path, filename)
    if not tf.io.gfile.exists(weights):
        raise ValueError(
            f"The model folder {path} holds no {part} ({filename} is missing); "
            f"convert or pre-train one with --part {part} or both."
        )
    return weights


def load_discriminator(path):
    """The `ElectraDiscriminator` saved in the model folder at `path`.

    It maps a batch dict (`token_ids`, `segment_ids`, `padding_mask`, int32
    [batch, seq_len]) to replaced-token logits [batch, seq_len]; its `.encoder`
    is what fine-tuning starts from.

    Example:
    >>> discriminator = load_discriminator("out/model")
    """
    config = load_config(path)
    discriminator = ElectraDiscriminator(
        ElectraEncoder.from_electra_config(config, "discriminator"), name="discriminator"
    )
    discriminator.load_weights(_weights_path(path, DISCRIMINATOR_WEIGHTS, "discriminator"))
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
        ElectraEncoder.from_electra_config(config, "generator"), name="generator"
    )
    generator.load_weights(_weights_path(path, GENERATOR_WEIGHTS, "generator"))
    return mlm_logits_model(generator) if all_positions else generator


def load_pretrainer(path, seed=None, dtype=None):
    """An `ElectraPretrainer` with both models restored, for continued pre-training.

    The generator's weights are loaded first, then the discriminator's, so the
    shared embeddings hold the discriminator's copy. `dtype`: its Keras dtype
    policy (the weights are float32 either way).
    """
    config = load_config(path)
    pretrainer = ElectraPretrainer(config, seed=seed, dtype=dtype)
    generator_weights = _weights_path(path, GENERATOR_WEIGHTS, "generator")
    discriminator_weights = _weights_path(path, DISCRIMINATOR_WEIGHTS, "discriminator")
    pretrainer.generator.load_weights(generator_weights)
    pretrainer.discriminator.load_weights(discriminator_weights)
    return pretrainer
