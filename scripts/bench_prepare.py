"""Benchmark of the data side: `prepare` throughput and the input pipeline's speed.

    python scripts/bench_prepare.py [--copies 4] [--vocab-size 8000] [--batch-size 128]

On the fetched news text (scripts/fetch_test_data.py): learns a vocabulary, prepares
examples of 128 tokens with 1 worker and with all cores (on the text and on `--copies`
copies of it, so the workers' start-up is amortized), then reads the result with
`pretraining_dataset` and reports sequences per second.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import keras_electra  # noqa: F401  (selects the TensorFlow backend)
from keras_electra.data import (
    learn_vocabulary,
    pretraining_dataset,
    write_pretraining_examples,
    write_vocabulary,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def news_text():
    fetch = os.path.join(ROOT, "scripts", "fetch_test_data.py")
    result = subprocess.run([sys.executable, fetch], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"fetch_test_data.py failed: {result.stderr[-500:]}")
    return os.path.join(result.stdout.strip().splitlines()[-1], "pretrain", "news_articles.txt")


def prepare(inputs, vocab, out, workers, max_seq_length):
    shutil.rmtree(out, ignore_errors=True)
    megabytes = sum(os.path.getsize(p) for p in inputs) / 1e6
    start = time.perf_counter()
    manifest = write_pretraining_examples(inputs, vocab, out, workers=workers,
                                          max_seq_length=max_seq_length, progress=False)
    seconds = time.perf_counter() - start
    print(f"prepare  {megabytes:6.1f} MB  workers={workers}  {seconds:6.1f} s  "
          f"{megabytes / seconds:6.2f} MB/s  {manifest['example_count']} examples")
    return manifest


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--vocab-size", type=int, default=8000)
    parser.add_argument("--max-seq-length", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--batches", type=int, default=300)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    work = tempfile.mkdtemp(prefix="bench-prepare-")
    news = news_text()

    start = time.perf_counter()
    vocab = os.path.join(work, "vocab.txt")
    write_vocabulary(learn_vocabulary([news], args.vocab_size), vocab)
    print(f"vocab    {os.path.getsize(news) / 1e6:6.1f} MB  {time.perf_counter() - start:6.1f} s"
          f"  ({args.vocab_size} tokens wanted)")

    copies = os.path.join(work, "news_copies.txt")
    with open(news, "rb") as f:
        text = f.read()
    with open(copies, "wb") as f:
        f.write(text * args.copies)
    out = os.path.join(work, "data")
    for inputs in ([news], [copies]):
        for workers in sorted({1, cores}):
            prepare(inputs, vocab, out, workers, args.max_seq_length)

    dataset = pretraining_dataset(out, args.batch_size, seed=0)
    iterator = iter(dataset)
    for _ in range(20):  # Warm up the prefetch and the parallel reads.
        next(iterator)
    start = time.perf_counter()
    for _ in range(args.batches):
        next(iterator)
    seconds = time.perf_counter() - start
    print(f"pipeline batch={args.batch_size} seq={args.max_seq_length}  "
          f"{args.batches * args.batch_size / seconds:,.0f} sequences/s  "
          f"({args.batches / seconds:,.0f} batches/s)")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
