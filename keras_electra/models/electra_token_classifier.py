"""ElectraTokenClassifier: a label for every token (tagging: POS, chunking, NER)."""

import keras
import keras_hub

from keras_electra.models.electra_backbone import truncated_normal
from keras_electra.models.electra_task import ElectraTask, encoder_inputs


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
        preprocessor: optional layer applied to `x` in `fit`/`predict`.
        dropout: float, dropout before the dense layer.

    Example:
    >>> tagger = ElectraTokenClassifier(encoder, num_classes=len(tags))
    >>> tagger.fit(tf.data.Dataset.from_tensor_slices(
    ...     (features, label_ids, label_weights)).batch(32), epochs=3)
    """

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

    def _task_config(self):
        return {"num_classes": self.num_classes, "dropout": self.dropout}
