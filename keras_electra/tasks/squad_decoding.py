"""From start/end logits to answer texts: n-best spans, the null answer, its threshold.

For each question, over all its windows: the `n_best` highest start and end
logits are paired; a pair is a candidate if both ends lie in the context, the
end is not before the start, the span has at most `max_answer_length`
sub-tokens and the start is in its most-centred window. A candidate scores
start + end logit. The null answer ([CLS] as both ends) scores
start[0] + end[0], its lowest value over the windows. With SQuAD 2.0 the
answer is "" when null score - best span score > `null_threshold` (0 by
default; tune it on dev, as the original does).
"""

import numpy as np


def decode_answers(
    windows,
    examples,
    start_logits,
    end_logits,
    n_best=20,
    max_answer_length=30,
    allow_null=False,
    null_threshold=0.0,
    return_spans=False,
):
    """{qid: answer text} and {qid: [(text, score)] n-best list}.

    With `return_spans`, also {qid: (start_char, end_char, score)} of each answer
    in its context ((-1, -1, null score) for the empty answer).

    Example:
    >>> answers, nbest = decode_answers(windows, examples,
    ...     outputs["start_logits"], outputs["end_logits"], allow_null=True)  # doctest: +SKIP
    """
    start_logits, end_logits = np.asarray(start_logits), np.asarray(end_logits)
    candidates = [dict() for _ in examples]  # (start word, end word) -> best score
    null_scores = [np.inf] * len(examples)
    for r in range(len(start_logits)):
        e = int(windows.example_index[r])
        starts, ends = start_logits[r], end_logits[r]
        null_scores[e] = min(null_scores[e], float(starts[0] + ends[0]))
        token_word = windows.token_word[r]
        for s in np.argsort(-starts)[:n_best]:
            if token_word[s] < 0 or not windows.max_context[r, s]:
                continue
            for t in np.argsort(-ends)[:n_best]:
                if token_word[t] < 0 or t < s or t - s + 1 > max_answer_length:
                    continue
                key = (int(token_word[s]), int(token_word[t]))
                score = float(starts[s] + ends[t])
                if score > candidates[e].get(key, -np.inf):
                    candidates[e][key] = score
    answers, nbest, spans = {}, {}, {}
    for e, example in enumerate(examples):
        words = windows.words[e]
        ranked = sorted(candidates[e].items(), key=lambda kv: -kv[1])
        texts, seen, offsets = [], set(), {}
        for (first, last), score in ranked:
            text = example.context[words[first][1] : words[last][2]]
            if text not in seen:
                seen.add(text)
                texts.append((text, score))
                offsets[text] = (words[first][1], words[last][2], score)
            if len(texts) == n_best:
                break
        if allow_null:
            texts.append(("", null_scores[e]))
            texts.sort(key=lambda ts: -ts[1])
        best_span = next(((t, s) for t, s in texts if t), None)
        if best_span is None:
            answer = ""
        elif allow_null and null_scores[e] - best_span[1] > null_threshold:
            answer = ""
        else:
            answer = best_span[0]
        answers[example.qid] = answer
        nbest[example.qid] = texts
        spans[example.qid] = offsets[answer] if answer else (-1, -1, null_scores[e])
    return (answers, nbest, spans) if return_spans else (answers, nbest)


def best_null_threshold(examples, nbest, gold_answers):
    """The null threshold maximizing F1 on these (dev) questions, and that F1 (percent).

    Question q answers "" exactly when its diff (null score - best span
    score) exceeds the threshold, so sweeping the sorted diffs visits every
    distinct outcome once (the idea of the original's `find_best_thresh`).
    """
    from keras_electra.tasks.squad_evaluation import normalize_answer, token_f1

    rows = []  # (diff, F1 if "" is answered, F1 if the span is answered)
    for example in examples:
        golds = [a for a in gold_answers[example.qid] if normalize_answer(a)] or [""]
        texts = nbest[example.qid]
        null = next((s for t, s in texts if not t), None)
        span = next(((t, s) for t, s in texts if t), None)
        null_f1 = max(token_f1("", g) for g in golds)
        if span is None or null is None:
            fixed = null_f1 if span is None else max(token_f1(span[0], g) for g in golds)
            rows.append((np.inf if span is None else -np.inf, fixed, fixed))
            continue
        rows.append((null - span[1], null_f1, max(token_f1(span[0], g) for g in golds)))
    rows.sort(key=lambda r: r[0])
    # Threshold below every diff: every question with a finite diff answers "".
    total = sum(r[1] for r in rows)
    best_total, best_threshold = total, rows[0][0] - 1.0 if np.isfinite(rows[0][0]) else -1e9
    for k, (diff, null_f1, span_f1) in enumerate(rows):
        total += span_f1 - null_f1  # from this threshold on, q keeps its span
        tie_follows = k + 1 < len(rows) and rows[k + 1][0] == diff
        if np.isfinite(diff) and not tie_follows and total > best_total:
            best_total, best_threshold = total, float(diff)
    return best_threshold, 100.0 * best_total / len(rows)
