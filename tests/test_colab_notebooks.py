"""The Colab notebooks run: their code cells, at a few steps, on this CPU.

Cells tagged `colab-only` (the pip install, the TensorBoard magic) are left out; the
settings cell runs, then the test shrinks the run (steps, sizes) before the rest.
"""

import json
import os

import numpy as np
import pytest

from keras_electra import ElectraConfig, load_discriminator
from spread_classes import spread_classes

NOTEBOOKS = os.path.join(os.path.dirname(__file__), os.pardir, "colab")

SMALL_RUN = {
    "CORPUS_BYTES": 200_000,
    "PRESET": "tiny",
    "VOCAB_SIZE": 600,
    "MAX_SEQ_LENGTH": 32,
    "BATCH_SIZE": 8,
    "STEPS": 6,
    "EPOCHS": 2,
}


def code_cells(name):
    with open(os.path.join(NOTEBOOKS, name)) as f:
        notebook = json.load(f)
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code" and "colab-only" not in cell["metadata"].get("tags", []):
            yield "".join(cell["source"])


def plain_python_cells(name):
    """The code cells that run here; shell and magic lines are left to colab-only cells."""
    cells = list(code_cells(name))
    assert not any(line.lstrip().startswith(("%", "!")) for c in cells for line in c.splitlines())
    return cells


def test_pretrain_notebook_writes_a_model_folder(tmp_path):
    cells = plain_python_cells("pretrain_electra.ipynb")
    namespace = {}
    exec(cells[0], namespace)  # settings
    assert "STEPS" in namespace and "WORK" in namespace
    namespace.update(SMALL_RUN, WORK=str(tmp_path / "work"))
    for source in cells[1:]:
        exec(source, namespace)

    assert namespace["DTYPE"] == "float32" and namespace["JIT"] is False  # a CPU
    history = namespace["history"].history
    assert len(history["loss"]) == SMALL_RUN["EPOCHS"]
    assert int(namespace["pretrainer"].optimizer.iterations) == SMALL_RUN["STEPS"]
    model_dir = tmp_path / "work" / "model"
    tiny = ElectraConfig.preset("tiny")
    assert load_discriminator(str(model_dir)).encoder.hidden_size == tiny.hidden_size
    assert os.listdir(tmp_path / "work" / "logs" / "train")  # TensorBoard events


FINETUNE_WORDS = "a the film plot actor was is good great fine bad awful dull long".split()
FINETUNE_LABELS = {"good": "positive", "great": "positive", "bad": "negative",
                   "awful": "negative", "long": "neutral", "fine": "neutral"}


def write_finetune_tsv(path, rows, seed):
    """`sentence<TAB>label` rows whose label follows from the one sentiment word they hold."""
    import random

    rng = random.Random(seed)
    cues = sorted(FINETUNE_LABELS)
    with open(path, "w") as f:
        f.write("sentence\tlabel\n")
        for i in range(rows):
            cue = cues[i % len(cues)]
            words = [rng.choice(["a", "the"]), rng.choice(["film", "plot", "actor"]),
                     rng.choice(["was", "is"]), cue]
            f.write(f"{' '.join(words)}\t{FINETUNE_LABELS[cue]}\n")


def tiny_discriminator(tmp_path):
    """A random tiny discriminator, its config and the vocab.txt of FINETUNE_WORDS."""
    from keras_electra import ElectraBackbone, ElectraDiscriminator
    from keras_electra.data import SPECIAL_TOKENS, write_vocabulary

    letters = list("abcdefghijklmnopqrstuvwxyz.,")
    vocab = list(dict.fromkeys(
        list(SPECIAL_TOKENS) + FINETUNE_WORDS + letters + ["##" + c for c in letters]))
    vocab_file = str(tmp_path / "vocab.txt")
    write_vocabulary(vocab, vocab_file)
    config = ElectraConfig.preset(
        "tiny", vocab_size=len(vocab), max_position_embeddings=32, max_seq_length=32,
        pad_token_id=0, cls_token_id=2, sep_token_id=3, mask_token_id=4,
    )
    discriminator = ElectraDiscriminator(
        ElectraBackbone.from_electra_config(config), name="discriminator")
    return config, discriminator, vocab_file


