"""prepare --split-sentences: text with an article a line keeps its tokens."""

import json
import os

import pytest

from keras_electra.cli import main
from keras_electra.data.text_files import split_sentences


def test_splits_at_final_punctuation_before_a_sentence_start():
    assert split_sentences('He left. "Why?" she asked! It was 5 p.m. on Monday.') == [
        "He left.", '"Why?" she asked!', "It was 5 p.m. on Monday."]
    assert split_sentences("Version 3.11 is out. (It is.) Yes") == [
        "Version 3.11 is out.", "(It is.)", "Yes"]
    assert split_sentences("no final punctuation here") == ["no final punctuation here"]


@pytest.fixture
def articles(tmp_path):
    """Ten articles, each a single line of 20 short sentences, as the fetched news text."""
    path = tmp_path / "articles.txt"
    sentence = "Kalo mine suta revo zupi."  # words of the synthetic vocabulary
    path.write_text("".join(" ".join([sentence] * 20) + "\n\n" for _ in range(10)))
    return str(path)


def prepare(articles, vocab_path, output, *extra):
    assert main(["prepare", "--input", articles, "--vocab", vocab_path, "--output", output,
                 "--max-seq-length", "32", "--workers", "1", "--quiet", *extra]) == 0
    with open(os.path.join(output, "manifest.json")) as f:
        return json.load(f)


def test_split_sentences_keeps_the_tokens_the_original_rule_cuts(articles, vocab_path,
                                                                   tmp_path, capsys):
    whole = prepare(articles, vocab_path, str(tmp_path / "whole"))
    split = prepare(articles, vocab_path, str(tmp_path / "split"), "--split-sentences")
    assert whole["split_sentences"] is False and split["split_sentences"] is True
    assert whole["stats"]["tokens"] == split["stats"]["tokens"]
    assert whole["stats"]["truncated_tokens"] > 0.8 * whole["stats"]["tokens"]
    # Only the packer's own overflow is cut (the original cuts the sentence that
    # overflows an example), no longer whole articles.
    assert split["stats"]["truncated_tokens"] < 0.35 * split["stats"]["tokens"]
    assert split["example_count"] > 5 * whole["example_count"]
    # The flag is part of the dataset's identity: no silent mix in one folder.
    capsys.readouterr()
    assert main(["prepare", "--input", articles, "--vocab", vocab_path, "--output",
                 str(tmp_path / "whole"), "--max-seq-length", "32", "--workers", "1",
                 "--quiet", "--split-sentences"]) == 2
    assert "split_sentences" in capsys.readouterr().err
