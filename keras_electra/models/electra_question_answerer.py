"""ElectraQuestionAnswerer: extractive QA (SQuAD 1.1 and 2.0) as start/end logits."""

import keras
import keras_hub
import numpy as np
import tensorflow as tf

from keras_electra.models.electra_backbone import truncated_normal
from keras_electra.models.electra_question_answerer_preprocessor import (
    ElectraQuestionAnswererPreprocessor,
)
from keras_electra.models.electra_task import FEATURES, ElectraTask, encoder_inputs
from keras_electra.tasks.squad import QAExample, Windows
from keras_electra.tasks.squad_decoding import decode_answers


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
        preprocessor: optional `ElectraQuestionAnswererPreprocessor`, so that
            `fit` takes questions, contexts and answer offsets, and
            `predict_answers` gives answer texts.

    Example:
    >>> qa = ElectraQuestionAnswerer(load_discriminator("out/model").encoder)
    >>> qa.fit(tf.data.Dataset.from_tensor_slices((features,
    ...     {"start_positions": starts, "end_positions": ends})).batch(32))
    """

    preprocessor_cls = ElectraQuestionAnswererPreprocessor

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

    def predict_answers(self, questions, contexts, batch_size=32, allow_null=False,
                        null_threshold=0.0, max_answer_length=30, n_best=20):
        """The answer to each question in its context, decoded as in fine-tuning.

        Needs an `ElectraQuestionAnswererPreprocessor`. Long contexts are read in
        its strided windows; spans are scored over all of a question's windows
        (`keras_electra.tasks.squad_decoding`). With `allow_null` (SQuAD 2.0
        models) a question may get the empty answer.

        Returns:
            one dict per question: `answer` (a substring of the context, "" for
            none), `start_char` / `end_char` into the context (-1 for none) and
            `score` (start + end logit).

        Example:
        >>> qa.predict_answers(["Who built it?"], ["Eiffel's company built it."])
        [{'answer': "Eiffel's company", 'start_char': 0, 'end_char': 16, 'score': 9.1}]
        """
        if not isinstance(self.preprocessor, ElectraQuestionAnswererPreprocessor):
            raise ValueError(
                "predict_answers needs the question answerer's preprocessor to be an "
                "ElectraQuestionAnswererPreprocessor (it cuts and maps back the windows)."
            )
        questions, contexts = list(questions), list(contexts)
        if len(questions) != len(contexts):
            raise ValueError(
                f"predict_answers got {len(questions)} questions for {len(contexts)} contexts."
            )
        windows = self.preprocessor.windows(
            {"question": tf.constant(questions, tf.string), "context": tf.constant(contexts, tf.string)}
        )
        windows = {k: np.asarray(v) for k, v in windows.items()}
        # The windows are packed already: Keras's own predict, not the task's,
        # which would run the preprocessor again.
        outputs = keras.Model.predict(
            self, {k: windows[k] for k in FEATURES}, batch_size=batch_size, verbose=0
        )
        examples = [QAExample(str(i), q, c, []) for i, (q, c) in enumerate(zip(questions, contexts))]
        decoded = decode_answers(
            _window_table(windows, contexts), examples, outputs["start_logits"],
            outputs["end_logits"], n_best=n_best, max_answer_length=max_answer_length,
            allow_null=allow_null, null_threshold=null_threshold, return_spans=True,
        )
        return [
            {"answer": decoded[0][e.qid], "start_char": decoded[2][e.qid][0],
             "end_char": decoded[2][e.qid][1], "score": float(decoded[2][e.qid][2])}
            for e in examples
        ]

    def train_step(self, data):
        return super().train_step(_rename_labels(data))

    def test_step(self, data):
        return super().test_step(_rename_labels(data))

    # keras-hub's Task.train_on_batch / test_on_batch convert `y` to one tensor,
    # which refuses this model's dict of labels: these preprocess as it does and
    # convert leaf by leaf, then run Keras's own.
    def train_on_batch(self, x, y=None, sample_weight=None, **kwargs):
        return keras.Model.train_on_batch(self, *self._batch_tensors(x, y, sample_weight), **kwargs)

    def test_on_batch(self, x, y=None, sample_weight=None, **kwargs):
        return keras.Model.test_on_batch(self, *self._batch_tensors(x, y, sample_weight), **kwargs)

    def _batch_tensors(self, x, y, sample_weight):
        data = self.preprocess_samples(x, y, sample_weight)
        return tuple(
            None if part is None else keras.tree.map_structure(keras.ops.convert_to_tensor, part)
            for part in keras.utils.unpack_x_y_sample_weight(data)
        )


def _window_table(windows, contexts):
    """The preprocessor's windows as `squad_decoding` reads them, words in characters."""
    words = [dict() for _ in contexts]
    for r, e in enumerate(windows["example_index"]):
        encoded = contexts[e].encode("utf-8")
        for w, start, end in zip(windows["token_word"][r], windows["word_start_byte"][r],
                                 windows["word_end_byte"][r]):
            if w >= 0 and w not in words[e]:
                start_char = len(encoded[:start].decode("utf-8"))
                end_char = start_char + len(encoded[start:end].decode("utf-8"))
                words[e][int(w)] = (None, start_char, end_char)
    return Windows(
        features=None, start_positions=None, end_positions=None,
        example_index=windows["example_index"], token_word=windows["token_word"],
        max_context=windows["max_context"], words=words,
    )


def _rename_labels(data):
    """Lets labels be named for what they are (`start_positions`) or for the output."""
    x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
    if isinstance(y, dict) and "start_positions" in y:
        y = {"start_logits": y["start_positions"], "end_logits": y["end_positions"]}
    return keras.utils.pack_x_y_sample_weight(x, y, sample_weight)