def finetune_inputs(tmp_path):
    """In place of the skipped download cells: a model folder, as the pre-training
    notebook leaves it, and a task folder of GLUE's format; (model, task, dev texts)."""
    import keras_electra

    config, discriminator, vocab_file = tiny_discriminator(tmp_path)
    model_dir = str(tmp_path / "model")
    keras_electra.save_model_folder(model_dir, config, discriminator, vocab_file=vocab_file)
    task_dir = tmp_path / "task"
    task_dir.mkdir()
    write_finetune_tsv(task_dir / "train.tsv", 24, seed=0)
    write_finetune_tsv(task_dir / "dev.tsv", 9, seed=1)
    with open(task_dir / "dev.tsv") as f:
        dev_texts = [line.split("\t")[0] for line in f.readlines()[1:]]
    return model_dir, str(task_dir), dev_texts


def tiny_backbone_batch():
    return {"token_ids": np.array([[2, 5, 6, 7, 3, 0]], "int32"),
            "segment_ids": np.zeros((1, 6), "int32"),
            "padding_mask": np.array([[1, 1, 1, 1, 1, 0]], "int32")}


def test_finetune_notebook_fine_tunes_predicts_and_reloads(tmp_path):
    import keras_electra

    cells = plain_python_cells("finetune_electra.ipynb")
    namespace = {}
    exec(cells[0], namespace)  # settings
    assert {"MODEL_DIR", "HF_DIR", "TASK_DIR", "SEQUENCE_LENGTH", "EPOCHS"} <= set(namespace)

    model_dir, task_dir, dev_texts = finetune_inputs(tmp_path)
    namespace.update(
        MODEL_DIR=model_dir, HF_DIR=str(tmp_path / "no-hf"), TASK_DIR=task_dir,
        OUTPUT_DIR=str(tmp_path / "fine-tuned"), SEQUENCE_LENGTH=16, EPOCHS=2, BATCH_SIZE=8,
        LEARNING_RATE=None, MAX_TRAIN_EXAMPLES=None, LABEL_NAMES={"neutral": "meh"},
        SAMPLE_TEXTS=dev_texts,  # predictions to check the accuracy against
    )
    for source in cells[1:]:
        exec(source, namespace)

    labels = namespace["labels"]
    assert labels == ["negative", "neutral", "positive"]
    classifier = namespace["classifier"]
    assert namespace["rate"] == pytest.approx(3e-3)  # tiny's default rate
    assert len(namespace["history"].history["loss"]) == 2
    assert int(classifier.optimizer.iterations) == namespace["total_steps"] == 2 * 3

    # The reported accuracy is the share of dev examples whose argmax is their label.
    accuracy = namespace["dev"]["accuracy"]
    assert 0.0 <= accuracy <= 1.0
    logits = namespace["logits"]
    assert logits.shape == (9, 3)
    assert accuracy == pytest.approx(
        np.mean(np.argmax(logits, axis=-1) == namespace["dev_label_ids"]))
    assert namespace["predicted"] == [
        {"neutral": "meh"}.get(labels[i], labels[i]) for i in np.argmax(logits, axis=-1)]
    reloaded = namespace["reloaded"]
    assert type(reloaded) is keras_electra.ElectraClassifier and reloaded.num_classes == 3
    assert reloaded.preprocessor.sequence_length == 16
    np.testing.assert_allclose(namespace["reloaded_logits"], logits, atol=1e-5)


def test_finetune_notebook_converts_a_hugging_face_folder_exactly(tmp_path):
    """The conversion cell, on the folder the (skipped) download cell would leave."""
    from keras_electra import ElectraBackbone, ElectraTokenizer
    from keras_electra.interop import export_hf

    cells = list(code_cells("finetune_electra.ipynb"))
    (convert,) = [c for c in cells if "interop.convert_hf" in c]
    config, discriminator, vocab_file = tiny_discriminator(tmp_path)
    hf_dir, model_dir = str(tmp_path / "hf"), str(tmp_path / "model")
    export_hf(discriminator, hf_dir, config, vocab_file)
    namespace = {}
    exec(cells[0], namespace)  # settings
    namespace.update(HF_DIR=hf_dir, MODEL_DIR=model_dir)
    exec(convert, namespace)

    batch = tiny_backbone_batch()
    np.testing.assert_allclose(
        np.asarray(ElectraBackbone.from_preset(model_dir)(batch)),
        np.asarray(discriminator.encoder(batch)), atol=1e-6)
    assert ElectraTokenizer.from_preset(model_dir)("the film").tolist() == [6, 7]


