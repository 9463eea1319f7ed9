"""Readers of GLUE TSV, generic TSV, CoNLL and SQuAD files, and their bad-input handling."""

import json

import numpy as np
import pytest

from finetune_helpers import real_file
from keras_electra.errors import DataError
from keras_electra.tasks import conll
from keras_electra.tasks.glue import GLUE_TASKS
from keras_electra.tasks.task_data import load_task
from keras_electra.tasks.sentence_tsv import label_ids, label_vocabulary, read_sentence_tsv
from keras_electra.tasks.skipped import SkippedRows
from keras_electra.tasks.squad import QAExample, make_windows, read_squad, split_words
from keras_electra.tasks.squad_decoding import best_null_threshold, decode_answers

# Abbreviated copies of the layouts the GLUE site distributes.
GLUE_FILES = {
    "cola": ("gj04\t1\t\tOur friends won't buy this analysis.\n", "Our friends won't buy this analysis.", None, "1"),
    "sst2": ("sentence\tlabel\nit 's a charming journey . \t1\n", "it 's a charming journey .", None, "1"),
    "mrpc": (
        "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t702876\t702977\tHe said \"no\".\tHe refused.\n",
        'He said "no".', "He refused.", "1",
    ),
    "stsb": (
        "index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore\n"
        "0\tmain-captions\tMSRvid\t2012test\t0001\tnone\tnone\tA plane is taking off.\tAn air plane is taking off.\t5.000\n",
        "A plane is taking off.", "An air plane is taking off.", 5.0,
    ),
    "qqp": (
        "id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n1\t3\t4\tWhy?\tHow come?\t0\n",
        "Why?", "How come?", "0",
    ),
    "mnli": (
        "index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\tsentence2_binary_parse\t"
        "sentence1_parse\tsentence2_parse\tsentence1\tsentence2\tlabel1\tgold_label\n"
        "0\t31193\t31193n\tgovernment\t( a )\t( b )\t(ROOT a)\t(ROOT b)\tConceptually cream.\tProduct and geography.\tneutral\tneutral\n",
        "Conceptually cream.", "Product and geography.", "neutral",
    ),
    "qnli": ("index\tquestion\tsentence\tlabel\n0\tWhat?\tThis.\tentailment\n", "What?", "This.", "entailment"),
    "rte": ("index\tsentence1\tsentence2\tlabel\n0\tA b.\tC d.\tnot_entailment\n", "A b.", "C d.", "not_entailment"),
    "wnli": ("index\tsentence1\tsentence2\tlabel\n0\tI stuck a pin.\tI stuck it.\t1\n", "I stuck a pin.", "I stuck it.", "1"),
}


@pytest.mark.parametrize("name", sorted(GLUE_FILES))
def test_glue_layouts(name, tmp_path):
    text, text_a, text_b, label = GLUE_FILES[name]
    task = GLUE_TASKS[name]
    for _, filename in task.dev_files:
        (tmp_path / filename).write_text(text)
    (tmp_path / "train.tsv").write_text(text)
    skipped = SkippedRows()
    for split in ["train"] + [s for s, _ in task.dev_files]:
        (example,) = task.read(str(tmp_path), split, skipped)
        assert (example.text_a, example.text_b, example.label) == (text_a, text_b, label)
    assert not skipped
    if not task.regression:
        assert label in task.labels


def test_glue_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DataError, match="`data_dir` should be the MRPC folder of GLUE"):
        GLUE_TASKS["mrpc"].read(str(tmp_path), "train", SkippedRows())
    with pytest.raises(DataError, match=r"`data_dir` \S+ is not a folder"):
        load_task("mrpc", str(tmp_path / "absent"), tokenizer=None, max_seq_length=32)


def test_generic_tsv_counts_short_rows_and_rejects_unseen_dev_labels(tmp_path):
    path = tmp_path / "train.tsv"
    path.write_text("sentence\tlabel\na fine film\tpos\nno label here\n\tneg\nawful\t\nbad\tneg\n")
    skipped = SkippedRows()
    examples = read_sentence_tsv(str(path), skipped)
    assert [e.label for e in examples] == ["pos", "neg", "neg"]
    assert skipped.counts == {"missing_column": 1, "empty_label": 1}
    assert "train.tsv line 3" in skipped.first["missing_column"]
    labels = label_vocabulary(examples)
    assert labels == ["neg", "pos"]
    dev = tmp_path / "dev.tsv"
    dev.write_text("sentence\tlabel\nok\tmixed\n")
    with pytest.raises(DataError, match="'mixed' never occurs"):
        label_ids(read_sentence_tsv(str(dev), skipped), labels)


def test_generic_tsv_header_without_sentence_column(tmp_path):
    path = tmp_path / "train.tsv"
    path.write_text("text\tlabel\nhello\tpos\n")
    with pytest.raises(DataError, match="no `sentence`"):
        read_sentence_tsv(str(path), SkippedRows())


def test_generic_tsv_reads_real_bbc(real_data_dir):
    skipped = SkippedRows()
    train = read_sentence_tsv(real_file(real_data_dir, "classify", "bbc", "train.tsv"), skipped)
    dev = read_sentence_tsv(real_file(real_data_dir, "classify", "bbc", "dev.tsv"), skipped)
    labels = label_vocabulary(train)
    assert labels == ["business", "entertainment", "politics", "sports", "tech"]
    assert len(train) == 1780 and len(dev) == 445 and not skipped
    assert len(label_ids(dev, labels)) == len(dev)


