"""Serving latency and throughput: the exported `small` classifier against transformers.

    python scripts/bench_serving.py [--repeats 200] [--batch-size 32]

Config: the `small` preset (random weights: speed does not depend on them), 128
tokens, 2 classes. Data: sentences of about 128 word pieces. Model: exported with
`keras_electra.export.export_saved_model` and loaded with `tf.saved_model.load`;
against it, transformers' `ElectraForSequenceClassification` (torch, eval, no_grad)
with `BertTokenizerFast` on the same vocabulary, padded to 128 as the export is.
Report: p50 and p99 latency of one sentence (tokenization included) and sentences/s
at the batch size, for both, in this one run.

Measured 2026-12-02 on the 2-core AMD EPYC here (shared with other jobs, load ~1.4;
`--repeats 100`): exported SavedModel p50 43.3 ms, p99 57.5 ms, 31 sentences/s at
batch 32; transformers p50 341.3 ms, p99 1096.0 ms, 13 sentences/s. Both run in one
process, so TensorFlow's idle thread pools may slow torch: run each side alone before
quoting the gap.
"""

import argparse
import os
import tempfile
import time

import numpy as np

import keras_electra  # noqa: F401  (TensorFlow backend first)
import tensorflow as tf
import tensorflow_text  # noqa: F401

from keras_electra import ElectraBackbone, ElectraClassifier, ElectraConfig, ElectraTextPreprocessor
from keras_electra.data import electra_tokenizer
from keras_electra.export import export_saved_model

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--repeats", type=int, default=200)
parser.add_argument("--batch-size", type=int, default=32)
args = parser.parse_args()

# Config and vocabulary: the small preset over a word-level vocabulary.
work = tempfile.mkdtemp(prefix="bench-serving-")
words = [f"w{i}" for i in range(5000)]
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
vocab_file = os.path.join(work, "vocab.txt")
with open(vocab_file, "w") as f:
    f.write("".join(v + "\n" for v in vocab))
config = ElectraConfig.preset("small", vocab_size=len(vocab), max_position_embeddings=128)
rng = np.random.default_rng(0)
sentences = [" ".join(rng.choice(words, 126)) for _ in range(max(256, args.batch_size))]

# Model: ours, exported.
backbone = ElectraBackbone.from_electra_config(config)
tokenizer = electra_tokenizer(vocab_file)
classifier = ElectraClassifier(backbone, num_classes=2,
                               preprocessor=ElectraTextPreprocessor(tokenizer, 128))
start = time.time()
export_saved_model(classifier, os.path.join(work, "sst2"))
print(f"exported in {time.time() - start:.1f} s")
serving = tf.saved_model.load(os.path.join(work, "sst2")).signatures["serving_default"]

# Transformers' side, same shapes.
import torch  # noqa: E402
from transformers import BertTokenizerFast, ElectraConfig as HFConfig  # noqa: E402
from transformers import ElectraForSequenceClassification  # noqa: E402

hf = ElectraForSequenceClassification(HFConfig(
    vocab_size=len(vocab), embedding_size=config.embedding_size, hidden_size=config.hidden_size,
    num_hidden_layers=config.num_layers, num_attention_heads=config.num_heads,
    intermediate_size=config.intermediate_size, max_position_embeddings=128, num_labels=2)).eval()
hf_tokenizer = BertTokenizerFast(vocab_file, do_lower_case=True)


def ours(batch):
    return serving(text=tf.constant(batch))["probabilities"].numpy()


def theirs(batch):
    with torch.no_grad():
        inputs = hf_tokenizer(batch, padding="max_length", truncation=True, max_length=128,
                              return_tensors="pt")
        return torch.softmax(hf(**inputs).logits, -1).numpy()


def latencies(fn, repeats):
    times = []
    for i in range(repeats):
        sentence = [sentences[i % len(sentences)]]
        start = time.perf_counter()
        fn(sentence)
        times.append(time.perf_counter() - start)
    return np.percentile(np.asarray(times) * 1000, [50, 99])


def throughput(fn, batch_size, batches=8):
    batch = sentences[:batch_size]
    fn(batch)
    start = time.perf_counter()
    for _ in range(batches):
        fn(batch)
    return batch_size * batches / (time.perf_counter() - start)


# Loop and report.
for name, fn in (("exported SavedModel", ours), ("transformers (torch)", theirs)):
    for _ in range(5):
        fn(sentences[:1])  # warm-up
    p50, p99 = latencies(fn, args.repeats)
    rate = throughput(fn, args.batch_size)
    print(f"{name}: one sentence p50 {p50:.1f} ms, p99 {p99:.1f} ms; "
          f"batch {args.batch_size}: {rate:.0f} sentences/s")
print(f"threads: tf {tf.config.threading.get_intra_op_parallelism_threads()} (0 = all), "
      f"torch {torch.get_num_threads()}")
