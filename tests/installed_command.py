"""The `keras-electra` console script that `pip install -e .` put beside this Python."""

import os
import shutil
import sys


def installed_command():
    """Its path; fails (not skips) when it is missing: the README's install makes it."""
    beside_python = os.path.join(os.path.dirname(sys.executable), "keras-electra")
    command = beside_python if os.path.exists(beside_python) else shutil.which("keras-electra")
    assert command, "the keras-electra command is not installed (pip install -e .)"
    return command
