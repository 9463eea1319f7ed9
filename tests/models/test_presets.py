"""A model folder is a keras-hub preset: every piece loads with `from_preset`, exactly."""

import os

import keras
import keras_hub
import numpy as np
import pytest
import tensorflow as tf

import keras_electra
from keras_electra import (
    ElectraBackbone,
    ElectraClassifier,
    ElectraConfig,
    ElectraDiscriminator,
    ElectraPretrainer,
    ElectraQuestionAnswerer,
    ElectraTokenClassifier,
    ElectraTokenizer,
)
from keras_electra.data import SPECIAL_TOKENS, write_vocabulary
from keras_electra.model_folder import load_backbone, load_config, load_discriminator

WORDS = "a good bad film plot the actor was great awful".split()
TEXTS = ["a good film", "The plot was awful", "", "été ünïcode film " * 30]


@pytest.fixture(scope="module")
def vocab_file(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("vocab") / "vocab.txt")
    write_vocabulary(list(SPECIAL_TOKENS) + WORDS, path)
    return path


@pytest.fixture(scope="module")
def config():
    return ElectraConfig.preset(
        "tiny", vocab_size=len(SPECIAL_TOKENS) + len(WORDS), max_position_embeddings=32,
        max_seq_length=32, pad_token_id=0, cls_token_id=2, sep_token_id=3, mask_token_id=4,
    )


def batch(seed=0):
    rng = np.random.default_rng(seed)
    ids = rng.integers(5, 15, size=(3, 12)).astype("int32")
    mask = np.ones_like(ids)
    mask[1, 8:] = 0
    return {"token_ids": ids * mask, "segment_ids": np.zeros_like(ids), "padding_mask": mask}


@pytest.fixture(scope="module")
def pretrained(config, vocab_file, tmp_path_factory):
    """A pre-trainer after one step, saved as a model folder."""
    keras.utils.set_random_seed(0)
    pretrainer = ElectraPretrainer(config, seed=0)
    pretrainer.compile(optimizer=keras.optimizers.AdamW(1e-2))
    pretrainer.fit(tf.data.Dataset.from_tensors(batch()), epochs=1, verbose=0)
    folder = str(tmp_path_factory.mktemp("model"))
    keras_electra.save_model_folder(
        folder, config, pretrainer.discriminator, pretrainer.generator, vocab_file
    )
    return pretrainer, folder


def test_backbone_and_tokenizer_load_from_the_folder(pretrained, vocab_file):
    pretrainer, folder = pretrained
    expected = np.asarray(pretrainer.discriminator.encoder(batch(1)))
    for backbone in (ElectraBackbone.from_preset(folder),
                     keras_hub.models.Backbone.from_preset(folder), load_backbone(folder)):
        assert type(backbone) is ElectraBackbone
        np.testing.assert_array_equal(np.asarray(backbone(batch(1))), expected)
    tokenizer = ElectraTokenizer.from_preset(folder)
    assert tokenizer.get_vocabulary() == keras_electra.data.read_vocabulary(vocab_file)
    assert tokenizer("A GOOD film").tolist() == [5, 6, 8]


def test_discriminator_and_pretrainer_round_trip_exactly(pretrained):
    pretrainer, folder = pretrained
    expected = np.asarray(pretrainer.discriminator(batch(2)))
    np.testing.assert_array_equal(np.asarray(load_discriminator(folder)(batch(2))), expected)
    restored = keras_electra.load_pretrainer(folder, seed=0)
    for ours, saved in zip(restored.weights, pretrainer.weights):
        if ours.name != "noise_step":
            np.testing.assert_array_equal(np.asarray(ours), np.asarray(saved), err_msg=ours.path)


def test_folders_written_before_presets_still_load(config, pretrained, tmp_path):
    pretrainer, _ = pretrained
    legacy = str(tmp_path / "legacy")
    os.makedirs(legacy)
    config.to_json(os.path.join(legacy, "config.json"))
    pretrainer.discriminator.save_weights(os.path.join(legacy, "discriminator.weights.h5"))
    pretrainer.generator.save_weights(os.path.join(legacy, "generator.weights.h5"))
    assert load_config(legacy) == config
    expected = np.asarray(pretrainer.discriminator(batch(3)))
    np.testing.assert_array_equal(np.asarray(load_discriminator(legacy)(batch(3))), expected)
    restored = keras_electra.load_pretrainer(legacy, seed=0)
    np.testing.assert_array_equal(np.asarray(restored.discriminator(batch(3))), expected)


