"""`keras-electra finetune` end to end on slices of the fetched real data."""

import json
import os

import keras
import numpy as np

from finetune_helpers import real_file, slice_tsv, write_model_folder
from keras_electra import ElectraClassifier
from keras_electra.cli import main
from keras_electra.data.vocab import learn_vocabulary


def test_finetune_tsv_learns_bbc_topics(real_data_dir, tmp_path):
    """A tiny model from random init learns BBC topics from 400 articles.

    Without pre-training a tiny transformer learns slowly (about 0.5 after 6
    short epochs, measured), but it must clearly beat the 23% of the largest
    class: the head, the optimizer and the per-epoch evaluation all work.
    """
    data_dir = tmp_path / "bbc"
    data_dir.mkdir()
    slice_tsv(real_file(real_data_dir, "classify", "bbc", "train.tsv"), data_dir / "train.tsv", 400)
    slice_tsv(real_file(real_data_dir, "classify", "bbc", "dev.tsv"), data_dir / "dev.tsv", 150)
    corpus = tmp_path / "corpus.txt"
    with open(data_dir / "train.tsv") as f:
        corpus.write_text("\n".join(line.split("\t")[0] for line in f))
    vocab = learn_vocabulary([str(corpus)], 1000)
    model_dir = write_model_folder(str(tmp_path / "model"), vocab, dropout=0.0)
    output = tmp_path / "run"
    code = main([
        "finetune", "--task", "tsv", "--data-dir", str(data_dir), "--model", model_dir,
        "--output", str(output), "--epochs", "6", "--learning-rate", "5e-3",
        "--max-seq-length", "64", "--batch-size", "16", "--from-scratch", "--layerwise-decay", "1.0",
    ])
    assert code == 0
    report = json.loads((output / "metrics.json").read_text())
    assert report["summary"]["metric"] == "accuracy"
    assert report["summary"]["median"] > 0.4, report["runs"][0]["epochs"]
    assert len(report["runs"][0]["epochs"]) == 6
    model = keras.models.load_model(str(output / "best_model.keras"))
    text = ["Shares fell as the bank cut its profit forecast"]
    assert model.predict(text, verbose=0).shape == (1, 5)
    # The same model as a keras-hub task preset, preprocessor included.
    preset = ElectraClassifier.from_preset(str(output / "model"))
    np.testing.assert_allclose(preset.predict(text, verbose=0), model.predict(text, verbose=0),
                               atol=1e-6)


def test_finetune_reports_a_dev_label_unseen_in_training(tmp_path, capsys):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "train.tsv").write_text("sentence\tlabel\na good film\tpos\na bad film\tneg\n")
    (data_dir / "dev.tsv").write_text("sentence\tlabel\nan awful film\tmixed\n")
    from finetune_helpers import word_vocab

    model_dir = write_model_folder(str(tmp_path / "model"), word_vocab())
    code = main(["finetune", "--task", "tsv", "--data-dir", str(data_dir), "--model", model_dir,
                 "--output", str(tmp_path / "out")])
    assert code == 2
    error = capsys.readouterr().err
    assert "dev.tsv line 2" in error and "'mixed'" in error and "never occurs" in error
    assert not os.path.exists(tmp_path / "out" / "metrics.json")
