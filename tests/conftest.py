"""Shared test setup: TensorFlow backend, two logical CPU devices, real data."""

import os
import subprocess
import sys

import pytest

import keras_electra  # noqa: F401  (selects Keras's TensorFlow backend)
import tensorflow as tf

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
FETCH_SCRIPT = os.path.join(ROOT, "..", "shared", "data", "fetch_data.py")


@pytest.fixture(scope="session")
def real_data_dir():
    """The folder of real text written by ../shared/data/fetch_data.py.

    CI fetches it before the tests; a test that needs it is skipped, with the
    reason, only when the fetch did not succeed.
    """
    default = os.environ.get(
        "ELECTRA_DATA_DIR", os.path.expanduser("~/.cache/electra-data")
    )
    if os.path.exists(os.path.join(default, "DONE")):
        return default
    if not os.path.exists(FETCH_SCRIPT):
        pytest.skip(f"real data not fetched and {FETCH_SCRIPT} is missing")
    result = subprocess.run(
        [sys.executable, FETCH_SCRIPT], capture_output=True, text=True, cwd=ROOT
    )
    folder = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    if result.returncode != 0 or not os.path.exists(os.path.join(folder, "DONE")):
        pytest.skip(f"fetch_data.py failed: {result.stderr.strip()[-300:]}")
    return folder


def synthetic_language(num_sequences, seq_len, config, num_topics=8, seed=0, sample_seed=0):
    """Sequences of a small language with structure a model can learn.

    The language has `num_topics` topics; a topic fixes the word at every
    position (a template of random words). A sequence picks a topic, a length
    and a place for the segment break: [CLS] A [SEP] B [SEP] then padding. So a
    masked word follows from its position and the topic, which the other words
    reveal (the generator can learn it), and a wrong replacement contradicts
    them (the discriminator can spot it). `seed` fixes the language,
    `sample_seed` the sequences drawn from it. Returns a dict of int32 numpy
    arrays (`token_ids`, `segment_ids`, `padding_mask`).
    """
    import numpy as np

    first_word = max(config.special_token_ids_values()) + 1
    templates = np.random.default_rng(seed).integers(
        first_word, config.vocab_size, size=(num_topics, seq_len)
    )
    rng = np.random.default_rng([seed, sample_seed])
    ids = np.zeros((num_sequences, seq_len), "int32")
    segments = np.zeros_like(ids)
    mask = np.zeros_like(ids)
    for i in range(num_sequences):
        length = rng.integers(seq_len // 2, seq_len + 1)
        split = rng.integers(3, length - 2)
        row = templates[rng.integers(num_topics), :length].copy()
        row[0], row[split], row[length - 1] = (
            config.cls_token_id, config.sep_token_id, config.sep_token_id
        )
        ids[i, :length] = row
        segments[i, split + 1 : length] = 1
        mask[i, :length] = 1
    return {"token_ids": ids, "segment_ids": segments, "padding_mask": mask}
