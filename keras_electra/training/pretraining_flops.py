"""FLOPs of one pre-training step, and how many steps a FLOP budget buys.

Matrix multiplies only, a multiply-add counted as 2 FLOPs; per sequence of length s,
for an encoder of width h, depth L, FFN size i and embedding size e:

    forward(encoder) = 2·s·e·h                        (embedding projection, if e != h)
                     + L · (8·s·h² + 4·s·h·i + 4·s²·h) (Q, K, V, output: 8sh²;
                                                        FFN: 4shi; QKᵀ and AV: 4s²h)
    forward(disc)    = forward(encoder_d) + 2·s·h_d² + 2·s·h_d   (head: dense, logit)
    forward(gen)     = forward(encoder_g) + m · (2·h_g·e + 2·e·V) (MLM head, m slots)

where m = `max_predictions_per_seq`: the generator's dense layer and vocabulary
projection run at the masked slots only (all m of them: the shapes are static). The
embedding lookups are gathers (no FLOPs); layer norms, softmaxes, GELUs, dropout and
the losses are O(s·h) and left out. One step trains both models:

    step = batch · (1 + backward_factor) · (forward(gen) + forward(disc))

with `backward_factor` = 2 by default (the backward pass of a matmul is two matmuls of
its size: the "3x forward" rule). ELECTRA's own count (its `flops_computation.py`)
takes backward_factor 1, dense one-hot embedding lookups (2·e·V a token, per model)
and the element-wise ops; `dense_embedding_lookup=True` adds those lookups.

Example:
>>> from keras_electra.config import ElectraConfig
>>> config = ElectraConfig.preset("small", vocab_size=30522)
>>> f"{pretraining_step_flops(config, 128)['step']:.3g}"
'1.15e+12'
>>> steps_for_budget(1.15e16, config, 128)
10000
"""

import math

from keras_electra.errors import UsageError


def encoder_forward_flops(*, hidden, layers, intermediate, seq_len, embedding):
    """Forward FLOPs of one sequence through an encoder (see the module's formula)."""
    s, h = seq_len, hidden
    projection = 2 * s * embedding * h if embedding != h else 0
    return projection + layers * (8 * s * h * h + 4 * s * h * intermediate + 4 * s * s * h)


def pretraining_step_flops(config, batch_size, *, backward_factor=2.0,
                           dense_embedding_lookup=False):
    """The FLOPs of one optimizer step of `config`'s ELECTRA at `batch_size`.

    Args:
        config: an `ElectraConfig` (its `max_seq_length` is the sequence length).
        batch_size: int, the global batch.
        backward_factor: backward FLOPs per forward FLOP (2: the 3x rule).
        dense_embedding_lookup: count each model's token lookup as a one-hot matmul
            (2·e·V a token), as the ELECTRA paper's count does.

    Returns:
        dict of floats: `generator_forward`, `discriminator_forward` (per sequence)
        and `step` (the whole step, forward and backward, both models).
    """
    s, e, v = config.max_seq_length, config.embedding_size, config.vocab_size
    h_d, h_g = config.hidden_size, config.generator_hidden_size
    disc = encoder_forward_flops(
        hidden=h_d, layers=config.num_layers, intermediate=config.intermediate_size,
        seq_len=s, embedding=e,
    ) + 2 * s * h_d * h_d + 2 * s * h_d
    gen = encoder_forward_flops(
        hidden=h_g, layers=config.num_layers,
        intermediate=config.generator_intermediate_size, seq_len=s, embedding=e,
    ) + config.max_predictions_per_seq * (2 * h_g * e + 2 * e * v)
    if dense_embedding_lookup:
        disc += 2 * s * e * v
        gen += 2 * s * e * v
    step = batch_size * (1 + backward_factor) * (gen + disc)
    return {"generator_forward": float(gen), "discriminator_forward": float(disc),
            "step": float(step)}


def steps_for_budget(budget_flops, config, batch_size, steps=None):
    """The number of whole steps `budget_flops` pays for (rounded down).

    `steps`, if given too, must be that number; a budget below one step, or a
    `steps` that disagrees, is a `UsageError`.
    """
    per_step = pretraining_step_flops(config, batch_size)["step"]
    budget_steps = math.floor(budget_flops / per_step)
    if budget_steps < 1:
        raise UsageError(
            f"`budget_flops` {budget_flops:.3g} is less than one step "
            f"({per_step:.3g} FLOPs at batch {batch_size}); raise the budget."
        )
    if steps is not None and steps != budget_steps:
        raise UsageError(
            f"`steps` {steps} disagrees with `budget_flops` {budget_flops:.3g} "
            f"({budget_steps} steps of {per_step:.3g} FLOPs); give one of them."
        )
    return budget_steps
