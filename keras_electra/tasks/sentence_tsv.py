"""Sentence (pair) classification data in TSV files: the generic reader and its pieces.

The generic format has a header naming the columns: `sentence` (or
`sentence1` and `sentence2`) and `label`; other columns are ignored. Fields
are tab-separated and never quoted (a `"` is text), as in GLUE's files.

Bad rows (too few fields, an empty label) are skipped and counted in a
`SkippedRows`; a header without the needed columns, a row with more fields than
the header (a tab inside a sentence), or a dev label never seen in training, is
an error, since every metric computed past it would be wrong.
"""

import csv
import dataclasses
import sys
from typing import Optional

import tensorflow as tf

from keras_electra.errors import DataError
from keras_electra.tasks.skipped import SkippedRows

# GLUE's QQP and MNLI hold fields longer than csv's default limit of 128 KiB.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclasses.dataclass
class SentenceExample:
    """One example: a sentence or a pair, and its label (a string; a float for regression)."""

    text_a: str
    text_b: Optional[str]
    label: object
    where: str = ""


def read_tsv_rows(path):
    """Yields (line number, fields) of a tab-separated file, unquoted, UTF-8."""
    with tf.io.gfile.GFile(path, "r") as f:
        reader = csv.reader(f, delimiter="\t", quotechar=None, quoting=csv.QUOTE_NONE)
        for number, row in enumerate(reader, start=1):
            if row and any(field.strip() for field in row):
                yield number, row


def read_columns(path, columns, skipped, header=True, label_column=None, regression=False,
                 extra_fields=True):
    """Examples from `path`, taking the text and label from `columns`.

    Args:
        path: the TSV file.
        columns: (text_a, text_b or None) as header names (`header=True`) or
            0-based indices (`header=False`).
        skipped: a `SkippedRows` that receives rows too short or without label.
        label_column: header name or index of the label; None for unlabeled.
        regression: parse the label as a float.
        extra_fields: allow rows with more fields than the header (GLUE's files);
            False refuses them.

    Raises:
        DataError: the header lacks one of the named columns.
    """
    rows = read_tsv_rows(path)
    wanted = list(columns) + [label_column]
    if header:
        try:
            _, names = next(rows)
        except StopIteration:
            raise DataError(f"{path} is empty; it should start with a header row.") from None
        names = [n.strip() for n in names]
        missing = [c for c in wanted if c is not None and c not in names]
        if missing:
            raise DataError(
                f"{path}: the header has no column {missing[0]!r} (it has {names}); "
                "a sentence classification TSV needs `sentence` (or `sentence1` and "
                "`sentence2`) and `label` columns."
            )
        wanted = [names.index(c) if c is not None else None for c in wanted]
    text_a, text_b, label = wanted
    needed = max(i for i in wanted if i is not None) + 1
    examples = []
    for number, row in rows:
        where = f"{path} line {number}"
        if header and not extra_fields and len(row) > len(names):
            # A tab inside a sentence: its fields shift, and the label read would be
            # text, a new class that no metric could be right about.
            raise DataError(
                f"{where} has {len(row)} tab-separated fields, the header {len(names)}; "
                "a sentence holding a tab? Replace tabs inside sentences by spaces."
            )
        if len(row) < needed:
            skipped.add("missing_column", where)
            continue
        value = row[label].strip() if label is not None else None
        if label is not None and not value:
            skipped.add("empty_label", where)
            continue
        if regression and value is not None:
            try:
                value = float(value)
            except ValueError:
                skipped.add("non_numeric_label", where)
                continue
        examples.append(
            SentenceExample(
                row[text_a].strip(),
                row[text_b].strip() if text_b is not None else None,
                value,
                where,
            )
        )
    return examples


def read_sentence_tsv(path, skipped, regression=False):
    """The generic format: a header with `sentence` or `sentence1`/`sentence2`, and `label`.

    Example:
    >>> skipped = SkippedRows()
    >>> examples = read_sentence_tsv("data/bbc/train.tsv", skipped)  # doctest: +SKIP
    >>> examples[0].text_a, examples[0].label                         # doctest: +SKIP
    ('Dollar gains on Greenspan speech ...', 'business')
    """
    rows = read_tsv_rows(path)
    try:
        _, names = next(rows)
    except StopIteration:
        raise DataError(f"{path} is empty; it should start with a header row.") from None
    names = [n.strip() for n in names]
    if "sentence1" in names or "sentence2" in names:
        columns = ("sentence1", "sentence2")
    elif "sentence" in names:
        columns = ("sentence", None)
    else:
        raise DataError(
            f"{path}: the header {names} names no `sentence` nor `sentence1`/`sentence2` "
            "column; write a header row such as `sentence<TAB>label`."
        )
    return read_columns(path, columns, skipped, label_column="label", regression=regression,
                        extra_fields=False)


def label_vocabulary(train_examples, fixed=None):
    """The label list: `fixed` when given (GLUE's), else the sorted training labels."""
    if fixed is not None:
        return list(fixed)
    labels = sorted({e.label for e in train_examples})
    if len(labels) < 2:
        raise DataError(
            f"the training set has {len(labels)} distinct label(s) {labels}; "
            "classification needs at least two."
        )
    return labels


def label_ids(examples, labels, split="dev"):
    """Maps each example's label to its index; a label outside `labels` is an error.

    A dev label the model never saw cannot be predicted, so any accuracy
    computed with it dropped or mapped elsewhere would be silently wrong.
    """
    index = {label: i for i, label in enumerate(labels)}
    ids = []
    for example in examples:
        if example.label not in index:
            raise DataError(
                f"{example.where}: {split} label {example.label!r} never occurs in the "
                f"training labels {labels}; fix the file or add training examples of it."
            )
        ids.append(index[example.label])
    return ids
