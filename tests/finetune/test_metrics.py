"""Metrics against values worked out by hand."""

import math

import pytest

from keras_electra.tasks import metrics
from keras_electra.tasks.entity_spans import entity_spans, is_span_scheme, span_f1
from keras_electra.tasks.squad_evaluation import normalize_answer, squad_scores, token_f1


def test_accuracy_and_f1():
    labels = [1, 1, 1, 0, 0, 0, 1, 0]
    predictions = [1, 1, 0, 0, 1, 0, 1, 0]
    assert metrics.accuracy(labels, predictions) == 6 / 8
    # tp 3, fp 1, fn 1 -> 2*3 / (6 + 1 + 1)
    assert metrics.f1_score(labels, predictions) == pytest.approx(0.75)
    assert metrics.f1_score([0, 0], [0, 0]) == 0.0


def test_matthews_binary_and_degenerate():
    # tp 3, tn 3, fp 1, fn 1 -> (9 - 1) / sqrt(4 * 4 * 4 * 4) = 0.5
    labels = [1, 1, 1, 0, 0, 0, 1, 0]
    predictions = [1, 1, 0, 0, 1, 0, 1, 0]
    assert metrics.matthews_corrcoef(labels, predictions) == pytest.approx(0.5)
    assert metrics.matthews_corrcoef([1, 0, 1], [1, 1, 1]) == 0.0  # constant prediction
    assert metrics.matthews_corrcoef([0, 1, 2], [0, 1, 2]) == pytest.approx(1.0)


def test_pearson_and_spearman_with_ties():
    assert metrics.pearson([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(0.8)
    # ranks x: 1 2.5 2.5 4, y: 1 2 3 4 -> r = 4.5 / sqrt(4.5 * 5)
    assert metrics.spearman([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(4.5 / math.sqrt(22.5))
    assert metrics.spearman([3, 2, 1], [1, 2, 3]) == pytest.approx(-1.0)


def test_metrics_refuse_mismatched_lengths():
    with pytest.raises(ValueError, match="one length"):
        metrics.accuracy([1, 0], [1])


def test_squad_normalization_and_scores():
    assert normalize_answer("  The Eiffel   Tower. ") == "eiffel tower"
    assert normalize_answer("an apple, a day") == "apple day"
    assert normalize_answer("theater") == "theater"  # articles only as whole words
    assert token_f1("eiffel tower paris", "the eiffel tower") == pytest.approx(0.8)
    gold = {"q1": ["Eiffel Tower", "the tower"], "q2": [], "q3": ["1889"]}
    scores = squad_scores(gold, {"q1": "tower", "q2": "", "q3": "in 1889"})
    # q1 matches "the tower" once "the" is dropped: EM 1, F1 1; q2: 1, 1;
    # q3: EM 0, F1 = 2 * (1/2 * 1) / (1/2 + 1) = 2/3
    assert scores["exact_match"] == pytest.approx(200 / 3)
    assert scores["f1"] == pytest.approx(100 * (1 + 1 + 2 / 3) / 3)
    assert scores["NoAns_exact"] == 100.0 and scores["HasAns_total"] == 2
    assert squad_scores({"q": ["x"]}, {})["missing"] == 1


def test_entity_spans_bio_and_bioes():
    assert entity_spans(["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-ORG"]) == [
        ("PER", 0, 1),
        ("LOC", 3, 3),
        ("LOC", 4, 4),
        ("ORG", 5, 5),  # an I- that continues nothing starts an entity (conlleval)
    ]
    assert entity_spans(["S-PER", "B-ORG", "I-ORG", "E-ORG", "O"]) == [
        ("PER", 0, 0),
        ("ORG", 1, 3),
    ]
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["S-ORG", "O"]]
    predicted = [["B-PER", "I-PER", "O", "O"], ["S-ORG", "S-LOC"]]
    scores = span_f1(gold, predicted)
    # gold 3, predicted 3, correct 2
    assert scores["precision"] == pytest.approx(2 / 3)
    assert scores["recall"] == pytest.approx(2 / 3)
    assert scores["f1"] == pytest.approx(2 / 3)
    assert is_span_scheme(["O", "B-x", "I-x"]) and not is_span_scheme(["nn", "vb", "at"])
