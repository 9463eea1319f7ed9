"""`keras-electra demo`: Python's own documentation -> a model folder, shrunk to seconds."""

import os

from keras_electra.cli import main
from keras_electra.commands import demo
from keras_electra.model_folder import load_config, load_discriminator


def test_corpus_is_prose_one_sentence_a_line(tmp_path):
    path = str(tmp_path / "corpus.txt")
    documents = demo.write_corpus(path, 200_000)
    text = open(path, encoding="utf-8").read()
    blocks = [b for b in text.split("\n\n") if b.strip()]
    assert documents == len(blocks) > 50
    lines = text.split("\n")
    assert not any(line.startswith((">>>", " ")) for line in lines)
    sentences = [line for line in lines if line]
    # Sentences, not paragraphs: most end with final punctuation and are short.
    assert sum(line.endswith((".", "!", "?", ":")) for line in sentences) > 0.8 * len(sentences)
    assert sorted(len(line) for line in sentences)[len(sentences) // 2] < 150


def test_demo_runs_the_whole_path(tmp_path, capsys):
    output = tmp_path / "demo"
    assert main(["demo", "--output", str(output), "--steps", "4", "--epochs", "2",
                 "--batch-size", "8", "--corpus-mb", "0.1", "--vocab-size", "300",
                 "--max-seq-length", "32"]) == 0
    out = capsys.readouterr().out
    assert "disc_auc" in out and str(output / "model") in out
    model = str(output / "model")
    config = load_config(model)
    assert config.max_seq_length == 32
    # The demo pre-trains without dropout (see its --dropout comment); the folder says so.
    assert config.dropout == 0.0
    assert load_discriminator(model) is not None
    assert {"corpus.txt", "vocab.txt", "data", "model"} <= set(os.listdir(output))


def test_demo_refuses_a_dropout_outside_0_1_before_writing(tmp_path, capsys):
    output = tmp_path / "demo"
    assert main(["demo", "--output", str(output), "--dropout", "1.5"]) == 2
    err = capsys.readouterr().err
    assert "--dropout" in err and "Traceback" not in err
    assert not output.exists()
