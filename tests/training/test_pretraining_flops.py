"""The FLOPs of a pre-training step: a hand count, and the ELECTRA paper's figure."""

import pytest

from keras_electra.config import ElectraConfig
from keras_electra.errors import UsageError
from keras_electra.training.pretraining_flops import pretraining_step_flops, steps_for_budget

# Discriminator 4 wide, embeddings 2 (so projected), generator 2 wide (not projected).
TINY = ElectraConfig(vocab_size=10, hidden_size=4, embedding_size=2, num_layers=1,
                     num_heads=1, intermediate_size=8, max_position_embeddings=3,
                     max_seq_length=3, generator_fraction=0.5, max_predictions_per_seq=1,
                     cls_token_id=1, sep_token_id=2, mask_token_id=3)


def test_matches_a_hand_count_for_a_tiny_config():
    # s=3. Discriminator: projection 2*3*2*4 = 48; layer: Q,K,V,O 8*3*16 = 384,
    # FFN 4*3*4*8 = 384, QK^T and AV 4*9*4 = 144; head 2*3*16 + 2*3*4 = 120.
    # Generator (h=2, i=4, e=2: no projection): 8*3*4 + 4*3*2*4 + 4*9*2 = 264;
    # MLM head at its 1 slot: 2*2*2 + 2*2*10 = 48.
    flops = pretraining_step_flops(TINY, batch_size=2)
    assert flops["discriminator_forward"] == 48 + 384 + 384 + 144 + 120
    assert flops["generator_forward"] == 264 + 48
    assert flops["step"] == 2 * 3 * (1080 + 312)  # batch x (forward + 2x backward)
    # The vocabulary projection is counted at the masked slots only.
    more_slots = pretraining_step_flops(TINY.replace(max_predictions_per_seq=2), 1)
    assert more_slots["generator_forward"] - flops["generator_forward"] == 48


def test_electra_small_against_the_paper():
    # Table 1 of the paper: ELECTRA-Small, 1M steps of batch 128 x 128, 1.4e18.
    small = ElectraConfig.preset("small", vocab_size=30522)
    ours = pretraining_step_flops(small, 128)["step"] * 1e6
    assert ours == pytest.approx(1.150e18, rel=1e-3)  # 18% below, by convention:
    # the paper's count takes the backward pass as 1x the forward (not 2x), the
    # embedding lookups as dense one-hot matmuls (2 e V a token for each model,
    # where we gather), and the element-wise ops. With its first two conventions
    # we are 8.7% below the table; its own flops_computation.py formula gives
    # 1.294e18 for this model, 1.2% above ours (its element-wise ops, 20 MLM
    # slots for our 19); the table's 1.4e18 is 8% above even that script, for a
    # reason the released code does not show.
    paper_way = pretraining_step_flops(
        small, 128, backward_factor=1.0, dense_embedding_lookup=True)["step"] * 1e6
    assert paper_way == pytest.approx(1.279e18, rel=1e-3)
    assert 0.9 * 1.4e18 < paper_way < 1.4e18


def test_a_budget_buys_whole_steps_and_refuses_none_or_a_mismatch():
    step = pretraining_step_flops(TINY, 2)["step"]
    assert steps_for_budget(10.9 * step, TINY, 2) == 10
    assert steps_for_budget(10.9 * step, TINY, 2, steps=10) == 10
    with pytest.raises(UsageError, match="less than one step"):
        steps_for_budget(0.9 * step, TINY, 2)
    with pytest.raises(UsageError, match="`steps` 11 disagrees"):
        steps_for_budget(10.9 * step, TINY, 2, steps=11)
