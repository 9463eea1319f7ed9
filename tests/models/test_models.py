"""Encoder, generator and discriminator: shapes, shared variables, saving."""

import keras
import numpy as np
import pytest

from keras_electra import (
    ElectraConfig,
    ElectraDiscriminator,
    ElectraEncoder,
    ElectraGenerator,
    ElectraPretrainer,
)


@pytest.fixture(scope="module")
def config():
    return ElectraConfig.preset("tiny", vocab_size=120, max_seq_length=16, embedding_size=16)


def batch(config, size=3, seed=0):
    rng = np.random.default_rng(seed)
    ids = rng.integers(5, config.vocab_size, size=(size, config.max_seq_length)).astype("int32")
    mask = np.ones_like(ids)
    mask[0, 10:] = 0
    ids[0, 10:] = config.pad_token_id
    segments = np.zeros_like(ids)
    segments[:, 6:] = 1
    return {"token_ids": ids, "segment_ids": segments * mask, "padding_mask": mask}


def test_shapes_and_exact_gelu(config):
    pretrainer = ElectraPretrainer(config, seed=0)
    data = batch(config)
    assert pretrainer.discriminator(data).shape == (3, 16)
    positions = np.zeros((3, 4), "int32")
    assert pretrainer.generator({**data, "masked_positions": positions}).shape == (3, 4, 120)
    encoder = pretrainer.discriminator.encoder
    assert encoder(data).shape == (3, 16, config.hidden_size)
    # keras-hub's TransformerEncoder resolves "gelu" to the exact (erf) GELU.
    ffn = encoder.get_layer("transformer_layer_0")._feedforward_intermediate_dense
    x = np.array([-1.0, 0.5, 2.0], "float32")
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(ffn.activation(x)),
        keras.ops.convert_to_numpy(keras.activations.gelu(x, approximate=False)),
    )
    assert not np.allclose(
        keras.ops.convert_to_numpy(ffn.activation(x)),
        keras.ops.convert_to_numpy(keras.activations.gelu(x, approximate=True)),
    )
    assert encoder.get_layer("transformer_layer_0")._feedforward_layer_norm.epsilon == 1e-12


def test_generator_and_discriminator_share_the_embedding_block(config):
    pretrainer = ElectraPretrainer(config, seed=0)
    gen_encoder = pretrainer.generator.encoder
    disc_encoder = pretrainer.discriminator.encoder
    assert gen_encoder.embeddings is disc_encoder.embeddings
    shared = {id(v) for v in gen_encoder.embeddings.weights}
    assert len(shared) == 5  # word, position, segment, LayerNorm gamma and beta
    gen_ids = {id(v) for v in pretrainer.generator.weights}
    disc_ids = {id(v) for v in pretrainer.discriminator.weights}
    assert gen_ids & disc_ids == shared
    # Each has its own projection from the embedding size to its hidden size.
    assert gen_encoder.get_layer("embeddings_project").kernel.shape == (16, 32)
    assert disc_encoder.get_layer("embeddings_project").kernel.shape == (16, 64)
    # The pretrainer tracks every variable once.
    all_ids = [id(v) for v in pretrainer.trainable_weights]
    assert len(all_ids) == len(set(all_ids)) == len(gen_ids | disc_ids)
    # The MLM output layer is the transposed word embedding (tied), plus a bias.
    head = pretrainer.generator.get_layer("mlm_head")
    assert head.token_embedding is gen_encoder.embeddings.token_embedding


def test_generator_is_narrower_with_the_same_depth(config):
    pretrainer = ElectraPretrainer(config, seed=0)
    gen, disc = pretrainer.generator.encoder, pretrainer.discriminator.encoder
    assert gen.num_layers == disc.num_layers == config.num_layers
    assert gen.hidden_size == config.generator_hidden_size == disc.hidden_size // 2


@pytest.mark.parametrize("kind", ["generator", "discriminator"])
def test_keras_and_weights_files_round_trip(config, tmp_path, kind):
    pretrainer = ElectraPretrainer(config, seed=0)
    model = getattr(pretrainer, kind)
    data = batch(config)
    if kind == "generator":
        data["masked_positions"] = np.array([[1, 2], [3, 4], [5, 6]], "int32")
    expected = keras.ops.convert_to_numpy(model(data))
    path = str(tmp_path / f"{kind}.keras")
    model.save(path)
    restored = keras.saving.load_model(path)
    assert type(restored) is type(model)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(restored(data)), expected)

    fresh = ElectraPretrainer(config, seed=1)
    other = getattr(fresh, kind)
    assert not np.allclose(keras.ops.convert_to_numpy(other(data)), expected)
    other_path = str(tmp_path / f"{kind}.weights.h5")
    model.save_weights(other_path)
    other.load_weights(other_path)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(other(data)), expected)


def test_get_config_round_trips(config):
    encoder = ElectraEncoder.from_electra_config(config)
    clone = ElectraEncoder.from_config(encoder.get_config())
    assert clone.get_config() == encoder.get_config()
    for cls in (ElectraGenerator, ElectraDiscriminator):
        model = cls(ElectraEncoder.from_electra_config(config))
        assert cls.from_config(model.get_config()).get_config() == model.get_config()
    pretrainer = ElectraPretrainer(config, seed=3)
    clone = ElectraPretrainer.from_config(pretrainer.get_config())
    assert clone.electra_config == config and clone.seed == 3
