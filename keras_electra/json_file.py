"""Reading the JSON files that keras-electra keeps in its folders, with the path in errors.

run.json, manifest.json, a vocabulary's .json, serving.json, a model folder's config,
a --config file: a truncated, hand-edited or unreadable one should say which file it
is and what to do, not only what the JSON parser saw ("Expecting value: line 1").

Example:
>>> read_json_object("runs/tiny/run.json", "delete it")  # doctest: +SKIP
DataError: runs/tiny/run.json is not valid JSON (Expecting value, line 1); delete it.
"""

import json

import tensorflow as tf

from keras_electra.errors import DataError, UsageError, naming_path


def read_json_object(path, remedy):
    """The dict in the JSON file `path` (local or any tf.io.gfile URL).

    A missing file raises a UsageError; one that cannot be read, is not JSON or holds
    no JSON object a DataError naming `path` and ending with `remedy`, what the user
    should do.
    """
    if not tf.io.gfile.exists(path):
        raise UsageError(f"{path} does not exist.")
    with naming_path(path, "JSON file", remedy):
        with tf.io.gfile.GFile(path) as f:
            text = f.read()
    return json_object(text, path, remedy)


def json_object(text, source, remedy):
    """The dict that the JSON `text` holds; a DataError naming `source` otherwise."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise DataError(f"{source} is not valid JSON ({e.msg}, line {e.lineno}); {remedy}.") from None
    if not isinstance(value, dict):
        raise DataError(
            f"{source} holds a JSON {type(value).__name__}, not an object; {remedy}."
        )
    return value
