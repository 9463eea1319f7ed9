"""StopAtStep and StopAfterMinutes end `fit` where they say, on a one-layer model."""

import keras
import numpy as np

from keras_electra.training import StopAfterMinutes, StopAtStep


def steps_made(callback, epochs=1, steps_per_epoch=10):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((40, 2), "float32"), np.ones((40, 1), "float32")
    model.fit(x, y, batch_size=4, epochs=epochs, steps_per_epoch=steps_per_epoch,
              callbacks=[callback], verbose=0)
    return int(model.optimizer.iterations.numpy())


def test_stop_at_step_counts_optimizer_steps_across_epochs():
    assert steps_made(StopAtStep(3), epochs=2, steps_per_epoch=2) == 3
    assert steps_made(StopAtStep(100), epochs=2, steps_per_epoch=2) == 4


def test_a_spent_budget_stops_after_one_step_and_an_open_one_never(capsys):
    assert steps_made(StopAfterMinutes(0)) == 1
    assert "0-minute budget is spent" in capsys.readouterr().err
    assert steps_made(StopAfterMinutes(60)) == 10
