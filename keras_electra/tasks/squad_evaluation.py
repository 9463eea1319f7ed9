"""SQuAD's official exact-match and F1 scores (v1.1 and v2.0 evaluation scripts).

Answers are normalized as the official scripts define it: lower case, drop
every ASCII punctuation character, drop the articles "a", "an", "the" as whole
words, collapse whitespace. F1 is over the bags of normalized tokens. For
SQuAD 2.0 an unanswerable question has the single gold answer "" and scores 1
only when the prediction is "" too. Each question takes its best score over
its gold answers; totals are percentages.
"""

import collections
import re
import string

_PUNCTUATION = frozenset(string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)


def normalize_answer(text):
    """The official normalization.

    >>> normalize_answer("The  Eiffel-Tower!")
    'eiffeltower'
    """
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def exact_match(prediction, gold):
    return float(normalize_answer(prediction) == normalize_answer(gold))


def token_f1(prediction, gold):
    """F1 of the normalized tokens.

    >>> round(token_f1("the cat sat", "a cat sat down"), 4)
    0.8
    """
    predicted, expected = normalize_answer(prediction).split(), normalize_answer(gold).split()
    if not predicted or not expected:
        # Unanswerable (SQuAD 2.0): right only if both are empty.
        return float(predicted == expected)
    common = collections.Counter(predicted) & collections.Counter(expected)
    overlap = sum(common.values())
    if overlap == 0:
        return 0.0
    precision, recall = overlap / len(predicted), overlap / len(expected)
    return 2 * precision * recall / (precision + recall)


def squad_scores(gold_answers, predictions):
    """Percent EM and F1 over questions, plus HasAns/NoAns splits when both occur.

    Args:
        gold_answers: {question id: list of answer texts ([] if unanswerable)}.
        predictions: {question id: predicted text ("" for no answer)}.

    A question without a prediction scores 0 and is counted in `missing`.

    Example:
    >>> squad_scores({"q1": ["Paris"], "q2": []}, {"q1": "paris", "q2": ""})["exact_match"]
    100.0
    """
    if not gold_answers:
        raise ValueError("no gold answers to score against.")
    em, f1 = {}, {}
    missing = 0
    for qid, answers in gold_answers.items():
        answers = [a for a in answers if normalize_answer(a)] or [""]
        if qid not in predictions:
            missing += 1
            em[qid] = f1[qid] = 0.0
            continue
        prediction = predictions[qid]
        em[qid] = max(exact_match(prediction, a) for a in answers)
        f1[qid] = max(token_f1(prediction, a) for a in answers)
    result = {
        "exact_match": 100.0 * sum(em.values()) / len(em),
        "f1": 100.0 * sum(f1.values()) / len(f1),
        "total": len(em),
        "missing": missing,
    }
    has_answer = [q for q, a in gold_answers.items() if any(normalize_answer(x) for x in a)]
    no_answer = [q for q in gold_answers if q not in set(has_answer)]
    if has_answer and no_answer:
        for name, ids in (("HasAns", has_answer), ("NoAns", no_answer)):
            result[f"{name}_exact"] = 100.0 * sum(em[q] for q in ids) / len(ids)
            result[f"{name}_f1"] = 100.0 * sum(f1[q] for q in ids) / len(ids)
            result[f"{name}_total"] = len(ids)
    return result
