"""Raw text to pre-training rows in graph: every piece once, in order, rows full."""

import numpy as np
import tensorflow as tf

from keras_electra import ElectraConfig, ElectraPretrainer, ElectraTokenizer
from keras_electra.data import SPECIAL_TOKENS
from keras_electra.models.electra_pretraining_preprocessor import (
    ElectraPretrainingPreprocessor,
    text_pretraining_dataset,
)

WORDS = "the cat sat on a mat and dog ran far".split()


def test_rows_hold_every_piece_once_in_order_and_are_full():
    tokenizer = ElectraTokenizer(list(SPECIAL_TOKENS) + WORDS)
    rng = np.random.default_rng(0)
    texts = [" ".join(rng.choice(WORDS, rng.integers(0, 15))) for _ in range(40)]
    rows = ElectraPretrainingPreprocessor(tokenizer, sequence_length=16)(tf.constant(texts))
    ids, mask = np.asarray(rows["token_ids"]), np.asarray(rows["padding_mask"])
    stream = [i for t in texts for i in np.asarray(tokenizer(t)).tolist()]
    assert ids.shape == (-(-len(stream) // 14), 16)
    assert (ids[:, 0] == 2).all() and (mask[:-1] == 1).all()  # [CLS] first, all full but one
    content = [i for row, m in zip(ids, mask) for i in row[1:m.sum() - 1]]
    assert content == stream
    assert (ids[np.arange(len(ids)), mask.sum(1) - 1] == 3).all()  # each row ends in [SEP]
    assert np.asarray(rows["segment_ids"]).max() == 0
    empty = ElectraPretrainingPreprocessor(tokenizer, 16)(tf.constant(["", ""]))
    assert np.asarray(empty["token_ids"]).shape == (0, 16)


def test_the_pretrainer_trains_on_streamed_text(tmp_path):
    corpus = tmp_path / "corpus.txt"
    rng = np.random.default_rng(1)
    corpus.write_text("\n".join(" ".join(rng.choice(WORDS, 9)) for _ in range(200)))
    vocab = list(SPECIAL_TOKENS) + WORDS
    config = ElectraConfig.preset("tiny", vocab_size=len(vocab), max_seq_length=32,
                                  max_position_embeddings=32, pad_token_id=0, cls_token_id=2,
                                  sep_token_id=3, mask_token_id=4)
    batches = text_pretraining_dataset(str(corpus), ElectraTokenizer(vocab), 8, 32, seed=0)
    assert batches.element_spec["token_ids"].shape == (8, 32)
    pretrainer = ElectraPretrainer(config, seed=0)
    pretrainer.compile(optimizer="adamw")
    history = pretrainer.fit(batches, steps_per_epoch=3, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert int(pretrainer.optimizer.iterations) == 3
