"""`keras-electra demo`: Python's own documentation -> a model folder, shrunk to seconds."""

import os

from keras_electra.cli import main
from keras_electra.model_folder import load_config, load_discriminator


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


def test_demo_overwrite_replaces_a_foreign_folder_and_then_resumes(tmp_path, capsys):
    output = tmp_path / "demo"
    output.mkdir()
    (output / "notes.txt").write_text("mine")
    argv = ["demo", "--output", str(output), "--steps", "2", "--epochs", "1",
            "--batch-size", "8", "--corpus-mb", "0.05", "--vocab-size", "200"]
    assert main(argv) == 2
    assert (output / "notes.txt").read_text() == "mine"
    capsys.readouterr()
    assert main(argv + ["--overwrite"]) == 0
    assert "notes.txt" not in os.listdir(output)
    capsys.readouterr()
    assert main(argv + ["--overwrite"]) == 0  # Its own folder now: resumed, not replaced.
    assert f"Resuming {output / 'model'} at step 2 of 2" in capsys.readouterr().out
    vocab = (output / "vocab.txt").read_bytes()
    assert main(argv + ["--vocab-size", "150"]) == 2  # Not reused for another vocabulary.
    assert "--vocab-size 200 (not 150)" in capsys.readouterr().err
    assert (output / "vocab.txt").read_bytes() == vocab
