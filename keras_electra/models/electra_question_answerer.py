"""ElectraQuestionAnswerer: extractive QA (SQuAD 1.1 and 2.0) as start/end logits."""

import keras
import keras_hub

from keras_electra.models.electra_backbone import truncated_normal
from keras_electra.models.electra_task import ElectraTask, encoder_inputs


@keras.saving.register_keras_serializable(package="keras_electra")
class ElectraQuestionAnswerer(ElectraTask, keras_hub.models.Task):
    """A dense layer of width 2 on every hidden state: start and end logits.

    Inputs are windows `[CLS] question [SEP] context-piece [SEP]` (see
    `keras_electra.tasks.squad.make_windows`); outputs a dict of
    `start_logits` and `end_logits`, float [batch, seq]. For SQuAD 2.0 an
    unanswerable window points both ends at position 0 ([CLS]), whose score
    is the null answer's (`keras_electra.tasks.squad_decoding`). Training
    labels are `{"start_positions", "end_positions"}` int [batch]; the loss is
    the mean of the two cross-entropies over positions, as in BERT/ELECTRA.

    Args:
        backbone: an `ElectraBackbone`, e.g. `ElectraBackbone.from_preset(model_folder)`.
        preprocessor: optional layer applied to `x` in `fit`/`predict`.

    Example:
    >>> qa = ElectraQuestionAnswerer(load_discriminator("out/model").encoder)
    >>> qa.fit(tf.data.Dataset.from_tensor_slices((features,
    ...     {"start_positions": starts, "end_positions": ends})).batch(32))
    """

    def __init__(self, backbone, preprocessor=None, **kwargs):
        kwargs.setdefault("name", "electra_question_answerer")
        self.backbone = backbone
        self.preprocessor = preprocessor
        self._fit_preprocessor_to_backbone()
        policy = backbone.dtype_policy
        inputs = encoder_inputs()
        x = backbone(inputs)
        logits = keras.layers.Dense(
            2,
            kernel_initializer=truncated_normal(backbone.initializer_range),
            dtype=policy,
            name="span_logits",
        )(x)
        start, end = keras.ops.unstack(logits, 2, axis=-1)
        # Padding can never be an answer end point; a large negative, not -inf,
        # keeps the softmax finite in float16.
        not_pad = keras.ops.cast(inputs["padding_mask"], start.dtype)
        start = keras.layers.Identity(name="start_logits")(start - 1e4 * (1 - not_pad))
        end = keras.layers.Identity(name="end_logits")(end - 1e4 * (1 - not_pad))
        super().__init__(
            inputs=inputs,
            outputs={"start_logits": start, "end_logits": end},
            **kwargs,
        )

    def compile(self, optimizer="auto", loss="auto", metrics="auto", **kwargs):
        """Defaults: AdamW at the backbone size's rate, cross-entropy over positions per end."""
        if optimizer == "auto":
            optimizer = self.default_optimizer()
        if loss == "auto":
            ce = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
            loss = {"start_logits": ce, "end_logits": ce}
            kwargs.setdefault("loss_weights", {"start_logits": 0.5, "end_logits": 0.5})
        if metrics == "auto":
            metrics = None
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)

    def train_step(self, data):
        return super().train_step(_rename_labels(data))

    def test_step(self, data):
        return super().test_step(_rename_labels(data))


def _rename_labels(data):
    """Lets labels be named for what they are (`start_positions`) or for the output."""
    x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
    if isinstance(y, dict) and "start_positions" in y:
        y = {"start_logits": y["start_positions"], "end_logits": y["end_positions"]}
    return keras.utils.pack_x_y_sample_weight(x, y, sample_weight)
