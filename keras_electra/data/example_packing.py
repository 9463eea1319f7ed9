"""Packing a document's sentences into `[CLS] A [SEP] B [SEP]` pre-training examples.

The rules are those of the original ELECTRA's `build_pretraining_dataset.py` (re-written
here; no library packs documents this way):
- sentences are gathered until they reach the target length (max_seq_length, or 5% of
  the time a random length in [5, max_seq_length]); a document's end closes an example early;
- 10% of examples keep everything in segment A (single-segment, as in classification);
  otherwise A is filled up to half the target (a sentence that would overflow A joins it
  half the time), the rest is B: one split at a sentence boundary;
- A and B are then cut to fit max_seq_length with [CLS] and [SEP]s. The original drops the
  cut tokens silently; we count them (`truncated_tokens`).

Example:
>>> packer = ExamplePacker(max_seq_length=8, cls_token_id=2, sep_token_id=3,
...                        rng=random.Random(0))
>>> [e.token_ids for e in packer.pack([[10, 11], [12, 13, 14], [15]])]
[[2, 10, 11, 3, 12, 13, 14, 3]]
"""

import dataclasses
import random

# The shortest random target length, as in the original.
MIN_TARGET_LENGTH = 5
SINGLE_SEGMENT_RATE = 0.1
SHORT_TARGET_RATE = 0.05


@dataclasses.dataclass
class PackedExample:
    """One example before padding: ids with [CLS]/[SEP] and its segment ids."""

    token_ids: list
    segment_ids: list

    @property
    def single_segment(self):
        return not any(self.segment_ids)


class ExamplePacker:
    """Turns documents (lists of tokenized sentences) into `PackedExample`s.

    Stateful across documents only through its random target length, like the original.

    Args:
        max_seq_length: length of every example, [CLS] and [SEP]s included.
        cls_token_id, sep_token_id: ids of [CLS] and [SEP].
        rng: a `random.Random`; the same seed gives the same examples.
    """

    def __init__(self, max_seq_length, cls_token_id, sep_token_id, rng):
        if max_seq_length < MIN_TARGET_LENGTH:
            raise ValueError(
                f"max_seq_length must be at least {MIN_TARGET_LENGTH}, got {max_seq_length}."
            )
        self.max_seq_length = max_seq_length
        self.cls_token_id = cls_token_id
        self.sep_token_id = sep_token_id
        self.rng = rng
        self.target_length = max_seq_length
        self.truncated_tokens = 0
        self._pending, self._pending_length = [], 0

    def pack(self, sentences):
        """All the examples of one whole document (a list of tokenized sentences)."""
        examples = [e for e in map(self.add, sentences) if e is not None]
        last = self.end_document()
        return examples + [last] if last is not None else examples

    def add(self, sentence):
        """Adds the next sentence of the current document; returns an example or None.

        Streaming sentence by sentence keeps memory flat even for a document of gigabytes.
        """
        if not sentence:
            return None
        self._pending.append(sentence)
        self._pending_length += len(sentence)
        if self._pending_length >= self.target_length:
            return self._close()
        return None

    def end_document(self):
        """Closes the current document; returns its last example, or None."""
        return self._close() if self._pending else None

    def _close(self):
        sentences = self._pending
        self._pending, self._pending_length = [], 0
        if self.rng.random() < SINGLE_SEGMENT_RATE:
            first_target = float("inf")
        else:
            first_target = (self.target_length - 3) // 2  # 3 = [CLS] and two [SEP]s.
        first, second = [], []
        for sentence in sentences:
            # While B has not started, A takes the sentence when A is empty, when it still
            # fits, or (half the time) when it overflows A. Once B has started everything
            # goes to B: the original could still move a later short sentence back into
            # A; we keep the text's order, one split at a sentence boundary. The random
            # draws happen exactly when the original's do.
            if not second and (
                not first
                or len(first) + len(sentence) < first_target
                or (len(first) < first_target and self.rng.random() < 0.5)
            ):
                first += sentence
            else:
                second += sentence
        total = len(first) + len(second)
        first = first[: self.max_seq_length - 2]
        second = second[: max(0, self.max_seq_length - len(first) - 3)]
        self.truncated_tokens += total - len(first) - len(second)

        if self.rng.random() < SHORT_TARGET_RATE:
            self.target_length = self.rng.randint(MIN_TARGET_LENGTH, self.max_seq_length)
        else:
            self.target_length = self.max_seq_length

        token_ids = [self.cls_token_id, *first, self.sep_token_id]
        segment_ids = [0] * len(token_ids)
        if second:
            token_ids += [*second, self.sep_token_id]
            segment_ids += [1] * (len(second) + 1)
        return PackedExample(token_ids, segment_ids)
