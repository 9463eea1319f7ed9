"""Every verb of `keras-electra` answers --help from the installed command, exit 0."""

import subprocess

import pytest

from installed_command import installed_command
from keras_electra.commands import VERBS


@pytest.mark.parametrize("verb", VERBS)
def test_every_verb_has_help(verb):
    result = subprocess.run([installed_command(), verb, "--help"], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"keras-electra {verb}" in result.stdout
    assert "Traceback" not in result.stderr
