"""SeedGeneratorBackup: the dropout seed generators' state, saved beside Keras's checkpoints.

Example:
>>> callbacks = [keras.callbacks.BackupAndRestore("run/checkpoints"),
...              SeedGeneratorBackup("run/checkpoints/seed_generators.json")]  # doctest: +SKIP
"""

import json
import os

import keras

from keras_electra.errors import DataError


class SeedGeneratorBackup(keras.callbacks.Callback):
    """Saves and restores the state of the model's dropout seed generators.

    Keras's weights files leave out `SeedGenerator` states, so without this a resumed
    run would replay the dropout masks of its first steps and drift from an
    uninterrupted one. Saved at each epoch end (the epochs of `BackupAndRestore`),
    written to a temporary file first so that a kill leaves the previous state whole.

    Args:
        path: str, the JSON file of the states.
    """

    def __init__(self, path):
        super().__init__()
        self.path = path

    def _states(self):
        return [v for v in self.model.variables if "seed_generator_state" in v.path]

    def on_train_begin(self, logs=None):
        if not os.path.exists(self.path):
            return
        with open(self.path) as f:
            saved = json.load(f)
        states = self._states()
        if len(saved) != len(states):
            raise DataError(f"{self.path} does not fit this model; use a new `output`.")
        for variable, value in zip(states, saved):
            variable.assign(value)

    def on_epoch_end(self, epoch, logs=None):
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        with open(self.path + ".tmp", "w") as f:
            json.dump([v.numpy().tolist() for v in self._states()], f)
        os.replace(self.path + ".tmp", self.path)
