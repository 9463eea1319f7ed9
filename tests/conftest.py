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

