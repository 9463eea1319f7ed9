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


def test_finetune_tagging_saves_a_tagger_that_takes_sentences(real_data_dir, tmp_path):
    """Brown POS rows are packed in Python; the saved tagger packs text the same way."""
    from keras_electra import ElectraTokenClassifier
    from keras_electra.tasks import conll
    from keras_electra.tasks.skipped import SkippedRows

    data_dir = tmp_path / "pos"
    data_dir.mkdir()
    for split, count in (("train", 300), ("dev", 60)):
        source = real_file(real_data_dir, "tag", "brown_pos", f"{split}.conll")
        sentences = conll.read_conll(source, SkippedRows(split))[:count]
        (data_dir / f"{split}.conll").write_text(
            "".join("".join(f"{w}\t{t}\n" for w, t in zip(*s)) + "\n" for s in sentences))
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(" ".join(words) for words, _ in sentences))
    model_dir = write_model_folder(str(tmp_path / "model"), learn_vocabulary([str(corpus)], 800))
    output = tmp_path / "run"
    assert main(["finetune", "--task", "tagging", "--data-dir", str(data_dir), "--model",
                 model_dir, "--output", str(output), "--epochs", "1", "--max-seq-length", "32",
                 "--batch-size", "32"]) == 0
    dev = [" ".join(words) for words, _ in sentences[:5]]
    saved = keras.models.load_model(str(output / "best_model.keras"))
    preset = ElectraTokenClassifier.from_preset(str(output / "model"))
    assert saved.predict_words(dev) == preset.predict_words(dev)
    for text, tags in zip(dev, saved.predict_words(dev)):
        assert len(tags) == len(text.split()) or tags[-1] == -1  # cut at 32 pieces


def test_finetune_squad_saves_a_question_answerer_that_takes_text(tmp_path):
    from finetune_helpers import word_vocab
    from keras_electra import ElectraQuestionAnswerer

    context = "The Eiffel tower in Paris was built in 1889 by Gustave Eiffel's company."
    qas = [{"id": f"q{i}", "question": q, "answers": [{"text": a, "answer_start": context.index(a)}]}
           for i, (q, a) in enumerate([("Who built the tower?", "Gustave Eiffel's company"),
                                       ("When was it built?", "1889"),
                                       ("Where is the tower?", "Paris")] * 4)]
    squad_file = {"version": "1.1", "data": [{"paragraphs": [{"context": context, "qas": qas}]}]}
    data_dir = tmp_path / "squad"
    data_dir.mkdir()
    for name in ("train-v1.1.json", "dev-v1.1.json"):
        (data_dir / name).write_text(json.dumps(squad_file))
    model_dir = write_model_folder(str(tmp_path / "model"), word_vocab())
    output = tmp_path / "run"
    assert main(["finetune", "--task", "squadv1", "--data-dir", str(data_dir), "--model",
                 model_dir, "--output", str(output), "--epochs", "1", "--max-seq-length", "96",
                 "--batch-size", "8"]) == 0
    saved = keras.models.load_model(str(output / "best_model.keras"))
    preset = ElectraQuestionAnswerer.from_preset(str(output / "model"))
    questions = ["Who built the tower?", "When was it built?"]
    answers = saved.predict_answers(questions, [context] * 2)
    assert answers == preset.predict_answers(questions, [context] * 2)
    for answer in answers:
        assert context[answer["start_char"]:answer["end_char"]] == answer["answer"]
