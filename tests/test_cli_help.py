"""Every verb of `keras-electra` answers --help from the installed command, exit 0."""

import os
import shutil
import subprocess
import sys

import pytest

from keras_electra.commands import VERBS


@pytest.mark.parametrize("verb", VERBS)
def test_every_verb_has_help(verb):
    beside_python = os.path.join(os.path.dirname(sys.executable), "keras-electra")
    command = beside_python if os.path.exists(beside_python) else shutil.which("keras-electra")
    assert command, "the keras-electra command is not installed (pip install -e .)"
    result = subprocess.run([command, verb, "--help"], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"keras-electra {verb}" in result.stdout
    assert "Traceback" not in result.stderr
