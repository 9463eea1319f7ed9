"""ElectraTask: the common base of the fine-tuning models (classifier, QA, tagger)."""

import keras
import keras_hub

FEATURES = ("token_ids", "segment_ids", "padding_mask")


def encoder_inputs():
    """Fresh symbolic inputs in the encoder's dict format (int32 [batch, seq_len])."""
    return {name: keras.Input(shape=(None,), dtype="int32", name=name) for name in FEATURES}


class ElectraTask(keras_hub.models.Task):
    """A keras-hub `Task` around an `ElectraEncoder`.

    keras-hub's `Task` maps the optional `preprocessor` over the batches given
    to `fit`, `evaluate` and `predict` (raw strings in, packed ids to the
    model), so a task is trained on a `tf.data.Dataset` of raw text or of
    already packed features alike. Subclasses build a functional graph from
    `encoder_inputs()` and list their own constructor arguments in
    `_task_config()`.

    The encoder is exposed as both `.encoder` (ELECTRA's word) and `.backbone`
    (keras-hub's).
    """

    @property
    def encoder(self):
        return self.backbone

    def compile_from_config(self, config):
        # Keras skips restoring the compile state (optimizer included) of a
        # model whose `compile` is overridden; ours only fills in defaults, so
        # the saved arguments can be replayed as they are.
        config = keras.saving.deserialize_keras_object(config)
        self.compile(**config)
        if self.built and getattr(self, "optimizer", None) is not None:
            self.optimizer.build(self.trainable_variables)

    def _task_config(self):
        return {}

    def get_config(self):
        config = {
            "encoder": keras.layers.serialize(self.backbone),
            "preprocessor": (
                keras.layers.serialize(self.preprocessor) if self.preprocessor else None
            ),
            "name": self.name,
            "trainable": self.trainable,
        }
        config.update(self._task_config())
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("encoder", "preprocessor"):
            if isinstance(config.get(key), dict):
                config[key] = keras.layers.deserialize(config[key])
        return cls(**config)
