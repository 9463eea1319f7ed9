"""The `keras-electra vocab` and `prepare` commands, end to end, in process."""

import os

import pytest

from keras_electra.cli import main
from keras_electra.data import read_manifest, read_vocabulary


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def error_line(err):
    lines = [l for l in err.splitlines() if l.startswith("keras-electra: error:")]
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture(scope="module")
def news_files(news_sample, tmp_path_factory):
    """Two files of real news text, to exercise globs."""
    folder = tmp_path_factory.mktemp("news_files")
    text = open(news_sample, encoding="utf-8").read()
    middle = text.index("\n\n", len(text) // 2) + 2
    (folder / "a.txt").write_text(text[:middle], encoding="utf-8")
    (folder / "b.txt").write_text(text[middle:], encoding="utf-8")
    return folder


def test_vocab_then_prepare_on_real_news(capsys, news_files, tmp_path):
    vocab = str(tmp_path / "vocab.txt")
    code, out, _ = run(capsys, "vocab", "--input", str(news_files / "*.txt"),
                       "--vocab-size", "1000", "--output", vocab)
    assert code == 0 and "Wrote" in out
    assert read_vocabulary(vocab)[:5] == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    data = str(tmp_path / "data")
    code, out, _ = run(capsys, "prepare", "--input", str(news_files / "*.txt"), "--vocab",
                       vocab, "--output", data, "--max-seq-length", "64", "--workers", "1",
                       "--num-shards", "2", "--quiet")
    assert code == 0, out
    manifest = read_manifest(data)
    assert [os.path.basename(s["path"]) for s in manifest["sources"]] == ["a.txt", "b.txt"]
    assert f"Wrote {manifest['example_count']} examples of 64 tokens" in out
    # Again: nothing to do, exit 0.
    code, out, _ = run(capsys, "prepare", "--input", str(news_files / "*.txt"), "--vocab",
                       vocab, "--output", data, "--max-seq-length", "64", "--workers", "1",
                       "--num-shards", "2", "--quiet")
    assert code == 0 and "nothing to do" in out
    # A different dataset into the same folder: refused, one line, exit 2.
    code, _, err = run(capsys, "prepare", "--input", str(news_files / "a.txt"), "--vocab",
                       vocab, "--output", data, "--max-seq-length", "64", "--quiet")
    assert code == 2
    assert "already holds a different dataset (it differs in: num_shards, sources)" in \
        error_line(err)
    assert read_manifest(data) == manifest


@pytest.mark.parametrize(
    "make_args, message",
    [
        (lambda d: ["vocab", "--input", f"{d}/none*.txt", "--vocab-size", "100",
                    "--output", f"{d}/v.txt"], "matches no file"),
        (lambda d: ["vocab", "--input", f"{d}/corpus.txt", "--vocab-size", "12",
                    "--output", f"{d}/v.txt"], "--vocab-size 12 is too small"),
        (lambda d: ["prepare", "--input", f"{d}/corpus.txt", "--vocab", f"{d}/nomask.txt",
                    "--output", f"{d}/out"], "lacks the special token(s) [MASK]"),
        (lambda d: ["prepare", "--input", f"{d}/latin1.txt", "--vocab", f"{d}/vocab.txt",
                    "--output", f"{d}/out", "--quiet"], "undecodable byte"),
        (lambda d: ["prepare", "--input", f"{d}/empty.txt", "--vocab", f"{d}/vocab.txt",
                    "--output", f"{d}/out", "--quiet"], "1 empty file"),
        # The library names its arguments; the line names the flags.
        (lambda d: ["prepare", "--input", f"{d}/latin1.txt", "--vocab", f"{d}/vocab.txt",
                    "--output", f"{d}/out", "--quiet"], "pass --allow-bad-input to go on"),
        (lambda d: ["prepare", "--input", f"{d}/corpus.txt", "--vocab", f"{d}/vocab.txt",
                    "--output", f"{d}/out", "--max-seq-length", "2"],
         "--max-seq-length must be an integer"),
        (lambda d: ["vocab", "--input", f"{d}/corpus.txt", "--vocab-size", "100",
                    "--output", f"{d}/vocab.txt"], "pass --overwrite or choose another --output"),
    ],
    ids=["glob-matches-nothing", "vocab-too-small", "vocab-without-mask", "not-utf8",
         "empty-file", "allow-bad-input-flag", "max-seq-length-flag", "overwrite-flag"],
)
def test_bad_input_is_one_line_and_exit_code_2(capsys, make_args, message, corpus,
                                               vocab_path, tmp_path):
    (tmp_path / "corpus.txt").write_text(open(corpus, encoding="utf-8").read())
    (tmp_path / "vocab.txt").write_text(open(vocab_path, encoding="utf-8").read())
    (tmp_path / "nomask.txt").write_text("[PAD]\n[UNK]\n[CLS]\n[SEP]\nka\n")
    (tmp_path / "latin1.txt").write_bytes("d\xe9j\xe0 vu.\n".encode("latin-1"))
    (tmp_path / "empty.txt").write_bytes(b"")
    code, _, err = run(capsys, *make_args(str(tmp_path)))
    assert code == 2
    assert message in error_line(err)
    assert "Traceback" not in err
    assert not (tmp_path / "v.txt").exists()
    assert not (tmp_path / "out").exists()
