"""Sub-token ids of whole words, with the word boundaries kept (for tagging and QA).

Tagging labels a word on its first sub-token, and extractive QA maps a span of
sub-tokens back to characters of the context; both need to know which
sub-tokens came from which word. Running the model's tokenizer on each word
alone gives exactly the pieces it gives in running text, since WordPiece never
crosses whitespace or punctuation. Distinct words are tokenized once, in one
batched call.
"""

import numpy as np
import tensorflow as tf


class WordPieceCache:
    """Maps words to lists of token ids with one tokenizer, remembering each word.

    Args:
        tokenizer: a tokenizer layer mapping a string tensor to ragged ids, with
            `token_to_id` (keras-electra's or keras-hub's WordPiece tokenizer).

    Example:
    >>> cache = WordPieceCache(tokenizer)
    >>> cache.pieces(["unaffable", "films"])  # doctest: +SKIP
    [[7, 1032, 881], [412, 9]]
    """

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self._ids = {}
        self.unk_id = self._special("[UNK]")
        self.cls_id = self._special("[CLS]")
        self.sep_id = self._special("[SEP]")
        self.pad_id = self._special("[PAD]")

    def _special(self, token):
        from keras_electra.models.electra_text_preprocessor import special_token_id

        return special_token_id(self.tokenizer, token)

    def pieces(self, words):
        """The token ids of each word; a word that yields no piece becomes [UNK]."""
        new = sorted({w for w in words if w not in self._ids})
        for start in range(0, len(new), 4096):
            batch = new[start : start + 4096]
            ids = self.tokenizer(tf.constant(batch))
            if isinstance(ids, tf.RaggedTensor):
                ids = ids.to_list()
            else:
                ids = [list(np.asarray(row)) for row in ids]
            for word, word_ids in zip(batch, ids):
                self._ids[word] = [int(i) for i in word_ids] or [self.unk_id]
        return [self._ids[w] for w in words]
