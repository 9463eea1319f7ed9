import json
import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from keras_electra.data import vocab as vocab_lib
from keras_electra.data.manifest import read_manifest
from keras_electra.data.pretraining_examples import write_pretraining_examples
from keras_electra.errors import DataError, UsageError

FEATURES = ("token_ids", "segment_ids", "padding_mask")


def read_examples(directory):
    manifest = read_manifest(directory)
    spec = {f: tf.io.FixedLenFeature([manifest["max_seq_length"]], tf.int64) for f in FEATURES}
    examples = []
    for shard in manifest["shards"]:
        for record in tf.data.TFRecordDataset(os.path.join(directory, shard["file"])):
            parsed = tf.io.parse_single_example(record, spec)
            examples.append({f: parsed[f].numpy() for f in FEATURES})
    return manifest, examples


def listing(directory):
    """Every file under `directory` with its bytes: proof that nothing changed."""
    return {
        os.path.join(root, name): open(os.path.join(root, name), "rb").read()
        for root, _, names in os.walk(directory) for name in names
    }


@pytest.fixture(scope="module")
def prepared(corpus, vocab_path, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("prepared") / "data")
    write_pretraining_examples([corpus], vocab_path, out, max_seq_length=32, num_shards=3,
                               seed=1, progress=False)
    return out


def test_examples_follow_the_layout(prepared, vocab_path):
    manifest, examples = read_examples(prepared)
    ids = vocab_lib.special_token_ids(vocab_path)
    assert len(examples) == manifest["example_count"] > 100
    for e in examples:
        tokens, segments, mask = e["token_ids"], e["segment_ids"], e["padding_mask"]
        length = int(mask.sum())
        assert mask.tolist() == [1] * length + [0] * (32 - length)
        assert (tokens[length:] == ids["pad_token_id"]).all()
        assert (segments[length:] == 0).all()
        assert tokens[0] == ids["cls_token_id"] and tokens[length - 1] == ids["sep_token_id"]
        assert (tokens[1:length] != ids["cls_token_id"]).all()
        separators = np.flatnonzero(tokens[:length] == ids["sep_token_id"])
        assert len(separators) == 1 + segments.any()
        assert segments[: separators[0] + 1].sum() == 0
        assert (segments[separators[0] + 1 : length] == 1).all()
    single = np.mean([not e["segment_ids"].any() for e in examples])
    assert 0.05 < single < 0.5  # 10% by rule, plus one-sentence documents.


def test_manifest_describes_the_data(prepared, corpus, vocab_path):
    manifest, examples = read_examples(prepared)
    assert manifest["vocab_sha256"] == vocab_lib.vocabulary_hash(vocab_path)
    assert manifest["vocab_size"] == len(vocab_lib.read_vocabulary(vocab_path))
    assert manifest["special_token_ids"] == vocab_lib.special_token_ids(vocab_path)
    assert manifest["max_seq_length"] == 32 and manifest["num_shards"] == 3
    assert manifest["lowercase"] is True and manifest["strip_accents"] is True
    assert manifest["sources"] == [{"path": os.path.abspath(corpus),
                                    "bytes": os.path.getsize(corpus)}]
    assert sum(s["examples"] for s in manifest["shards"]) == len(examples)
    assert manifest["stats"]["documents"] == 120
    assert manifest["problems"] == {}
    assert sorted(os.listdir(prepared)) == sorted(
        [s["file"] for s in manifest["shards"]]
        + ["manifest.json", "vocab.txt", "vocab.txt.json"])
    with open(os.path.join(prepared, "vocab.txt"), "rb") as copy, open(vocab_path, "rb") as f:
        assert copy.read() == f.read()  # pretrain reads the vocabulary from the data.


def test_same_output_whatever_the_worker_count(news_sample, news_vocab, tmp_path):
    # Real news text; 3 shards, pieces of 1 MiB: this sample is one piece, so also
    # repeat it to get several pieces running in two processes.
    big = tmp_path / "news_x8.txt"
    big.write_text(open(news_sample, encoding="utf-8").read() * 8, encoding="utf-8")
    outputs = []
    for workers in (1, 2):
        out = str(tmp_path / f"w{workers}")
        manifest = write_pretraining_examples([str(big)], news_vocab, out, max_seq_length=64,
                                              num_shards=3, workers=workers, progress=False)
        outputs.append({name: data for name, data in listing(out).items()
                        if not name.endswith("manifest.json")})
        outputs[-1] = {os.path.basename(k): v for k, v in outputs[-1].items()}
    assert outputs[0] == outputs[1]
    assert manifest["example_count"] > 500
    # A different seed packs differently.
    other = str(tmp_path / "seed")
    write_pretraining_examples([str(big)], news_vocab, other, max_seq_length=64,
                               num_shards=3, seed=5, progress=False)
    assert listing(other)[os.path.join(other, "data-00000-of-00003.tfrecord")] != \
        outputs[0]["data-00000-of-00003.tfrecord"]


def test_running_again_is_a_no_op_and_a_different_dataset_is_refused(prepared, corpus,
                                                                    vocab_path):
    before = listing(prepared)
    again = write_pretraining_examples([corpus], vocab_path, prepared, max_seq_length=32,
                                       num_shards=3, seed=1, progress=False)
    assert again["status"] == "existing"
    with pytest.raises(DataError, match=r"different dataset \(it differs in: max_seq_length, seed\)"):
        write_pretraining_examples([corpus], vocab_path, prepared, max_seq_length=64,
                                   num_shards=3, seed=2, progress=False)
    assert listing(prepared) == before


