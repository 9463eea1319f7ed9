"""Learning-rate schedules of the original ELECTRA code."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_electra")
class WarmupLinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Linear decay from `peak` to 0 over `total_steps`, times a linear warm-up.

    lr(step) = peak x max(0, 1 - step / total_steps) x min(1, step / warmup_steps),
    the original ELECTRA/BERT schedule (a polynomial decay of power 1 multiplied
    by the warm-up factor). Keras has warm-up only with cosine decay, hence this
    small class.

    Args:
        peak: float, the learning rate reached at the end of the warm-up.
        total_steps: int, the step at which the rate reaches 0.
        warmup_steps: int, length of the warm-up (0 for none).

    Example:
    >>> schedule = WarmupLinearDecay(1e-3, total_steps=100, warmup_steps=10)
    >>> float(schedule(5)), float(schedule(10)), float(schedule(100))
    (0.0005, 0.0009, 0.0)
    """

    def __init__(self, peak, total_steps, warmup_steps=0):
        if total_steps < 1:
            raise ValueError(f"total_steps must be >= 1, got {total_steps}.")
        if warmup_steps < 0:
            raise ValueError(f"warmup_steps must be >= 0, got {warmup_steps}.")
        self.peak = float(peak)
        self.total_steps = int(total_steps)
        self.warmup_steps = int(warmup_steps)

    def __call__(self, step):
        step = ops.cast(step, "float32")
        decay = ops.maximum(0.0, 1.0 - step / self.total_steps)
        warmup = ops.minimum(1.0, step / max(1, self.warmup_steps))
        if self.warmup_steps == 0:
            warmup = 1.0
        return self.peak * decay * warmup

    def get_config(self):
        return {
            "peak": self.peak,
            "total_steps": self.total_steps,
            "warmup_steps": self.warmup_steps,
        }
