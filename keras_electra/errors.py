"""Exceptions for mistakes a user can fix: the CLI prints them in one line, no traceback.

Both derive from ValueError so library callers can catch them the usual way.

Example:
>>> try:
...     raise DataError("corpus.txt is empty.")
... except ValueError as e:
...     print(e)
corpus.txt is empty.
"""


class UsageError(ValueError):
    """A command was called with arguments that cannot work (a flag, a path, a size)."""


class DataError(ValueError):
    """Input data is unusable as it is: bad bytes, a missing token, a foreign dataset."""
