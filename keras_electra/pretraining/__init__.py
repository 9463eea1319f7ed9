"""The replaced-token-detection objective as pure tensor functions."""

from keras_electra.pretraining.embedding_scale import normalize_embedding_scale
from keras_electra.pretraining.masking import mask_tokens, scatter_positions
from keras_electra.pretraining.noise import example_noise
from keras_electra.pretraining.replaced_tokens import replace_masked_tokens
from keras_electra.pretraining.sampling import gumbel_max_sample
from keras_electra.pretraining.whole_words import (
    choose_whole_words,
    continuation_ids,
    continuation_table,
)
