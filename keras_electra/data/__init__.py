"""Data for ELECTRA: vocabulary, tokenizer, pre-training example writer and tf.data reader.

Example:
>>> from keras_electra import data
>>> vocab = data.learn_vocabulary(["corpus.txt"], 8000)        # doctest: +SKIP
>>> data.write_vocabulary(vocab, "vocab.txt")                  # doctest: +SKIP
>>> data.write_pretraining_examples(["corpus.txt"], "vocab.txt", "prepared/")  # doctest: +SKIP
>>> dataset = data.pretraining_dataset("prepared/", batch_size=128)  # doctest: +SKIP
"""

from keras_electra.data.example_packing import ExamplePacker, PackedExample
from keras_electra.data.manifest import (
    check_against_config,
    config_overrides as dataset_config_overrides,
    read_manifest,
)
from keras_electra.data.pretraining_dataset import pretraining_dataset
from keras_electra.data.pretraining_examples import write_pretraining_examples
from keras_electra.data.python_docs_corpus import write_python_docs_corpus
from keras_electra.data.tokenizer import ElectraTokenizer, electra_tokenizer
from keras_electra.data.vocab import (
    SPECIAL_TOKENS,
    config_overrides as vocab_config_overrides,
    learn_vocabulary,
    read_vocabulary,
    special_token_ids,
    vocabulary_settings,
    write_vocabulary,
)
