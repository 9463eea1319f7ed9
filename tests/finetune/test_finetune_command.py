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


def served_signature(preset, tmp_path):
    """`keras-electra export` of the preset `finetune` wrote, loaded by TensorFlow."""
    import tensorflow as tf
    import tensorflow_text  # noqa: F401  (registers the tokenizer's ops)

    exported = str(tmp_path / "exported" / "1")
    assert main(["export", "--model", str(preset), "--output", exported]) == 0
    return tf.saved_model.load(exported).signatures["serving_default"]


def test_finetune_of_pairs_writes_serving_settings_that_export_serves(tmp_path):
    import tensorflow as tf

    from finetune_helpers import word_vocab

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    pairs = [("a good film", "a great plot", "same"), ("a good film", "an awful plot", "other"),
             ("a bad movie", "an awful actor", "same"), ("a great actor", "a bad plot", "other")]
    rows = "".join(f"{a}\t{b}\t{label}\n" for a, b, label in pairs * 3)
    for split in ("train", "dev"):
        (data_dir / f"{split}.tsv").write_text("sentence1\tsentence2\tlabel\n" + rows)
    model_dir = write_model_folder(str(tmp_path / "model"), word_vocab())
    output = tmp_path / "run"
    assert main(["finetune", "--task", "tsv", "--data-dir", str(data_dir), "--model", model_dir,
                 "--output", str(output), "--epochs", "1", "--max-seq-length", "16",
                 "--batch-size", "8"]) == 0
    preset = output / "model"
    assert json.loads((preset / "serving.json").read_text()) == {
        "labels": ["other", "same"], "text_pair": True}

    serve = served_signature(preset, tmp_path)
    assert set(serve.structured_input_signature[1]) == {"text_a", "text_b"}
    text_a, text_b = [a for a, _, _ in pairs], [b for _, b, _ in pairs]
    served = serve(text_a=tf.constant(text_a), text_b=tf.constant(text_b))
    # One-element tuples, as fine-tuning's evaluation passes pairs to predict.
    pairs_dataset = tf.data.Dataset.from_tensor_slices(((text_a, text_b),)).batch(4)
    classifier = ElectraClassifier.from_preset(str(preset))
    expected = tf.nn.softmax(classifier.predict(pairs_dataset, verbose=0)).numpy()
    np.testing.assert_allclose(served["probabilities"].numpy(), expected, atol=1e-5)
    assert [label.decode() for label in served["label"].numpy()] == [
        ["other", "same"][i] for i in expected.argmax(-1)]


SQUAD_CONTEXT = "The Eiffel tower in Paris was built in 1889 by Gustave Eiffel's company."


def write_squad(data_dir, version):
    """Twelve answerable questions on one context (v2.0: and four without an answer),
    as both train-VERSION.json and dev-VERSION.json."""
    context = SQUAD_CONTEXT
    qas = [{"id": f"q{i}", "question": q, "answers": [{"text": a, "answer_start": context.index(a)}]}
           for i, (q, a) in enumerate([("Who built the tower?", "Gustave Eiffel's company"),
                                       ("When was it built?", "1889"),
                                       ("Where is the tower?", "Paris")] * 4)]
    if version == "v2.0":
        qas += [{"id": f"n{i}", "question": "Where does John work?", "answers": [],
                 "is_impossible": True} for i in range(4)]
    squad_file = {"version": version, "data": [{"paragraphs": [{"context": context, "qas": qas}]}]}
    data_dir.mkdir()
    for name in (f"train-{version}.json", f"dev-{version}.json"):
        (data_dir / name).write_text(json.dumps(squad_file))


def test_squad_v1_1_is_served_without_null_answers(tmp_path):
    """What a SQuAD 1.1 fine-tuning writes as serving.json, without the fine-tuning: the
    v2.0 run below covers training, the preset and the export end to end."""
    from finetune_helpers import word_vocab
    from keras_electra import ElectraTokenizer
    from keras_electra.tasks.task_data import load_task

    write_squad(tmp_path / "squad", "v1.1")
    tokenizer = ElectraTokenizer(word_vocab(), lowercase=True, strip_accents=True)
    data = load_task("squadv1", str(tmp_path / "squad"), tokenizer, 96)
    assert data.serving_settings({"dev": {"f1": 0.0}}) == {"allow_null": False}


def test_finetune_squad_saves_a_question_answerer_that_takes_text(tmp_path):
    import tensorflow as tf

    from finetune_helpers import word_vocab
    from keras_electra import ElectraQuestionAnswerer

    context = SQUAD_CONTEXT
    write_squad(tmp_path / "squad", "v2.0")
    model_dir = write_model_folder(str(tmp_path / "model"), word_vocab())
    output = tmp_path / "run"
    assert main(["finetune", "--task", "squad", "--data-dir", str(tmp_path / "squad"), "--model",
                 model_dir, "--output", str(output), "--epochs", "1", "--max-seq-length", "96",
                 "--batch-size", "8"]) == 0
    saved = keras.models.load_model(str(output / "best_model.keras"))
    preset = ElectraQuestionAnswerer.from_preset(str(output / "model"))
    questions = ["Who built the tower?", "When was it built?", "Where does John work?"]
    answers = saved.predict_answers(questions, [context] * 3)
    assert answers == preset.predict_answers(questions, [context] * 3)
    for answer in answers:
        assert context[answer["start_char"]:answer["end_char"]] == answer["answer"]

    # SQuAD 2.0 models may answer nothing, past the null threshold tuned on dev.
    settings = json.loads((output / "model" / "serving.json").read_text())
    report = json.loads((output / "metrics.json").read_text())
    threshold = report["runs"][0]["best"]["results"]["dev"]["best_null_threshold"]
    assert settings == {"allow_null": True, "null_threshold": threshold}
    # Questions not in dev: a dev question's margin can equal the tuned threshold
    # exactly, where rounding decides. The finetune --output itself is exported: export
    # finds the preset in its model/.
    new_questions = ["Who designed the tower?", "What city is it in?", "When did John work?"]
    served = served_signature(output, tmp_path)(
        question=tf.constant(new_questions), context=tf.constant([context] * 3))
    expected = preset.predict_answers(new_questions, [context] * 3, **settings)
    assert [a.decode() for a in served["answer"].numpy()] == [a["answer"] for a in expected]
    assert served["start_char"].numpy().tolist() == [a["start_char"] for a in expected]
