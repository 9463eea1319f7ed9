"""The fine-tuning settings `finetune` uses when none are given."""

import pytest

from keras_electra import ElectraConfig
from keras_electra.training.finetuning_defaults import (
    SMALL_TRAINING_SET,
    default_epochs,
    default_layerwise_decay,
    default_learning_rate,
)


@pytest.mark.parametrize("preset, rate", [("tiny", 3e-3), ("small", 3e-4), ("base", 1e-4),
                                          ("large", 5e-5)])
def test_the_rate_follows_the_model_width(preset, rate):
    assert default_learning_rate(ElectraConfig.preset(preset)) == rate


def test_small_training_sets_get_ten_epochs_and_known_tasks_keep_theirs():
    assert default_epochs(None, SMALL_TRAINING_SET - 1) == 10
    assert default_epochs(None, SMALL_TRAINING_SET) == 3
    assert default_epochs(2, 100) == 2  # squad


@pytest.mark.parametrize("preset, decay", [("tiny", 0.8), ("small", 0.8), ("base", 0.8),
                                           ("large", 0.9)])
def test_the_layerwise_decay_is_the_paper_s_by_depth(preset, decay):
    assert default_layerwise_decay(ElectraConfig.preset(preset)) == decay
