"""pretrain(), called from Python: the run's result, exact resume, arguments, strategy.

Runs are a few steps of the tiny preset without XLA; the checks are equalities of
weights and step counts, which hold whatever the number of steps.
"""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_electra import load_pretrainer
from keras_electra.errors import UsageError
from keras_electra.training import PretrainingRun, pretrain

STEPS, EVERY, BATCH = 5, 2, 4
TINY = dict(steps=STEPS, batch_size=BATCH, checkpoint_every=EVERY, jit_compile=False,
            preset="tiny", verbose=0)


def weights(model):
    return [w.numpy() for w in model.weights]


@pytest.fixture(scope="module")
def straight(prepared, tmp_path_factory):
    root = tmp_path_factory.mktemp("straight")
    return pretrain(prepared, str(root / "run"), log_dir=str(root / "tensorboard"), **TINY)


def test_returns_the_run_and_writes_its_folder(straight):
    assert isinstance(straight, PretrainingRun) and straight.step == STEPS
    assert int(straight.pretrainer.optimizer.iterations.numpy()) == STEPS
    assert len(straight.history.history["disc_auc"]) == 3  # ceil(5 / 2) epochs
    # The folder holds the weights the returned pretrainer has (not its step counter).
    saved = load_pretrainer(straight.model_dir)
    for saved, returned in zip(saved.trainable_weights, straight.pretrainer.trainable_weights):
        np.testing.assert_array_equal(saved.numpy(), returned.numpy())
    # TensorBoard wrote where it was asked to, not into the folder.
    root = os.path.dirname(straight.model_dir)
    assert os.listdir(os.path.join(root, "tensorboard", "train"))
    assert "logs" not in os.listdir(straight.model_dir)


class Interrupt(keras.callbacks.Callback):
    """Stands for a killed job: fails after the first checkpoint was written."""

    def on_epoch_end(self, epoch, logs=None):
        raise KeyboardInterrupt


def test_an_interrupted_run_called_again_continues_exactly(straight, prepared, tmp_path,
                                                           capsys):
    output = str(tmp_path / "run")
    with pytest.raises(KeyboardInterrupt):
        pretrain(prepared, output, callbacks=[Interrupt()], **TINY)
    assert not os.path.exists(os.path.join(output, "config.json"))  # no model folder yet
    capsys.readouterr()
    resumed = pretrain(prepared, output, **{**TINY, "verbose": 1})
    assert f"Resuming {output} at step {EVERY} of {STEPS}." in capsys.readouterr().out
    assert resumed.step == STEPS
    assert len(resumed.history.history["loss"]) == 2  # the epochs left, not all three
    # Same data order, masks, samples, dropout and optimizer state: the same weights.
    for a, b in zip(weights(resumed.pretrainer), weights(straight.pretrainer)):
        np.testing.assert_array_equal(a, b)


def test_a_finished_run_called_again_trains_nothing(straight, prepared):
    again = pretrain(prepared, straight.model_dir, **TINY)
    assert again.history is None and again.step == STEPS
    for a, b in zip(weights(again.pretrainer), weights(straight.pretrainer)):
        np.testing.assert_array_equal(a, b)


class StopAfterOneStep(keras.callbacks.Callback):
    """Stands for a time budget (demo's --minutes)."""

    def on_train_batch_end(self, batch, logs=None):
        self.model.stop_training = True


@pytest.fixture(scope="module")
def one_device():
    return tf.distribute.OneDeviceStrategy("/cpu:0")


@pytest.fixture(scope="module")
def stopped_early(prepared, one_device, tmp_path_factory):
    """A run allowed to stop after one step, under a strategy given: one trace, two tests."""
    return pretrain(prepared, str(tmp_path_factory.mktemp("stopped") / "run"),
                    callbacks=[StopAfterOneStep()], allow_early_stop=True,
                    strategy=one_device, **TINY)


def test_an_early_stop_is_an_error_unless_allowed(prepared, stopped_early, tmp_path):
    with pytest.raises(RuntimeError, match="step 1, not `steps`=5"):
        pretrain(prepared, str(tmp_path / "a"), callbacks=[StopAfterOneStep()], **TINY)
    assert stopped_early.step == 1
    assert os.path.exists(os.path.join(stopped_early.model_dir, "config.json"))


@pytest.mark.parametrize("changes, named", [
    ({"steps": 0}, "`steps` must be a positive integer, got 0"),
    ({"batch_size": 2.5}, "`batch_size` must be a positive integer, got 2.5"),
    ({"checkpoint_every": 0}, "`checkpoint_every` must be >= 1"),
    ({"warmup_steps": -1}, "`warmup_steps` must be >= 0"),
    ({"dtype": "mixed_float16"}, "`dtype` must be one of float32, mixed_bfloat16"),
    ({"config": {"hidden_size": 32}}, "exactly one of `preset`, `config` or `init_from`"),
])
def test_bad_arguments_are_refused_by_name_before_anything_is_written(prepared, tmp_path,
                                                                     changes, named):
    with pytest.raises(UsageError) as e:
        pretrain(prepared, str(tmp_path / "run"), **{**TINY, **changes})
    assert named in str(e.value)
    assert not os.path.exists(tmp_path / "run")


def test_the_model_is_built_under_the_strategy_given(stopped_early, one_device):
    assert stopped_early.pretrainer.distribute_strategy is one_device
    assert stopped_early.step == 1
