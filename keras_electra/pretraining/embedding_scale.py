"""Hand the pre-trained embeddings over at the scale fine-tuning expects, without changing a thing they compute.

Pre-training grows the shared word embeddings: they are also the generator's output
projection, so larger rows give sharper MLM logits (a tiny model on Brown, 6000 steps at
3e-3: mean row norm 0.79, against 0.11 at initialization). The discriminator never sees
that scale, because LayerNorm follows the embedding sum, but fine-tuning does: Adam moves
every entry by about the learning rate whatever its size, so a table 7x larger than a
fresh one adapts 7x more slowly to a new domain's words. On R8 (Brown-pre-trained tiny,
finetune's defaults, median of 3 seeds) the pre-trained encoder reached 0.780 against
0.813 from random init; the same encoder with fresh embeddings, 0.823.

`normalize_embedding_scale` multiplies the word, position and segment tables by one
factor c, so that word rows have the norm of a fresh initialization. The embedding
LayerNorm is invariant to c, and the generator's MLM head divides its LayerNorm's scale
and offset by c, so its logits (h / c) . (c E)^T are unchanged: both models compute what
they computed before, to float rounding.
"""

import numpy as np


def normalize_embedding_scale(pretrainer):
    """Rescales `pretrainer`'s shared embeddings to the initialization's row norm, in place.

    Returns the factor applied. Both the discriminator's and the generator's outputs stay
    the same (see the module docstring).

    Example:
    >>> factor = normalize_embedding_scale(pretrainer)  # before save_model_folder
    """
    config = pretrainer.electra_config
    block = pretrainer.embeddings
    word = block.token_embedding.embeddings
    fresh_norm = config.initializer_range * np.sqrt(config.embedding_size)
    factor = float(fresh_norm / np.linalg.norm(word.numpy(), axis=1).mean())
    if abs(factor - 1.0) < 1e-5:  # already at that scale (a continued run): keep bits
        return 1.0
    for table in (
        word,
        block.position_embedding.position_embeddings,
        block.segment_embedding.embeddings,
    ):
        table.assign(table.numpy() * factor)
    head = pretrainer.generator.get_layer("mlm_head")
    for variable in head.weights:
        if variable.path.startswith("mlm_head/intermediate_layer_norm/"):
            variable.assign(variable.numpy() / factor)
    return factor
