"""StopAfterMinutes: ends `fit` when a time budget is spent, after the step that spent it.

Example:
>>> run = pretrain("data/", "runs/tiny", preset="tiny", steps=6000, batch_size=64,
...                callbacks=[StopAfterMinutes(4)], allow_early_stop=True)  # doctest: +SKIP
"""

import sys
import time

import keras


class StopAfterMinutes(keras.callbacks.Callback):
    """Stops `fit` once `minutes` have passed since the callback was made.

    Checked after every step, so a run stops within one step of its budget; with
    `pretrain`'s checkpoints a later call goes on from the last epoch end.

    Args:
        minutes: float, the budget.
    """

    def __init__(self, minutes):
        super().__init__()
        self.minutes = minutes
        self.deadline = time.time() + 60 * minutes

    def on_train_batch_end(self, batch, logs=None):
        if time.time() > self.deadline and not self.model.stop_training:
            print(f"\nThe {self.minutes:g}-minute budget is spent; stopping.", file=sys.stderr)
            self.model.stop_training = True
