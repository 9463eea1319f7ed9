"""What a served task needs beyond its weights: label names, text pairs, null answers.

A keras-hub task preset keeps the model and its preprocessor, but not what its
class ids mean, whether a classifier reads sentence pairs, or whether a question
answerer may answer nothing (SQuAD 2.0). `keras-electra finetune` writes these
beside the preset (in its --output/model, `TASK_PRESET`) as `serving.json`;
`export_saved_model` reads them, and its arguments override them.

    {"labels": ["negative", "positive"], "text_pair": false}      classifier
    {"labels": ["DET", "NOUN", "VERB"]}                           tagger
    {"allow_null": true, "null_threshold": 0.0}                   question answerer

Example:
>>> write_serving_settings("runs/sst2/model", {"labels": ["0", "1"]})  # doctest: +SKIP
>>> read_serving_settings("runs/sst2/model")["labels"]                # doctest: +SKIP
['0', '1']
"""

import json
import os

import tensorflow as tf

from keras_electra.json_file import read_json_object

SERVING_SETTINGS_FILE = "serving.json"
# The subfolder of a `keras-electra finetune` --output that holds the task preset.
TASK_PRESET = "model"
KNOWN_SETTINGS = ("labels", "text_pair", "allow_null", "null_threshold")


def write_serving_settings(folder, settings):
    """Writes `settings` (a dict of KNOWN_SETTINGS) as `folder`/serving.json."""
    unknown = sorted(set(settings) - set(KNOWN_SETTINGS))
    if unknown:
        raise ValueError(f"Unknown serving settings {unknown}; known: {list(KNOWN_SETTINGS)}.")
    with tf.io.gfile.GFile(os.path.join(folder, SERVING_SETTINGS_FILE), "w") as f:
        f.write(json.dumps(settings, indent=2) + "\n")


def read_serving_settings(folder):
    """The settings in `folder`/serving.json, or {} when the folder has none."""
    path = os.path.join(folder, SERVING_SETTINGS_FILE)
    if not tf.io.gfile.exists(path):
        return {}
    return read_json_object(
        path, "fine-tune again, or delete it (the labels are then served as 0, 1, ...)")
