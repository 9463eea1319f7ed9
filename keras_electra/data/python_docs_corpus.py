"""A pre-training corpus that ships with Python: its documentation's English prose.

The help topics behind `help()` (`pydoc_data.topics`) and the standard library's
docstrings, read with `ast` (no module is imported), keeping prose only: code, tables,
signatures and doctests are left out. Nothing to download, so a first run (`keras-electra
demo`, the Colab notebook, tests) works offline.

Example:
>>> documents = write_python_docs_corpus("corpus.txt", 1_000_000)   # doctest: +SKIP
"""

import ast
import os
import re
import sysconfig

from keras_electra.data.text_files import split_sentences

# Paragraphs with fewer letters than this fraction are code, tables or signatures.
_MIN_LETTER_FRACTION = 0.7
_MIN_PARAGRAPH_CHARS = 40


def write_python_docs_corpus(path, max_bytes):
    """Writes Python's documentation as a pre-training corpus; returns the document count.

    One sentence a line, a blank line between documents (a help topic or a docstring).

    Example:
    >>> write_python_docs_corpus("corpus.txt", 1_000_000)    # doctest: +SKIP
    """
    written = documents = 0
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        for text in _documentation():
            sentences = [s for p in _prose_paragraphs(text) for s in split_sentences(p)]
            if not sentences:
                continue
            block = "\n".join(sentences) + "\n\n"
            f.write(block)
            written += len(block.encode("utf-8"))
            documents += 1
            if written >= max_bytes:
                break
    os.replace(path + ".tmp", path)
    return documents


def _documentation():
    """Help topics first, then docstrings of the standard library's sources."""
    from pydoc_data.topics import topics

    for name in sorted(topics):
        yield topics[name]
    stdlib = sysconfig.get_paths()["stdlib"]
    for directory, subdirectories, files in os.walk(stdlib):
        # Tests and vendored packages hold little prose; sorted for a stable corpus.
        subdirectories[:] = sorted(d for d in subdirectories
                                   if d not in ("test", "tests", "site-packages", "idlelib")
                                   and not d.startswith("__"))
        for name in sorted(files):
            if name.endswith(".py"):
                yield from _docstrings(os.path.join(directory, name))


def _docstrings(path):
    try:
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read())
    except (SyntaxError, UnicodeDecodeError, ValueError, OSError):
        return  # A few stdlib files are deliberately broken (lib2to3 test data, ...).
    nodes = [tree] + [n for n in ast.walk(tree) if isinstance(
        n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))]
    for node in nodes:
        docstring = ast.get_docstring(node)
        if docstring:
            yield docstring


def _prose_paragraphs(text):
    """Paragraphs of prose, each on one line; code, tables and doctests left out."""
    for paragraph in re.split(r"\n\s*\n", text):
        lines = paragraph.splitlines()
        if not lines or any(line.startswith((" ", "\t", ">>>", "...")) for line in lines):
            continue
        joined = " ".join(line.strip() for line in lines)
        letters = sum(c.isalpha() or c == " " for c in joined)
        if len(joined) >= _MIN_PARAGRAPH_CHARS and letters >= _MIN_LETTER_FRACTION * len(joined):
            yield joined
