"""The data path works on any tf.io.gfile URL, not only local folders.

gs:// cannot be reached from CI, so these tests use TensorFlow's in-memory `ram://`
filesystem: it goes through the same tf.io.gfile calls (glob, GFile, rename, copy) that
a bucket does, and any stray `open()` or `os.*` call on such a path fails.
"""

import uuid

import tensorflow as tf

from keras_electra import ElectraConfig
from keras_electra.data import dataset_config_overrides, pretraining_dataset, read_manifest
from keras_electra.data import vocab as vocab_lib
from keras_electra.data.pretraining_examples import write_pretraining_examples


def test_vocab_prepare_and_dataset_on_a_gfile_url(corpus):
    root = f"ram://keras-electra-{uuid.uuid4().hex}"
    tf.io.gfile.makedirs(root + "/text")
    with open(corpus, "rb") as f, tf.io.gfile.GFile(root + "/text/corpus.txt", "wb") as out:
        out.write(f.read())

    tokens = vocab_lib.learn_vocabulary([root + "/text/*.txt"], 300, progress=False)
    vocab = root + "/vocab.txt"
    vocab_lib.write_vocabulary(tokens, vocab)
    assert vocab_lib.read_vocabulary(vocab)[:5] == tokens[:5]

    manifest = write_pretraining_examples([root + "/text"], vocab, root + "/data",
                                          max_seq_length=32, num_shards=2, workers=1,
                                          seed=0, progress=False)
    assert manifest["example_count"] > 100
    assert read_manifest(root + "/data")["sources"][0]["path"] == root + "/text/corpus.txt"
    assert sorted(tf.io.gfile.listdir(root + "/data")) == [
        "data-00000-of-00002.tfrecord", "data-00001-of-00002.tfrecord",
        "manifest.json", "vocab.txt", "vocab.txt.json"]

    config = ElectraConfig.preset(
        "tiny", **dataset_config_overrides(read_manifest(root + "/data")))
    batch = next(iter(pretraining_dataset(root + "/data", 8, config=config)))
    assert batch["token_ids"].shape == (8, 32)
    assert (batch["token_ids"][:, 0] == config.cls_token_id).numpy().all()
