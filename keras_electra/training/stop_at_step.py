"""StopAtStep: ends `fit` after an exact number of optimizer steps, whatever the epoch length.

Example:
>>> pretrainer.fit(dataset, epochs=3, steps_per_epoch=2,
...                callbacks=[StopAtStep(5)])                  # doctest: +SKIP
"""

import keras


class StopAtStep(keras.callbacks.Callback):
    """Stops `fit` once the optimizer has made `steps` steps.

    Pre-training's epochs are K steps long (one checkpoint each), so the last one may
    be cut short: that keeps the run's length exact whatever K is. It counts the
    optimizer's iterations, not the batches of this `fit`, so a resumed run stops at
    the same step as an uninterrupted one.

    Args:
        steps: int, the optimizer step to stop at.
    """

    def __init__(self, steps):
        super().__init__()
        self.steps = steps

    def on_train_batch_end(self, batch, logs=None):
        if int(self.model.optimizer.iterations.numpy()) >= self.steps:
            self.model.stop_training = True