def test_folder_with_other_files_is_refused(corpus, vocab_path, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(DataError, match="not empty and holds no manifest.json"):
        write_pretraining_examples([corpus], vocab_path, str(tmp_path), progress=False)
    assert os.listdir(tmp_path) == ["notes.txt"]


def test_a_different_dataset_or_other_files_are_replaced_whole_with_overwrite(
        prepared, corpus, vocab_path, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "notes.txt").write_text("mine")
    write_pretraining_examples([corpus], vocab_path, str(data), max_seq_length=32,
                               num_shards=3, seed=1, progress=False, overwrite=True)
    assert listing(str(data)) == {k.replace(prepared, str(data)): v
                                  for k, v in listing(prepared).items()}
    assert sorted(os.listdir(tmp_path)) == ["data"]
    again = write_pretraining_examples([corpus], vocab_path, str(data), max_seq_length=32,
                                       num_shards=3, seed=1, progress=False, overwrite=True)
    assert again["status"] == "existing"  # This very dataset is kept, not rewritten.


WRITER = """
import sys
from keras_electra.output_folder import staged_folder
with staged_folder(sys.argv[1]) as staging:
    print(staging, flush=True)
    sys.stdin.readline()
"""


def test_a_second_prepare_leaves_a_live_runs_staging_alone_and_a_killed_runs_goes(
        corpus, vocab_path, tmp_path):
    out = str(tmp_path / "data")

    def writer():
        process = subprocess.Popen([sys.executable, "-c", WRITER, out], text=True,
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        return process, process.stdout.readline().strip()

    process, staging = writer()  # Another run, writing `out` right now.
    try:
        with pytest.raises(UsageError, match=f"being written by another run .process {process.pid}"):
            write_pretraining_examples([corpus], vocab_path, out, progress=False)
        assert os.path.isdir(staging) and not os.path.exists(out)
    finally:
        process.kill()
        process.wait()
    assert os.path.isdir(staging)  # Killed: its staging is left behind ...
    manifest = write_pretraining_examples([corpus], vocab_path, out, progress=False)
    assert manifest["status"] == "written"
    assert sorted(os.listdir(tmp_path)) == ["data"]  # ... and removed by the next run.


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "1 empty file"),
        (b"\n  \n\n", "1 empty file"),
        ("caf\xe9 au lait.\n\nna\xefve.\n".encode("latin-1"), "2 undecodable byte"),
        (b"ka lo " * ((10 << 20) // 6) + b"\n", "1 line.* longer than 1 MiB"),
    ],
    ids=["empty", "blank-lines-only", "latin-1", "10MB-line"],
)
def test_bad_input_fails_cleanly_unless_allowed(content, message, corpus, vocab_path,
                                                tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    out = tmp_path / "out"
    with pytest.raises(DataError, match=message):
        write_pretraining_examples([corpus, str(bad)], vocab_path, str(out), progress=False)
    assert not out.exists()  # Nothing half-written left behind.
    manifest = write_pretraining_examples([corpus, str(bad)], vocab_path, str(out),
                                          allow_bad_input=True, progress=False)
    [(kind, problem)] = manifest["problems"].items()
    assert str(bad) in problem["first"]
    if kind == "long_line":
        assert manifest["stats"]["truncated_tokens"] > 1000  # Cut, and counted.


def test_short_documents_become_short_examples_and_are_counted(vocab_path, tmp_path):
    text = tmp_path / "short.txt"
    text.write_text("Kalo.\n\nMine su ta.\n\n" + "Kalo mine su ta ka lo. " * 20 + "\n")
    write_pretraining_examples([str(text)], vocab_path, str(tmp_path / "o"),
                               max_seq_length=32, progress=False)
    manifest, examples = read_examples(str(tmp_path / "o"))
    assert manifest["stats"]["short_documents"] == 1
    assert manifest["stats"]["documents"] == 3
    assert min(int(e["padding_mask"].sum()) for e in examples) <= 5


@pytest.mark.parametrize("arguments, message", [
    ({"max_seq_length": 2}, "`max_seq_length` must be an integer >="),
    ({"workers": 0}, "`workers` must be a positive integer"),
    ({"num_shards": 0}, "`num_shards` must be a positive integer"),
])
def test_bad_arguments_are_refused_by_name(corpus, vocab_path, tmp_path, arguments, message):
    with pytest.raises(UsageError) as e:
        write_pretraining_examples([corpus], vocab_path, str(tmp_path / "o"),
                                   progress=False, **arguments)
    assert message in str(e.value)
    assert not (tmp_path / "o").exists()


def test_no_examples_at_all_and_missing_inputs(vocab_path, tmp_path):
    with pytest.raises(UsageError, match="matches no file"):
        write_pretraining_examples([str(tmp_path / "*.txt")], vocab_path,
                                   str(tmp_path / "o"), progress=False)
    with pytest.raises(UsageError, match="does not exist"):
        write_pretraining_examples([str(tmp_path / "gone.txt")], vocab_path,
                                   str(tmp_path / "o"), progress=False)
    (tmp_path / "blank.txt").write_text("\n\n")
    with pytest.raises(DataError, match="no text found"):
        write_pretraining_examples([str(tmp_path / "blank.txt")], vocab_path,
                                   str(tmp_path / "o"), allow_bad_input=True, progress=False)
    assert not os.path.exists(tmp_path / "o" / "manifest.json")
