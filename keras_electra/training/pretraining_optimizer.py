"""The optimizer ELECTRA pre-trains with."""

import keras

from keras_electra.training.schedules import WarmupLinearDecay

# Variables left out of weight decay, as in BERT and ELECTRA: LayerNorm scales
# and offsets (Keras names them gamma and beta) and every bias.
NO_DECAY_NAMES = ["gamma", "beta", "bias"]


def pretraining_optimizer(
    learning_rate=5e-4,
    total_steps=1_000_000,
    warmup_steps=10_000,
    weight_decay=0.01,
    clip_norm=1.0,
):
    """AdamW with the original ELECTRA pre-training settings.

    β1 0.9, β2 0.999, ε 1e-6, decoupled weight decay 0.01 on every variable but
    LayerNorm and bias ones, a learning rate that warms up linearly over
    `warmup_steps` then decays linearly to 0 at `total_steps`, and gradients
    clipped to a global norm of `clip_norm`. The paper's peak rates are 5e-4
    (small), 2e-4 (base, large).

    One difference from the original: Keras's AdamW applies Adam's bias
    correction, which BERT's and ELECTRA's optimizer omits; it changes only the
    first steps of the warm-up (1 - 0.999^10000 is 1 to 5 decimals).

    Under a multi-replica strategy `ElectraPretrainer` clips the all-reduced
    gradient itself (Keras would clip each replica's part separately).

    Example:
    >>> pretrainer.compile(optimizer=pretraining_optimizer(5e-4, total_steps=10_000,
    ...     warmup_steps=1_000))
    """
    optimizer = keras.optimizers.AdamW(
        learning_rate=WarmupLinearDecay(learning_rate, total_steps, warmup_steps),
        weight_decay=weight_decay,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-6,
        global_clipnorm=clip_norm,
    )
    optimizer.exclude_from_weight_decay(var_names=NO_DECAY_NAMES)
    return optimizer
