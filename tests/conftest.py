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


def synthetic_language(num_sequences, seq_len, config, seed=0):
    """Sequences of a small language with structure a model can learn.

    Each segment holds a few distinct words, each exactly twice, in random
    order ("7 42 9 7 9 42"): a masked word is the one left without its twin
    (the generator can learn that), and a wrong replacement leaves two words
    without twins (the discriminator can spot it), whatever the positions.
    Returns a dict of int32 numpy arrays (`token_ids`, `segment_ids`,
    `padding_mask`), [CLS] A [SEP] B [SEP] then padding.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    first_word = max(config.special_token_ids_values()) + 1
    ids = np.zeros((num_sequences, seq_len), "int32")
    segments = np.zeros_like(ids)
    mask = np.zeros_like(ids)
    max_pairs = (seq_len - 3) // 4
    for i in range(num_sequences):
        segment_a, segment_b = (
            rng.permutation(np.repeat(rng.choice(
                np.arange(first_word, config.vocab_size), rng.integers(2, max_pairs + 1),
                replace=False), 2)).tolist()
            for _ in range(2)
        )
        row = [config.cls_token_id, *segment_a, config.sep_token_id, *segment_b,
               config.sep_token_id]
        ids[i, : len(row)] = row
        segments[i, len(segment_a) + 2 : len(row)] = 1
        mask[i, : len(row)] = 1
    return {"token_ids": ids, "segment_ids": segments, "padding_mask": mask}