def test_export_notebook_serves_what_the_classifier_predicts(tmp_path):
    """Fine-tune (the real `finetune` verb), export, serve: the answers are `predict`'s."""
    import tensorflow as tf

    from keras_electra import ElectraClassifier

    cells = plain_python_cells("export_and_serve.ipynb")
    namespace = {}
    exec(cells[0], namespace)  # settings
    assert {"MODEL_DIR", "TASK", "TASK_DIR", "RUN_DIR", "EXPORT_DIR", "MODEL_NAME"} <= set(namespace)

    model_dir, task_dir, dev_texts = finetune_inputs(tmp_path)
    # An empty string, accents, and more words than the 16 tokens a text is packed to.
    texts = dev_texts + ["", "Été: the film was naïve", " ".join(["the plot was dull"] * 6)]
    export_dir = tmp_path / "exported" / "sentiment" / "1"
    namespace.update(
        MODEL_DIR=model_dir, TASK="tsv", TASK_DIR=task_dir, RUN_DIR=str(tmp_path / "run"),
        EXPORT_DIR=str(export_dir), MODEL_NAME="sentiment", SEQUENCE_LENGTH=16, EPOCHS=1,
        BATCH_SIZE=8, LEARNING_RATE=None, LABEL_NAMES={"neutral": "meh"}, SAMPLE_TEXTS=texts,
    )
    preset = tmp_path / "run" / "model"
    for source in cells[1:]:
        if "tf.saved_model.load" in source:
            # The serving cell needs nothing but TensorFlow, tensorflow-text and the settings.
            assert "keras" not in source
            fresh = {"EXPORT_DIR": namespace["EXPORT_DIR"], "SAMPLE_TEXTS": texts}
            exec(source, fresh)
            namespace.update(fresh)
        else:
            exec(source, namespace)
        if "cli.main" in source:
            # A tiny model trained for a few steps gives every text one class; a head
            # that gives several lets the label names be checked.
            classifier = ElectraClassifier.from_preset(str(preset))
            spread_classes(classifier, texts)
            classifier.save_task_weights(str(preset / "task.weights.h5"))

    assert json.loads((preset / "serving.json").read_text()) == {
        "labels": ["negative", "neutral", "positive"], "text_pair": False}
    names = ["negative", "meh", "positive"]
    assert namespace["signatures"] == ["serving_default", "serve_ids"]
    served = namespace["served"]
    assert set(served.signatures) == {"serving_default", "serve_ids"}
    assert served.signatures["serving_default"].structured_input_signature[1] == {
        "text": tf.TensorSpec([None], tf.string, name="text")}

    classifier = ElectraClassifier.from_preset(str(preset))
    expected = tf.nn.softmax(classifier.predict(texts, verbose=0)).numpy()
    answers = namespace["answers"]
    np.testing.assert_allclose(answers["probabilities"], expected, atol=1e-5)
    expected_labels = [names[i] for i in np.argmax(expected, axis=-1)]
    assert set(expected_labels) == set(names), expected_labels
    assert [label.decode() for label in answers["label"]] == expected_labels

    # The REST request as written, and the rows TF Serving would answer it with.
    request = {"signature_name": "serving_default", "instances": texts}
    request_file = tmp_path / "exported" / "sentiment-request.json"
    assert json.loads(request_file.read_text(encoding="utf-8")) == request
    assert str(request_file) in namespace["curl_command"]
    assert f'"{tmp_path / "exported" / "sentiment"}:/models/sentiment"' in namespace[
        "docker_command"]
    rows = namespace["response"]["predictions"]
    assert [row["label"] for row in rows] == expected_labels
    np.testing.assert_allclose([row["probabilities"] for row in rows], expected, atol=1e-5)
