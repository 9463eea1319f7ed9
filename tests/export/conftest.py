"""Fixtures of the export tests: tiny fine-tuned presets, their SavedModels, their answers.

Everything is exported once a session through the command line, and every request is
answered by one subprocess that cannot import keras (serve_without_keras.py).
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from export_helpers import SEQUENCE_LENGTH, VOCAB, texts_of_batch, tiny_tokenizer
from keras_electra import (
    ElectraBackbone,
    ElectraClassifier,
    ElectraConfig,
    ElectraDiscriminator,
    ElectraQuestionAnswerer,
    ElectraQuestionAnswererPreprocessor,
    ElectraTextPreprocessor,
    ElectraTokenClassifier,
    ElectraTokenClassifierPreprocessor,
    cli,
    save_model_folder,
)
from keras_electra.data import write_vocabulary
from keras_electra.export import write_serving_settings
from spread_classes import spread_classes

SERVER = os.path.join(os.path.dirname(__file__), "serve_without_keras.py")
LABELS = ["negative", "neutral", "positive"]
TAGS = ["DET", "NOUN", "VERB", "ADJ"]


@pytest.fixture(scope="session")
def model_folder(tmp_path_factory):
    """A pre-trained model folder (random weights): hidden 32, 2 layers, 64 positions."""
    import keras

    root = tmp_path_factory.mktemp("pretrained")
    vocab_file = str(root / "vocab.txt")
    write_vocabulary(VOCAB, vocab_file)
    config = ElectraConfig.preset(
        "tiny", vocab_size=len(VOCAB), hidden_size=32, embedding_size=16, intermediate_size=64,
        max_position_embeddings=64, max_seq_length=64, pad_token_id=0, cls_token_id=2,
        sep_token_id=3, mask_token_id=4)
    keras.utils.set_random_seed(0)
    discriminator = ElectraDiscriminator(ElectraBackbone.from_electra_config(config),
                                         name="discriminator")
    folder = str(root / "model")
    save_model_folder(folder, config, discriminator, vocab_file=vocab_file)
    return folder


def _task_models(folder):
    """name -> (task, serving settings), each on the folder's backbone."""
    import keras

    keras.utils.set_random_seed(1)
    tokenizer = tiny_tokenizer()
    backbone = ElectraBackbone.from_preset

    def text(**kw):
        return ElectraTextPreprocessor(tokenizer, SEQUENCE_LENGTH, **kw)

    return {
        "classifier": (ElectraClassifier(backbone(folder), num_classes=3, preprocessor=text()),
                       {"labels": LABELS, "text_pair": False}),
        "pair_regression": (ElectraClassifier(backbone(folder), regression=True,
                                              preprocessor=text()), {"text_pair": True}),
        "tagger": (ElectraTokenClassifier(backbone(folder), num_classes=len(TAGS),
                                          preprocessor=ElectraTokenClassifierPreprocessor(
                                              tokenizer, SEQUENCE_LENGTH)),
                   {"labels": TAGS}),
        # Windows of 32 with a stride of 8: long contexts take several.
        "question_answerer": (ElectraQuestionAnswerer(
            backbone(folder), preprocessor=ElectraQuestionAnswererPreprocessor(
                tokenizer, sequence_length=32, doc_stride=8, max_query_length=8)),
            {"allow_null": True, "null_threshold": 0.0}),
    }


@pytest.fixture(scope="session")
def task_presets(model_folder, tmp_path_factory):
    """name -> the folder of a task preset with its serving.json, as `finetune` writes."""
    root = tmp_path_factory.mktemp("tasks")
    presets = {}
    for name, (task, settings) in _task_models(model_folder).items():
        if name == "classifier":
            spread_classes(task, texts_of_batch(64))
        presets[name] = str(root / name)
        task.save_to_preset(presets[name])
        write_serving_settings(presets[name], settings)
    return presets


def export(argv):
    """`keras-electra export ...` through the real dispatcher; the exit code."""
    return cli.main(["export"] + argv)


@pytest.fixture(scope="session")
def exported(model_folder, task_presets, tmp_path_factory):
    """name -> a SavedModel folder written by `keras-electra export`."""
    root = tmp_path_factory.mktemp("exported")
    folders = {}
    for name, preset in task_presets.items():
        folders[name] = str(root / name / "1")
        assert export(["--model", preset, "--output", folders[name]]) == 0
    for what in ("encoder", "discriminator"):
        folders[what] = str(root / what / "1")
        assert export(["--model", model_folder, "--what", what, "--sequence-length",
                       str(SEQUENCE_LENGTH), "--output", folders[what]]) == 0
    return folders


def serve(jobs, tmp_path):
    """The responses of serve_without_keras.py to `jobs` ({"model", "request"} dicts)."""
    requests, responses = tmp_path / "requests.json", tmp_path / "responses.json"
    requests.write_text(json.dumps(jobs))
    result = subprocess.run([sys.executable, SERVER, str(requests), str(responses)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(responses.read_text())


def as_array(predictions, key=None):
    rows = predictions if key is None else [p[key] for p in predictions]
    return np.asarray(rows)
