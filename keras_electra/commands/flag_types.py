"""argparse types for numeric flags: a value out of range fails while parsing, in one line.

`type=positive_int` and the like turn `--epochs 0` or `--learning-rate nan` into
`keras-electra: error: argument --epochs: must be an integer >= 1, got '0'` before any
file is read or model built.

Example:
>>> positive_float("3e-4")
0.0003
>>> positive_float("nan")
Traceback (most recent call last):
argparse.ArgumentTypeError: must be a finite number > 0, got 'nan'
"""

import argparse
import math


def _integer(text, low):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= {low}, got {text!r}") from None
    if value < low:
        raise argparse.ArgumentTypeError(f"must be an integer >= {low}, got {text!r}")
    return value


def _number(text, accept, wanted):
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not accept(value):
        raise argparse.ArgumentTypeError(f"must be {wanted}, got {text!r}")
    return value


def positive_int(text):
    """An integer >= 1: steps, epochs, sizes, lengths, counts."""
    return _integer(text, 1)


def nonnegative_int(text):
    """An integer >= 0 (warm-up steps)."""
    return _integer(text, 0)


def positive_float(text):
    """A finite number > 0: learning rates, minutes, megabytes."""
    return _number(text, lambda v: v > 0, "a finite number > 0")


def probability(text):
    """A number in [0, 1): dropout."""
    return _number(text, lambda v: 0 <= v < 1, "a number in [0, 1)")


def decay(text):
    """A number in (0, 1]: layer-wise learning-rate decay."""
    return _number(text, lambda v: 0 < v <= 1, "a number in (0, 1]")
