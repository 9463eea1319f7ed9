"""scripts/fetch_test_data.py: the project's own fetch writes every data set the tests read."""

import csv
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "fetch_test_data.py")


def labels(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows[0] == ["sentence", "label"] and all(len(r) == 2 and r[0] for r in rows[1:]), path
    return {r[1] for r in rows[1:]}, len(rows) - 1


def test_fetch_writes_every_data_set_once(tmp_path):
    dest = str(tmp_path / "data")
    run = lambda: subprocess.run([sys.executable, SCRIPT, "--dest", dest],
                                 capture_output=True, text=True, timeout=600)
    first = run()
    assert first.returncode == 0, first.stderr[-1500:]
    assert first.stdout.strip() == dest
    # Topics as published: R8 has 8, BBC News 5, 20 Newsgroups 20; dev is a disjoint part.
    for task, classes in (("r8", 8), ("bbc", 5), ("20ng", 20)):
        train, n_train = labels(os.path.join(dest, "classify", task, "train.tsv"))
        dev, n_dev = labels(os.path.join(dest, "classify", task, "dev.tsv"))
        assert len(train) == classes and dev <= train and n_train > n_dev > 0, task
    for task in ("brown_pos", "wnut16"):
        for split in ("train", "dev"):
            with open(os.path.join(dest, "tag", task, f"{split}.conll"), encoding="utf-8") as f:
                lines = f.read().split("\n")
            tokens = [l for l in lines if l]
            assert tokens and all(len(l.split("\t")) == 2 for l in tokens), (task, split)
            assert lines.count("") > 100, (task, split)  # many sentences
    for text in ("news_articles.txt", "brown.txt"):
        with open(os.path.join(dest, "pretrain", text), encoding="utf-8") as f:
            body = f.read()
        assert len(body) > 1_000_000 and "\n\n" in body, text
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".incomplete")]
    # A complete folder is left as it is.
    stamp = os.path.getmtime(os.path.join(dest, "DONE"))
    again = run()
    assert again.returncode == 0 and os.path.getmtime(os.path.join(dest, "DONE")) == stamp