def test_conll_skips_sentences_with_a_wrong_column_count(tmp_path):
    path = tmp_path / "train.conll"
    path.write_text("-DOCSTART- O\n\nJohn\tB-PER\nlives\tO\n\nParis\tB-LOC\tX\nis\tO\n\nbig\tO\n")
    skipped = SkippedRows()
    sentences = conll.read_conll(str(path), skipped)
    assert sentences == [(["John", "lives"], ["B-PER", "O"]), (["big"], ["O"])]
    assert skipped.counts == {"wrong_column_count": 1}
    assert "line 6" in skipped.first["wrong_column_count"]
    count, unseen = conll.unseen_tags([(["x", "y"], ["B-MISC", "O"])], conll.tag_vocabulary(sentences))
    assert (count, unseen) == (1, {"B-MISC": 1})


def test_conll_first_subtoken_labels_and_long_sentences(small_tokenizer):
    sentences = [(["Paris", "tower", "xq"], ["B-LOC", "O", "O"]), (["the"] * 10, ["O"] * 10)]
    tags = ["B-LOC", "O"]
    features, labels, weights, pieces = conll.encode_tagged_sentences(
        sentences, small_tokenizer, tags, sequence_length=8
    )
    # "xq" is two pieces (x ##q): only its first carries the label.
    assert features["token_ids"][0, :6].tolist()[0] == 2
    assert weights[0].tolist() == [0, 1, 1, 1, 0, 0, 0, 0]
    assert labels[0, :4].tolist() == [0, 0, 1, 1]
    # The 10-word sentence is cut into windows of 6 words at most, never truncated.
    assert pieces == [(0, 0, 3), (1, 0, 6), (1, 6, 4)]
    logits = np.zeros(labels.shape + (2,))
    logits[..., 1] = 1.0
    logits[0, 1, 0] = 5.0
    predicted = conll.decode_tag_predictions(logits, weights, pieces, sentences, tags)
    assert predicted == [["B-LOC", "O", "O"], ["O"] * 10]


def test_conll_reads_real_tag_sets(real_data_dir):
    skipped = SkippedRows()
    wnut = conll.read_conll(real_file(real_data_dir, "tag", "wnut16", "dev.conll"), skipped)
    tags = conll.tag_vocabulary(wnut)
    assert "O" in tags and any(t.startswith("B-") for t in tags)
    assert all(len(w) == len(t) for w, t in wnut)


def _squad_file(path, answer_start):
    context = "The Eiffel Tower was built in 1889 by the company of Gustave Eiffel."
    data = {"version": "v2.0", "data": [{"title": "t", "paragraphs": [{"context": context, "qas": [
        {"id": "a", "question": "When was the tower built?", "is_impossible": False,
         "answers": [{"text": "1889", "answer_start": answer_start}]},
        {"id": "b", "question": "Who lives in London?", "is_impossible": True, "answers": []},
    ]}]}]}
    path.write_text(json.dumps(data))
    return context


def test_squad_reader_skips_answers_not_in_context(tmp_path):
    path = tmp_path / "train.json"
    context = _squad_file(path, 3)  # wrong offset
    skipped = SkippedRows()
    examples = read_squad(str(path), skipped, training=True)
    assert [e.qid for e in examples] == ["b"]
    assert skipped.counts == {"answer_not_in_context": 1}
    _squad_file(path, context.index("1889"))
    examples = read_squad(str(path), SkippedRows(), training=True)
    assert examples[0].answer_start == context.index("1889") and examples[1].is_impossible


def test_squad_windows_and_span_decoding(small_tokenizer):
    context = ("The eiffel tower was built in 1889. It was named after gustave eiffel, "
               "the engineer whose company designed it. ") * 3
    examples = [
        QAExample("q1", "When was the tower built?", context, ["1889"], context.index("1889")),
        QAExample("q2", "Who lives in london?", "John works in paris.", [], -1, True),
    ]
    windows = make_windows(examples, small_tokenizer, max_seq_length=32, doc_stride=8,
                           max_query_length=10)
    rows = np.nonzero(windows.example_index == 0)[0]
    assert len(rows) > 3  # the long context needs several overlapping windows
    assert windows.features["token_ids"].shape == (len(windows.example_index), 32)
    labelled = [r for r in rows if windows.start_positions[r] > 0]
    assert labelled, "the answer must be a target in some window"
    for r in labelled:
        word = windows.token_word[r, windows.start_positions[r]]
        _, a, b = windows.words[0][word]
        assert context[a:b] == "1889"
    # Windows without the answer, and the unanswerable question, point at [CLS].
    assert windows.start_positions[windows.example_index == 1].tolist() == [0]
    # Logits that favour the targets decode to the answer texts and the null answer.
    start = np.full(windows.token_word.shape, -5.0)
    end = start.copy()
    start[np.arange(len(start)), windows.start_positions] = 5.0
    end[np.arange(len(end)), windows.end_positions] = 5.0
    answers, nbest = decode_answers(windows, examples, start, end, allow_null=True)
    assert answers == {"q1": "1889", "q2": ""}
    without_null, _ = decode_answers(windows, examples, start, end, allow_null=False)
    assert without_null["q2"] != ""
    threshold, f1 = best_null_threshold(examples, nbest, {"q1": ["1889"], "q2": []})
    assert f1 == 100.0


def test_split_words_keeps_exact_offsets():
    text = "Naïve café, 3.5 kg—done!"
    for word, a, b in split_words(text):
        assert text[a:b] == word