def test_classifier_from_the_folder_takes_text(pretrained):
    _, folder = pretrained
    for load in (ElectraClassifier.from_preset, keras_hub.models.TextClassifier.from_preset):
        classifier = load(folder, num_classes=3)
        assert type(classifier) is ElectraClassifier
        assert classifier.predict(TEXTS, verbose=0).shape == (len(TEXTS), 3)
    # Fine-tuning starts from the pre-trained backbone, not a fresh one.
    np.testing.assert_array_equal(
        np.asarray(classifier.backbone(batch(4))),
        np.asarray(ElectraBackbone.from_preset(folder)(batch(4))),
    )


def test_fine_tuned_classifier_preset_and_keras_file_keep_head_and_preprocessor(
        pretrained, tmp_path):
    _, folder = pretrained
    classifier = ElectraClassifier.from_preset(folder, num_classes=2)
    classifier.fit(np.array(TEXTS[:2]), np.array([1, 0]), epochs=2, verbose=0)
    expected = classifier.predict(TEXTS, verbose=0)
    classifier.save_to_preset(str(tmp_path / "task"))
    classifier.save(str(tmp_path / "task.keras"))
    for loaded in (ElectraClassifier.from_preset(str(tmp_path / "task")),
                   keras.saving.load_model(str(tmp_path / "task.keras"))):
        assert type(loaded) is ElectraClassifier and loaded.num_classes == 2
        np.testing.assert_allclose(loaded.predict(TEXTS, verbose=0), expected, atol=1e-6)


@pytest.mark.parametrize("task_class", [ElectraTokenClassifier, ElectraQuestionAnswerer])
def test_tagger_and_question_answerer_presets_round_trip(task_class, pretrained, tmp_path):
    _, folder = pretrained
    kwargs = {"num_classes": 4} if task_class is ElectraTokenClassifier else {}
    task = task_class(ElectraBackbone.from_preset(folder), **kwargs)
    task.compile()
    expected = keras.tree.map_structure(np.asarray, task.predict(batch(5), verbose=0))
    task.save_to_preset(str(tmp_path / "task"))
    loaded = task_class.from_preset(str(tmp_path / "task"))
    assert type(loaded) is task_class
    keras.tree.map_structure(
        lambda a, b: np.testing.assert_allclose(a, b, atol=1e-6),
        keras.tree.map_structure(np.asarray, loaded.predict(batch(5), verbose=0)), expected)


def test_keras_files_of_tasks_built_with_encoder_still_load(pretrained):
    _, folder = pretrained
    classifier = ElectraClassifier(ElectraBackbone.from_preset(folder), num_classes=2)
    config = classifier.get_config()
    config["encoder"] = config.pop("backbone")  # as written before `backbone=`
    restored = ElectraClassifier.from_config(config)
    assert restored.backbone.hidden_size == classifier.backbone.hidden_size


def test_compile_defaults_to_the_rate_for_the_backbone_s_width(pretrained):
    _, folder = pretrained
    classifier = ElectraClassifier.from_preset(folder, num_classes=2)
    rate = float(keras.ops.convert_to_numpy(classifier.optimizer.learning_rate))
    assert rate == pytest.approx(keras_electra.training.finetuning_defaults.default_learning_rate(
        classifier.backbone))
    assert rate == pytest.approx(3e-3)  # tiny: hidden 64


def test_a_preprocessor_longer_than_the_positions_is_refused(pretrained):
    _, folder = pretrained
    preprocessor = keras_electra.ElectraTextPreprocessor(
        ElectraTokenizer.from_preset(folder), sequence_length=64)
    with pytest.raises(ValueError, match="packs 64 tokens, but the backbone has 32 positions"):
        ElectraClassifier(ElectraBackbone.from_preset(folder), preprocessor=preprocessor)
