"""ElectraTokenClassifier: a label for every token (tagging: POS, chunking, NER)."""

import keras
import keras_hub
import numpy as np
import tensorflow as tf

from keras_electra.models.electra_backbone import truncated_normal
from keras_electra.models.electra_task import ElectraTask, encoder_inputs
from keras_electra.models.electra_token_classifier_preprocessor import (
    ElectraTokenClassifierPreprocessor,
)


@keras.saving.register_keras_serializable(package="keras_electra")
class ElectraTokenClassifier(ElectraTask, keras_hub.models.Task):
    """Dropout then a dense layer on every hidden state: logits [batch, seq, num_classes].

    Words are labelled on their first sub-token only (as BERT and ELECTRA
    do); the other positions, special tokens and padding carry sample weight 0
    (see `keras_electra.tasks.conll.encode_tagged_sentences`), so the loss and
    the accuracy count each word once.

    Args:
        backbone: an `ElectraBackbone`, e.g. `ElectraBackbone.from_preset(model_folder)`.
        num_classes: int, size of the tag set.
        preprocessor: optional `ElectraTokenClassifierPreprocessor`, so that
            `fit` takes words and their tags and `predict_words` sentences.
        dropout: float, dropout before the dense layer.

    Example:
    >>> tagger = ElectraTokenClassifier.from_preset("out/model", num_classes=len(tags))
    >>> words = tf.ragged.constant([["The", "cat", "sat"]])
    >>> tagger.fit(tf.data.Dataset.from_tensor_slices(
    ...     (words, tf.ragged.constant([[4, 7, 9]]))).batch(32), epochs=3)
    >>> tagger.predict_words(["The dog sat"])
    [[4, 7, 9]]
    """

    preprocessor_cls = ElectraTokenClassifierPreprocessor

    def __init__(self, backbone, num_classes, preprocessor=None, dropout=0.1, **kwargs):
        if not isinstance(num_classes, int) or num_classes < 1:
            raise ValueError(f"num_classes must be a positive int, got {num_classes!r}.")
        kwargs.setdefault("name", "electra_token_classifier")
        self.backbone = backbone
        self.preprocessor = preprocessor
        self._fit_preprocessor_to_backbone()
        policy = backbone.dtype_policy
        inputs = encoder_inputs()
        x = backbone(inputs)
        x = keras.layers.Dropout(dropout, dtype=policy, name="tagger_dropout")(x)
        logits = keras.layers.Dense(
            num_classes,
            kernel_initializer=truncated_normal(backbone.initializer_range),
            dtype=policy,
            name="tagger_logits",
        )(x)
        self.num_classes = num_classes
        self.dropout = dropout
        super().__init__(inputs=inputs, outputs=logits, **kwargs)

    def compile(self, optimizer="auto", loss="auto", metrics="auto", **kwargs):
        """Defaults: AdamW at the backbone size's rate, cross-entropy, weighted token accuracy."""
        if optimizer == "auto":
            optimizer = self.default_optimizer()
        if loss == "auto":
            loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        if metrics == "auto":
            metrics = None
            kwargs.setdefault(
                "weighted_metrics", [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]
            )
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)

    def predict_words(self, x, batch_size=32):
        """The predicted tag id of every word: a list (one per example) of lists.

        `x`: sentences (strings, split on whitespace) or lists of words. Needs an
        `ElectraTokenClassifierPreprocessor`; words past its sequence length get
        no position and are predicted as -1.

        Example:
        >>> tagger.predict_words(["The cat sat", "A dog"])  # doctest: +SKIP
        [[4, 7, 9], [4, 7]]
        """
        if not isinstance(self.preprocessor, ElectraTokenClassifierPreprocessor):
            raise ValueError(
                "predict_words needs the tagger's preprocessor to be an "
                "ElectraTokenClassifierPreprocessor (it knows the word boundaries)."
            )
        if isinstance(x, (list, tuple)) and x and not isinstance(x[0], str):
            x = tf.ragged.constant([list(words) for words in x], dtype=tf.string)
        words = self.preprocessor.split_words(x)
        word_ids = np.asarray(self.preprocessor.word_ids(words))
        batches = tf.data.Dataset.from_tensor_slices(words).batch(batch_size)
        logits = self.predict(batches, verbose=0)
        best = np.argmax(logits, axis=-1)
        predicted = []
        for row, count in enumerate(np.asarray(words.row_lengths())):
            tags = np.full(count, -1, np.int64)
            starts = word_ids[row] >= 0
            tags[word_ids[row][starts]] = best[row][starts]
            predicted.append(tags.tolist())
        return predicted

    def _task_config(self):
        return {"num_classes": self.num_classes, "dropout": self.dropout}
