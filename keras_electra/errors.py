"""Exceptions for mistakes a user can fix: the CLI prints them in one line, no traceback.

Both derive from ValueError so library callers can catch them the usual way.

Example:
>>> try:
...     raise DataError("corpus.txt is empty.")
... except ValueError as e:
...     print(e)
corpus.txt is empty.
"""

import contextlib
import re


class UsageError(ValueError):
    """A command was called with arguments that cannot work (a flag, a path, a size)."""


class DataError(ValueError):
    """Input data is unusable as it is: bad bytes, a missing token, a foreign dataset."""


@contextlib.contextmanager
def naming_path(path, what, remedy=""):
    """Re-raises a reader's failure inside the block as a DataError naming `path`.

    h5py, safetensors, torch and TensorFlow's checkpoint readers say what is wrong
    with the bytes (a truncated file, a bad header) but not which file; this adds it.
    Our own UsageError and DataError pass through unchanged.

    Example:
    >>> with naming_path("model/model.weights.h5", "Keras weights file"):  # doctest: +SKIP
    ...     model.load_weights("model/model.weights.h5")
    DataError: model/model.weights.h5 is not a readable Keras weights file (truncated ...
    """
    try:
        yield
    except (UsageError, DataError):
        raise
    except Exception as e:  # noqa: BLE001  (readers raise OSError, ValueError, their own)
        message = cause_line(getattr(e, "message", None) or str(e)) or type(e).__name__
        raise DataError(
            f"{path} is not a readable {what} ({message})" + (f"; {remedy}" if remedy else ".")
        ) from e


# Lines of TensorFlow's runtime errors that say where, not what: "Graph execution
# error:", "Detected at node ... defined at", the Python frames, "[[{{node ...}}]]".
_NOISE = re.compile(
    r"^(Graph execution error:?|Detected at node.*|File \".*|\[\[.*\]\].*|"
    r"Stack trace.*|\d+ root error\(s\) found.*|\(\d+\) .*:$|0 successful operations.*|"
    r"\d+ derived errors ignored.*|Traceback.*|Function call stack:.*)$"
)


def cause_line(message):
    """The line of `message` naming the cause: its first line for our own errors, the
    last informative one for TensorFlow's (whose first is "Graph execution error:").

    Example:
    >>> cause_line("Graph execution error:\\n\\nDetected at node X defined at:\\n"
    ...            '  File "a.py", line 3, in f\\n'
    ...            "DATA_LOSS: truncated record at 61366\\n\\t [[{{node X}}]]")
    'DATA_LOSS: truncated record at 61366'
    """
    lines = [line.strip() for line in str(message).strip().splitlines() if line.strip()]
    if not lines:
        return ""
    if not _NOISE.match(lines[0]):
        return lines[0]
    causes = [re.sub(r"\s*\[\[.*$|\s*\[Op:.*$", "", line) for line in lines
              if not _NOISE.match(line)]
    causes = [line for line in causes if line]
    return causes[-1] if causes else lines[0]
