"""SQuAD 1.1 / 2.0: reading the JSON files and cutting contexts into model windows.

A context longer than the window is covered by overlapping windows
`[CLS] question [SEP] context piece [SEP]`, each starting `doc_stride`
sub-tokens after the previous one (BERT's and ELECTRA's scheme: doc_stride
128, questions cut to 64 sub-tokens, windows of 384 or 512).

Answers are located at the level of "words": the runs of letters and digits
and the single punctuation marks of the context, with their character
offsets. The tokenizer never merges across those boundaries, so a predicted
span of sub-tokens maps back to an exact substring of the context (what the
original's `get_final_text` reconstructs by re-aligning detokenized text).

Example:
>>> skipped = SkippedRows()  # doctest: +SKIP
>>> examples = read_squad("dev-v2.0.json", skipped, training=False)  # doctest: +SKIP
>>> windows = make_windows(examples, tokenizer, max_seq_length=384)  # doctest: +SKIP
"""

import bisect
import dataclasses
import json
import re

import numpy as np
import tensorflow as tf

from keras_electra.errors import DataError
from keras_electra.tasks.tokenized_words import WordPieceCache

_WORD = re.compile(r"(?:\w|[\u0300-\u036f])+|[^\w\s]", re.UNICODE)


@dataclasses.dataclass
class QAExample:
    """One question on one context; `answers` holds every gold text ([] if unanswerable)."""

    qid: str
    question: str
    context: str
    answers: list
    answer_start: int = -1  # character offset of the first answer, -1 if none
    is_impossible: bool = False


def split_words(text):
    """[(word, start_char, end_char)] of `text`.

    >>> split_words("It's 1990.")
    [('It', 0, 2), ("'", 2, 3), ('s', 3, 4), ('1990', 5, 9), ('.', 9, 10)]
    """
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def read_squad(path, skipped, training=True):
    """The questions of a SQuAD 1.1 or 2.0 JSON file.

    In training files an answerable question must have its answer at
    `answer_start`: a question whose text is not there is skipped and counted
    as `answer_not_in_context`. Evaluation keeps every question (the official
    scores compare texts, not offsets) and counts those whose gold texts
    occur nowhere in the context the same way, so the report shows them.
    """
    if not tf.io.gfile.exists(path):
        raise DataError(f"{path} does not exist.")
    with tf.io.gfile.GFile(path, "r") as f:
        try:
            data = json.load(f)
        except json.JSONDecodeError as e:
            raise DataError(f"{path} is not valid JSON: {e}.") from None
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise DataError(f"{path} is not a SQuAD file: it has no top-level 'data' list.")
    examples = []
    for article in data["data"]:
        for paragraph in article.get("paragraphs", []):
            context = paragraph["context"]
            for qa in paragraph.get("qas", []):
                qid = str(qa["id"])
                answers = qa.get("answers", [])
                impossible = bool(qa.get("is_impossible", False)) or not answers
                texts = [a["text"] for a in answers]
                start = -1
                where = f"{path} question {qid}"
                if not impossible:
                    first = answers[0]
                    start = int(first["answer_start"])
                    found = context[start : start + len(first["text"])] == first["text"]
                    if training and not found:
                        skipped.add("answer_not_in_context", where)
                        continue
                    if not training and not any(t in context for t in texts):
                        skipped.add("answer_not_in_context", where, count=1)
                examples.append(QAExample(qid, qa["question"], context, texts, start, impossible))
    if not examples:
        raise DataError(f"{path} holds no usable question.")
    return examples


@dataclasses.dataclass
class Windows:
    """The model inputs of a set of examples, one row a window, and how to map back.

    Attributes:
        features: the encoder's dict of int32 [windows, max_seq_length].
        start_positions, end_positions: int32 [windows] training targets (0 =
            [CLS] when the answer is not inside the window or does not exist).
        example_index: int [windows], the example each window came from.
        token_word: int [windows, max_seq_length], the context word of each
            position (-1 outside the context piece).
        max_context: bool [windows, max_seq_length], whether this window gives
            the position its most centred view (only such starts are decoded).
        words: per example, the [(word, start_char, end_char)] of its context.
    """

    features: dict
    start_positions: np.ndarray
    end_positions: np.ndarray
    example_index: np.ndarray
    token_word: np.ndarray
    max_context: np.ndarray
    words: list


