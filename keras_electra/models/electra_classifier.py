"""ElectraClassifier: sentence and sentence-pair classification or regression."""

import keras
import keras_hub

from keras_electra.models.electra_backbone import truncated_normal
from keras_electra.models.electra_task import ElectraTask, encoder_inputs
from keras_electra.models.electra_text_preprocessor import ElectraTextPreprocessor


@keras.saving.register_keras_serializable(package="keras_electra")
class ElectraClassifier(ElectraTask, keras_hub.models.TextClassifier):
    """Dropout then a dense layer on the encoder's [CLS] vector, as in the original.

    A keras-hub `TextClassifier`, so `keras_hub.models.TextClassifier.from_preset(
    model_folder, num_classes=...)` builds one once `keras_electra` is imported.

    With `regression=True` (STS-B) the model outputs one float per example,
    trained with mean squared error; otherwise `num_classes` logits trained
    with softmax cross-entropy. Inputs are the encoder's dict, or raw strings
    (a tuple of two for pairs) when a `preprocessor` is given.

    Args:
        backbone: an `ElectraBackbone`, e.g. `ElectraBackbone.from_preset(model_folder)`.
        num_classes: int, number of labels (ignored for regression).
        preprocessor: optional `ElectraTextPreprocessor`.
        regression: bool, one real-valued output instead of logits.
        dropout: float, dropout on the [CLS] vector (0.1 in the original).

    Example:
    >>> classifier = ElectraClassifier.from_preset("out/model", num_classes=5)
    >>> classifier.fit(tf.data.Dataset.from_tensor_slices((texts, labels)).batch(32))
    >>> classifier.predict(["a good film"])  # logits [1, 5]
    """

    preprocessor_cls = ElectraTextPreprocessor

    def __init__(
        self,
        backbone,
        num_classes=2,
        preprocessor=None,
        regression=False,
        dropout=0.1,
        **kwargs,
    ):
        if not regression and (not isinstance(num_classes, int) or num_classes < 2):
            raise ValueError(
                f"ElectraClassifier needs num_classes >= 2, got {num_classes!r}; "
                "for a real-valued target pass regression=True."
            )
        kwargs.setdefault("name", "electra_classifier")
        self.backbone = backbone
        self.preprocessor = preprocessor
        self._fit_preprocessor_to_backbone()
        policy = backbone.dtype_policy
        inputs = encoder_inputs()
        sequence = backbone(inputs)
        cls_vector = sequence[:, 0, :]
        x = keras.layers.Dropout(dropout, dtype=policy, name="classifier_dropout")(cls_vector)
        outputs = keras.layers.Dense(
            1 if regression else num_classes,
            kernel_initializer=truncated_normal(backbone.initializer_range),
            dtype=policy,
            name="classifier_logits",
        )(x)
        if regression:
            outputs = keras.layers.Reshape((), dtype=policy, name="prediction")(outputs)
        # Set before Task.__init__, which compiles with our defaults.
        self.num_classes = 1 if regression else num_classes
        self.regression = bool(regression)
        self.dropout = dropout
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)

    def compile(self, optimizer="auto", loss="auto", metrics="auto", **kwargs):
        """Defaults: AdamW at the rate for the backbone's size, CE or MSE, accuracy."""
        if optimizer == "auto":
            optimizer = self.default_optimizer()
        if loss == "auto":
            loss = (
                keras.losses.MeanSquaredError()
                if self.regression
                else keras.losses.SparseCategoricalCrossentropy(from_logits=True)
            )
        if metrics == "auto":
            metrics = (
                [keras.metrics.MeanAbsoluteError(name="mae")]
                if self.regression
                else [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]
            )
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)

    def _task_config(self):
        return {
            "num_classes": self.num_classes,
            "regression": self.regression,
            "dropout": self.dropout,
        }
