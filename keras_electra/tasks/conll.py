"""CoNLL-style column files for tagging (POS, chunking, NER), and their encoding.

One token a line, its columns separated by tabs (or spaces), the word first
and the tag last; a blank line ends a sentence; `-DOCSTART-` lines are
document markers and are ignored. Every line of a file must have as many
columns as its first token line: a sentence with a line that has not is
skipped whole and counted, since its tags could be misaligned.

Words are labelled on their first sub-token (BERT's and ELECTRA's choice);
the other sub-tokens get sample weight 0. Sentences longer than the model's
window are cut into consecutive pieces at word boundaries, never truncated,
so every word is predicted and scored.

Example:
>>> skipped = SkippedRows()  # doctest: +SKIP
>>> sentences = read_conll("tag/wnut16/train.conll", skipped)  # doctest: +SKIP
>>> sentences[0]                                              # doctest: +SKIP
(['From', 'Green', 'Newsfeed', ...], ['O', 'O', 'O', ...])
"""

import numpy as np
import tensorflow as tf

from keras_electra.errors import DataError
from keras_electra.tasks.tokenized_words import WordPieceCache


def read_conll(path, skipped):
    """[(words, tags)] of the file at `path`; bad sentences are skipped into `skipped`."""
    if not tf.io.gfile.exists(path):
        raise DataError(f"{path} does not exist.")
    sentences, words, tags = [], [], []
    width, bad_line = None, None

    def finish():
        nonlocal words, tags, bad_line
        if bad_line is not None:
            skipped.add("wrong_column_count", bad_line)
        elif words:
            sentences.append((words, tags))
        words, tags, bad_line = [], [], None

    with tf.io.gfile.GFile(path, "r") as f:
        for number, line in enumerate(f, start=1):
            line = line.rstrip("\r\n")
            if not line.strip():
                finish()
                continue
            fields = line.split("\t") if "\t" in line else line.split()
            if fields[0] == "-DOCSTART-":
                continue
            if width is None:
                width = len(fields)
                if width < 2:
                    raise DataError(
                        f"{path} line {number}: {line!r} has one column; a CoNLL file "
                        "needs the word first and the tag last, separated by a tab."
                    )
            if len(fields) != width or not fields[0].strip() or not fields[-1].strip():
                if bad_line is None:
                    bad_line = f"{path} line {number}: {line!r} has {len(fields)} columns, not {width}"
                continue
            words.append(fields[0].strip())
            tags.append(fields[-1].strip())
    finish()
    if not sentences:
        raise DataError(f"{path} holds no usable sentence.")
    return sentences


def tag_vocabulary(train_sentences):
    """Sorted tags of the training sentences."""
    return sorted({t for _, tags in train_sentences for t in tags})


def unseen_tags(sentences, tags):
    """(count, {tag: count}) of the words whose tag is not in `tags` (unseen in training).

    Fine-grained tag sets (Brown has hundreds of rare tags) put a few tags in
    dev that a training sample never shows. Such words cannot be predicted
    right; they are kept and scored as errors, and the count is reported, so
    the metric is neither silently inflated nor an outright failure.
    """
    known = set(tags)
    counts = {}
    for _, sentence_tags in sentences:
        for tag in sentence_tags:
            if tag not in known:
                counts[tag] = counts.get(tag, 0) + 1
    return sum(counts.values()), counts


def encode_tagged_sentences(sentences, tokenizer, tags, sequence_length):
    """Packs sentences into fixed-length rows for `ElectraTokenClassifier`.

    Args:
        sentences: [(words, tags)]; tags may be None for prediction.
        tokenizer: the model's tokenizer (see `WordPieceCache`).
        tags: the tag list; tag ids are indices into it.
        sequence_length: row length including [CLS] and [SEP].

    Returns:
        (features, label_ids, label_weights, pieces): features is the encoder's
        dict of int32 arrays [rows, sequence_length]; label_ids and
        label_weights are [rows, sequence_length] (weight 1 on each word's
        first sub-token); pieces lists, for each row, (sentence index, first
        word index, number of words), to put predictions back together with
        `decode_tag_predictions`.
    """
    cache = WordPieceCache(tokenizer)
    tag_index = {t: i for i, t in enumerate(tags)}
    room = sequence_length - 2
    rows, pieces = [], []
    for s, (words, sentence_tags) in enumerate(sentences):
        word_ids = [ids[:room] for ids in cache.pieces(words)]
        start = 0
        while start < len(words):
            end, used = start, 0
            while end < len(words) and used + len(word_ids[end]) <= room:
                used += len(word_ids[end])
                end += 1
            ids, labels, weights = [cache.cls_id], [0], [0.0]
            for w in range(start, end):
                ids += word_ids[w]
                # An unseen dev tag gets id 0; its word is scored on the tag string.
                first = tag_index.get(sentence_tags[w], 0) if sentence_tags is not None else 0
                labels += [first] + [0] * (len(word_ids[w]) - 1)
                weights += [1.0] + [0.0] * (len(word_ids[w]) - 1)
            ids.append(cache.sep_id)
            labels.append(0)
            weights.append(0.0)
            rows.append((ids, labels, weights))
            pieces.append((s, start, end - start))
            start = end
    n = len(rows)
    token_ids = np.full((n, sequence_length), cache.pad_id, np.int32)
    padding_mask = np.zeros((n, sequence_length), np.int32)
    label_ids = np.zeros((n, sequence_length), np.int32)
    label_weights = np.zeros((n, sequence_length), np.float32)
    for r, (ids, labels, weights) in enumerate(rows):
        token_ids[r, : len(ids)] = ids
        padding_mask[r, : len(ids)] = 1
        label_ids[r, : len(ids)] = labels
        label_weights[r, : len(ids)] = weights
    features = {
        "token_ids": token_ids,
        "segment_ids": np.zeros_like(token_ids),
        "padding_mask": padding_mask,
    }
    return features, label_ids, label_weights, pieces


def decode_tag_predictions(logits, label_weights, pieces, sentences, tags):
    """Per-sentence predicted tag lists from row logits [rows, seq, num_tags]."""
    predicted = [[None] * len(words) for words, _ in sentences]
    best = np.argmax(logits, axis=-1)
    for r, (s, start, count) in enumerate(pieces):
        positions = np.nonzero(label_weights[r])[0]
        if len(positions) != count:
            raise AssertionError("rows and pieces do not match")
        for k, position in enumerate(positions):
            predicted[s][start + k] = tags[int(best[r, position])]
    return predicted
