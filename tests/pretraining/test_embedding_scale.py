"""normalize_embedding_scale: fresh-sized embeddings, the same discriminator and generator."""

import numpy as np

from synthetic_language import synthetic_language
from keras_electra import ElectraConfig, ElectraPretrainer
from keras_electra.pretraining import normalize_embedding_scale

CONFIG = ElectraConfig.preset(
    "tiny", vocab_size=60, max_seq_length=16, embedding_size=16,
    cls_token_id=1, sep_token_id=2, mask_token_id=3, dropout=0.0,
)


def test_rescaling_keeps_both_models_outputs_and_restores_the_fresh_row_norm():
    pretrainer = ElectraPretrainer(CONFIG, seed=0)
    batch = synthetic_language(4, 16, CONFIG, seed=1)
    pretrainer(batch)
    # Stand in for pre-training's growth: tables 7x and 3x their fresh size.
    block = pretrainer.embeddings
    for table, grow in [(block.token_embedding.embeddings, 7.0),
                        (block.position_embedding.position_embeddings, 3.0),
                        (block.segment_embedding.embeddings, 3.0)]:
        table.assign(table.numpy() * grow)
    features = {k: batch[k] for k in ("token_ids", "segment_ids", "padding_mask")}
    positions = np.tile(np.arange(1, 4, dtype="int32"), (4, 1))
    disc_before = pretrainer.discriminator(features).numpy()
    gen_before = pretrainer.generator({**features, "masked_positions": positions}).numpy()

    factor = normalize_embedding_scale(pretrainer)

    assert 0.1 < factor < 0.2
    rows = np.linalg.norm(block.token_embedding.embeddings.numpy(), axis=1)
    np.testing.assert_allclose(rows.mean(), 0.02 * np.sqrt(16), rtol=1e-5)
    np.testing.assert_allclose(pretrainer.discriminator(features).numpy(), disc_before,
                               atol=2e-5)
    np.testing.assert_allclose(
        pretrainer.generator({**features, "masked_positions": positions}).numpy(),
        gen_before, atol=2e-4, rtol=1e-4,
    )
