"""Raw text corpora: finding the files, cutting them into pieces, reading documents.

The format is the original ELECTRA's (and BERT's): one sentence or paragraph a line, a blank
line between documents. Everything here streams line by line through `tf.io.gfile`, so a
corpus of any size on local disk or gs:// never sits in memory.

Example:
>>> files = expand_inputs(["corpus/*.txt"])                    # doctest: +SKIP
>>> problems = TextProblems()                                  # doctest: +SKIP
>>> for line in read_lines(files[0], 0, None, problems):     # doctest: +SKIP
...     print("end of document" if line is None else line)
"""

import dataclasses
import os
import re

import tensorflow as tf

from keras_electra.errors import DataError, UsageError

# A "line" longer than this is almost surely not one sentence or paragraph (a file without
# newlines, a minified dump): it is reported as bad input rather than quietly cut.
MAX_LINE_BYTES = 1 << 20

_GLOB_CHARS = set("*?[")

# A sentence ends at . ! or ? (closing quotes or brackets may follow) before white space
# and what looks like the start of a sentence: an upper-case letter, a digit, an opening
# quote or bracket. Abbreviations before a capital ("Mr. Smith") are split too: the
# packer joins consecutive sentences again, so such a cut only moves the A/B boundary.
_SENTENCE_END = re.compile(r"([.!?]+[\"'\u201d\u2019)\]]*)\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")


def expand_inputs(patterns):
    """Expands files, directories and globs (local or gs://) into a list of files.

    Order is the order of `patterns`, each glob's matches sorted, duplicates dropped, so
    the same arguments always give the same list (and the same prepared data).

    Raises:
        UsageError: a pattern matches nothing or a path does not exist.
    """
    if not patterns:
        raise UsageError("no input given; pass `inputs` (files, folders or globs).")
    files, seen = [], set()
    for pattern in patterns:
        if _GLOB_CHARS & set(pattern):
            matches = sorted(tf.io.gfile.glob(pattern))
            matches = [m for m in matches if not tf.io.gfile.isdir(m)]
            if not matches:
                raise UsageError(f"`inputs` {pattern!r} matches no file.")
        elif tf.io.gfile.isdir(pattern):
            matches = sorted(
                os.path.join(pattern, name)
                for name in tf.io.gfile.listdir(pattern)
                if not name.startswith(".")
                and not tf.io.gfile.isdir(os.path.join(pattern, name))
            )
            if not matches:
                raise UsageError(f"`inputs` directory {pattern!r} holds no file.")
        elif tf.io.gfile.exists(pattern):
            matches = [pattern]
        else:
            raise UsageError(f"input file {pattern!r} does not exist.")
        for path in matches:
            if path not in seen:
                seen.add(path)
                files.append(path)
    return files


def split_sentences(line):
    """Splits a line (a paragraph, a whole article) into sentences at final punctuation.

    The original ELECTRA expects one sentence a line and cuts any longer line at
    max_seq_length; text with a paragraph or an article a line would lose most of its
    tokens. This rule is deliberately simple (no language model, no abbreviation list).

    Example:
    >>> split_sentences('He left. "Why?" she asked. It was 5 p.m. on Monday.')
    ['He left.', '"Why?" she asked.', 'It was 5 p.m. on Monday.']
    """
    return [part for part in _SENTENCE_END.sub("\\1\n", line).split("\n") if part]


def file_size(path):
    return tf.io.gfile.stat(path).length


@dataclasses.dataclass
class TextProblems:
    """Counts of each kind of bad input met, with where the first one was.

    Kinds: "empty_file", "invalid_utf8" (undecodable bytes, replaced by U+FFFD),
    "long_line" (a line over MAX_LINE_BYTES).
    """

    counts: dict = dataclasses.field(default_factory=dict)
    first: dict = dataclasses.field(default_factory=dict)

    def add(self, kind, count, where):
        if count <= 0:
            return
        self.counts[kind] = self.counts.get(kind, 0) + count
        self.first.setdefault(kind, where)

    def merge(self, other):
        for kind, count in other.counts.items():
            self.add(kind, count, other.first[kind])

    def __bool__(self):
        return bool(self.counts)

    def describe(self, kind):
        count, where = self.counts[kind], self.first[kind]
        if kind == "invalid_utf8":
            return f"{count} undecodable byte(s), not UTF-8 (first in {where})"
        if kind == "long_line":
            return (
                f"{count} line(s) longer than {MAX_LINE_BYTES >> 20} MiB, is it one "
                f"sentence a line? (first in {where})"
            )
        if kind == "empty_file":
            return f"{count} empty file(s) (first: {where})"
        return f"{count} {kind} (first in {where})"

    def to_json(self):
        return {k: {"count": self.counts[k], "first": self.first[k]} for k in self.counts}


def document_boundaries(path, chunk_bytes):
    """Byte offsets that cut `path` into pieces of about `chunk_bytes`, each starting a document.

    The offsets depend only on the file's bytes and `chunk_bytes`, never on how many
    workers will read the pieces: that is what keeps `prepare` deterministic.
    Returns [0, ..., size].
    """
    size = file_size(path)
    points = [0]
    with tf.io.gfile.GFile(path, "rb") as f:
        for nominal in range(chunk_bytes, size, chunk_bytes):
            if nominal <= points[-1]:
                continue
            f.seek(nominal - 1)
            f.readline()  # Finish the line holding byte nominal - 1.
            position, seen_blank = size, False
            while True:
                start = f.tell()
                line = f.readline()
                if not line:
                    break
                if not line.strip():
                    seen_blank = True
                elif seen_blank:
                    position = start
                    break
            if position >= size:
                break
            points.append(position)
    points.append(size)
    return points


def _decode(raw, path, offset, problems):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Bytes that "ignore" drops are exactly the undecodable ones.
        bad = len(raw) - len(raw.decode("utf-8", "ignore").encode("utf-8"))
        problems.add("invalid_utf8", bad, f"{path} at byte {offset}")
        return raw.decode("utf-8", "replace")


def read_lines(path, start, end, problems):
    """Yields the stripped non-blank lines of `path[start:end]`, and None at each document end.

    `start` must be a document start (see `document_boundaries`); `end=None` reads to the
    end of the file. One line at a time, so even a file without any blank line (a single
    huge document) streams. Undecodable bytes are replaced by U+FFFD and over-long lines
    kept, both counted in `problems` so the caller decides whether that is an error.
    """
    in_document = False
    with tf.io.gfile.GFile(path, "rb") as f:
        f.seek(start)
        offset = start
        while end is None or offset < end:
            raw = f.readline()
            if not raw:
                break
            if len(raw) > MAX_LINE_BYTES:
                problems.add("long_line", 1, f"{path} at byte {offset}")
            line = _decode(raw, path, offset, problems).strip()
            offset += len(raw)
            if line:
                in_document = True
                yield line
            elif in_document:
                in_document = False
                yield None
    if in_document:
        yield None


def check_problems(problems, allow_bad_input, what="input"):
    """Raises DataError naming the first kind of bad input unless `allow_bad_input`."""
    if problems and not allow_bad_input:
        kind = sorted(problems.counts)[0]
        raise DataError(
            f"bad {what}: {problems.describe(kind)}. Fix the file, or pass "
            "`allow_bad_input` to go on (bad bytes become U+FFFD, long lines are cut, "
            "empty files skipped; all counted in the output)."
        )