def _answer_words(words, start_char, text):
    """(first word, last word) indices covering the answer, or None."""
    end_char = start_char + len(text)
    starts = [w[1] for w in words]
    first = bisect.bisect_right(starts, start_char) - 1
    if first < 0 or words[first][2] <= start_char:
        first += 1  # the answer starts on a space: take the next word
    last = bisect.bisect_left(starts, end_char) - 1
    if first >= len(words) or last < first:
        return None
    return first, last


def make_windows(
    examples, tokenizer, max_seq_length=384, doc_stride=128, max_query_length=64
):
    """Windows over every example's context, with training targets.

    Args:
        examples: `QAExample`s.
        tokenizer: the model's tokenizer (see `WordPieceCache`).
        max_seq_length, doc_stride, max_query_length: in sub-tokens.

    Returns:
        a `Windows`.
    """
    if max_seq_length - max_query_length - 3 < 1:
        raise ValueError(
            f"max_seq_length {max_seq_length} leaves no room for the context after a "
            f"question of {max_query_length} sub-tokens."
        )
    cache = WordPieceCache(tokenizer)
    rows = []
    all_words = []
    for e, example in enumerate(examples):
        words = split_words(example.context)
        all_words.append(words)
        query = [i for ids in cache.pieces([w for w, _, _ in split_words(example.question)]) for i in ids]
        query = query[:max_query_length]
        piece_word, pieces = [], []
        for w, ids in enumerate(cache.pieces([w for w, _, _ in words])):
            piece_word += [w] * len(ids)
            pieces += ids
        target = None
        if not example.is_impossible and example.answer_start >= 0:
            span = _answer_words(words, example.answer_start, example.answers[0])
            if span is not None:
                first = piece_word.index(span[0])
                last = len(piece_word) - 1 - piece_word[::-1].index(span[1])
                target = (first, last)
        room = max_seq_length - len(query) - 3
        spans, start = [], 0
        while True:
            length = min(room, len(pieces) - start)
            spans.append((start, length))
            if start + length >= len(pieces):
                break
            start += min(length, doc_stride)
        for start, length in spans:
            ids = [cache.cls_id] + query + [cache.sep_id]
            offset = len(ids)
            ids += pieces[start : start + length] + [cache.sep_id]
            segments = [0] * offset + [1] * (length + 1)
            token_word = [-1] * offset + piece_word[start : start + length] + [-1]
            max_context = [False] * len(ids)
            for k in range(length):
                max_context[offset + k] = _is_max_context(spans, (start, length), start + k)
            s_pos = e_pos = 0
            if target is not None and start <= target[0] and target[1] < start + length:
                s_pos, e_pos = target[0] - start + offset, target[1] - start + offset
            rows.append((e, ids, segments, token_word, max_context, s_pos, e_pos))
    n = len(rows)
    token_ids = np.full((n, max_seq_length), cache.pad_id, np.int32)
    segment_ids = np.zeros((n, max_seq_length), np.int32)
    padding_mask = np.zeros((n, max_seq_length), np.int32)
    token_word = np.full((n, max_seq_length), -1, np.int32)
    max_context = np.zeros((n, max_seq_length), bool)
    example_index = np.zeros(n, np.int32)
    starts, ends = np.zeros(n, np.int32), np.zeros(n, np.int32)
    for r, (e, ids, segs, words, best, s_pos, e_pos) in enumerate(rows):
        length = len(ids)
        token_ids[r, :length] = ids
        segment_ids[r, :length] = segs
        padding_mask[r, :length] = 1
        token_word[r, :length] = words
        max_context[r, :length] = best
        example_index[r], starts[r], ends[r] = e, s_pos, e_pos
    features = {"token_ids": token_ids, "segment_ids": segment_ids, "padding_mask": padding_mask}
    return Windows(features, starts, ends, example_index, token_word, max_context, all_words)


def _is_max_context(spans, span, position):
    """Whether `span` is the window where `position` has the most context on its
    shorter side (ties to the longer window), so each token is decoded once."""
    best_score, best_span = None, None
    for start, length in spans:
        end = start + length - 1
        if position < start or position > end:
            continue
        score = min(position - start, end - position) + 0.01 * length
        if best_score is None or score > best_score:
            best_score, best_span = score, (start, length)
    return best_span == span
