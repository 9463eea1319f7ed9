"""Fine-tuning settings that suit the model and the data when the user gives none.

The paper fine-tunes ELECTRA-Small at 3e-4, Base at 1e-4 and Large at 5e-5, for 3
epochs (10 for the small RTE and STS-B sets). Narrower models want higher rates, and a
training set of a few thousand examples gives 3 epochs only a few hundred steps.
"""

# (widest hidden size, peak rate): the paper's rates by model size, and tiny's
# (64 wide) measured one: Brown-pre-trained tiny on R8 (1000 documents, 3 epochs,
# one seed) stayed at the majority class (0.477) at 1e-4 in both arms, reached
# 0.64 / 0.75 (pre-trained / random) at 1e-3 and 0.76 / 0.75 at 3e-3.
_RATES_BY_WIDTH = ((128, 3e-3), (256, 3e-4), (768, 1e-4))
_LARGE_RATE = 5e-5

# Below this many training examples, 10 epochs instead of 3, as the paper's RTE
# (2.5k) and STS-B (5.7k); each seed keeps its best dev epoch.
SMALL_TRAINING_SET = 6000


def default_learning_rate(config):
    """The peak fine-tuning rate for a model of `config`'s width.

    `config`: anything with a `hidden_size` (an `ElectraConfig`, an `ElectraBackbone`).

    Example:
    >>> default_learning_rate(ElectraConfig.preset("small"))
    0.0003
    """
    for width, rate in _RATES_BY_WIDTH:
        if config.hidden_size <= width:
            return rate
    return _LARGE_RATE


def default_layerwise_decay(config):
    """The paper's layer-wise learning-rate decay: 0.9 for Large (24 layers), else 0.8.

    Example:
    >>> default_layerwise_decay(ElectraConfig.preset("base"))
    0.8
    """
    return 0.9 if config.num_layers >= 24 else 0.8


def default_epochs(task_epochs, num_train_examples):
    """`task_epochs` (a GLUE task's paper value) if known, else 3 or 10 by data size.

    Example:
    >>> default_epochs(None, 1000), default_epochs(None, 60000), default_epochs(2, 1000)
    (10, 3, 2)
    """
    if task_epochs is not None:
        return task_epochs
    return 10 if num_train_examples < SMALL_TRAINING_SET else 3
