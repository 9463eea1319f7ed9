import random

import numpy as np
import pytest

from keras_electra.data.example_packing import ExamplePacker

CLS, SEP = 2, 3


def documents(rng, count, sentence_lengths=(3, 20), sentences=(1, 30)):
    next_id = iter(range(10, 10**9))
    return [
        [[next(next_id) for _ in range(rng.randint(*sentence_lengths))]
         for _ in range(rng.randint(*sentences))]
        for _ in range(count)
    ]


@pytest.fixture(scope="module")
def packed():
    rng = random.Random(1)
    docs = documents(rng, 600)
    packer = ExamplePacker(64, CLS, SEP, random.Random(7))
    return docs, [packer.pack(doc) for doc in docs], packer


def test_layout_cls_a_sep_b_sep_within_max_length(packed):
    _, per_doc, _ = packed
    for example in (e for doc in per_doc for e in doc):
        ids, segments = example.token_ids, example.segment_ids
        assert 3 <= len(ids) <= 64 and len(segments) == len(ids)
        assert ids[0] == CLS and ids[-1] == SEP
        a_length = segments.index(1) if 1 in segments else len(ids)
        assert ids[a_length - 1] == SEP and segments[:a_length] == [0] * a_length
        assert segments[a_length:] == [1] * (len(ids) - a_length)
        assert ids.count(SEP) == (2 if 1 in segments else 1)


def test_segments_split_at_sentence_boundaries_and_keep_order(packed):
    docs, per_doc, _ = packed
    for doc, examples in zip(docs, per_doc):
        starts = {s[0] for s in doc}
        tokens = [t for e in examples for t in e.token_ids if t not in (CLS, SEP)]
        assert tokens == sorted(tokens)  # Document order, nothing from elsewhere.
        assert set(tokens) <= {t for s in doc for t in s}
        for e in examples:
            if 1 in e.segment_ids:
                assert e.token_ids[e.segment_ids.index(1)] in starts


def test_every_token_is_kept_or_counted_as_truncated(packed):
    docs, per_doc, packer = packed
    total = sum(len(s) for doc in docs for s in doc)
    kept = sum(len(e.token_ids) - e.token_ids.count(CLS) - e.token_ids.count(SEP)
               for doc in per_doc for e in doc)
    assert kept + packer.truncated_tokens == total


def test_single_segment_and_short_target_rates():
    # Long documents of short sentences: B is always possible, so single-segment
    # examples come from the 10% rule (plus the rare ends of documents).
    rng = random.Random(3)
    docs = documents(rng, 250, sentence_lengths=(4, 8), sentences=(300, 300))
    packer = ExamplePacker(128, CLS, SEP, random.Random(5))
    # The last example of a document is cut short by its end: leave those out.
    examples = [e for doc in docs for e in packer.pack(doc)[:-1]]
    assert len(examples) > 3000
    single = np.mean([e.single_segment for e in examples])
    assert 0.08 < single < 0.12, single
    # 5% of targets are random lengths in [5, 128]; ~84% of those are under 110 tokens.
    short = np.mean([len(e.token_ids) < 110 for e in examples])
    assert 0.025 < short < 0.06, short


def test_over_long_sentence_is_cut_and_counted():
    packer = ExamplePacker(16, CLS, SEP, random.Random(0))
    [example] = packer.pack([list(range(10, 110))])
    assert len(example.token_ids) == 16 and example.single_segment
    assert packer.truncated_tokens == 100 - 14


def test_same_seed_same_examples():
    docs = documents(random.Random(0), 50)
    runs = [[e.token_ids for d in docs for e in ExamplePacker(32, CLS, SEP, random.Random(9)).pack(d)]
            for _ in range(2)]
    assert runs[0] == runs[1]
