"""The pre-training optimizer: schedule, decoupled weight decay, clipping."""

import keras
import numpy as np
import pytest

from keras_electra import ElectraConfig, ElectraPretrainer, WarmupLinearDecay, pretraining_optimizer


def test_schedule_warms_up_then_decays_linearly_to_zero():
    schedule = WarmupLinearDecay(1e-3, total_steps=1000, warmup_steps=100)
    values = [float(schedule(step)) for step in (0, 50, 100, 550, 1000, 1200)]
    # Warm-up factor times the linear decay, as in the original.
    expected = [0.0, 1e-3 * 0.5 * 0.95, 1e-3 * 0.9, 1e-3 * 0.45, 0.0, 0.0]
    np.testing.assert_allclose(values, expected, rtol=1e-6, atol=1e-12)
    assert WarmupLinearDecay.from_config(schedule.get_config()).get_config() == schedule.get_config()
    with pytest.raises(ValueError, match="total_steps"):
        WarmupLinearDecay(1e-3, total_steps=0)


def test_adamw_settings_and_decay_skips_layernorm_and_biases():
    optimizer = pretraining_optimizer(1e-3, total_steps=10, warmup_steps=0)
    assert (optimizer.beta_1, optimizer.beta_2, optimizer.epsilon) == (0.9, 0.999, 1e-6)
    assert optimizer.weight_decay == 0.01 and optimizer.global_clipnorm == 1.0

    pretrainer = ElectraPretrainer(ElectraConfig.preset("tiny"), seed=0)
    variables = pretrainer.trainable_weights
    before = [v.numpy() for v in variables]
    # A zero gradient isolates the decoupled weight decay: w <- w (1 - lr wd).
    optimizer.apply_gradients([(np.zeros(v.shape, "float32"), v) for v in variables])
    lr = 1e-3 * (1 - 0 / 10)
    decayed = kept = 0
    for v, w0 in zip(variables, before):
        name = v.path.split("/")[-1]
        if name in ("gamma", "beta") or "bias" in name:
            np.testing.assert_array_equal(v.numpy(), w0, err_msg=v.path)
            kept += 1
        else:
            np.testing.assert_allclose(v.numpy(), w0 * (1 - lr * 0.01), rtol=1e-6, err_msg=v.path)
            decayed += 1
    assert decayed > 10 and kept > 10
    # Word embeddings are decayed too (the original excludes only LayerNorm and bias).
    assert "embeddings" in [v.path.split("/")[-1] for v in variables]
