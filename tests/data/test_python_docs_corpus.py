"""write_python_docs_corpus: Python's own documentation as pre-training text, prose only."""

from keras_electra.data import write_python_docs_corpus


def test_corpus_is_prose_one_sentence_a_line(tmp_path):
    path = str(tmp_path / "corpus.txt")
    documents = write_python_docs_corpus(path, 200_000)
    text = open(path, encoding="utf-8").read()
    blocks = [b for b in text.split("\n\n") if b.strip()]
    assert documents == len(blocks) > 50
    lines = text.split("\n")
    assert not any(line.startswith((">>>", " ")) for line in lines)
    sentences = [line for line in lines if line]
    # Sentences, not paragraphs: most end with final punctuation and are short.
    assert sum(line.endswith((".", "!", "?", ":")) for line in sentences) > 0.8 * len(sentences)
    assert sorted(len(line) for line in sentences)[len(sentences) // 2] < 150
