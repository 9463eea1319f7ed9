"""ElectraTask: what the fine-tuning models (classifier, QA, tagger) have in common."""

import keras

from keras_electra.models.electra_backbone import ElectraBackbone
from keras_electra.models.electra_text_preprocessor import DEFAULT_SEQUENCE_LENGTH
from keras_electra.training.finetuning_defaults import default_learning_rate

FEATURES = ("token_ids", "segment_ids", "padding_mask")


def encoder_inputs():
    """Fresh symbolic inputs in the encoder's dict format (int32 [batch, seq_len])."""
    return {name: keras.Input(shape=(None,), dtype="int32", name=name) for name in FEATURES}


class ElectraTask:
    """The conventions of keras-electra's keras-hub `Task`s around an `ElectraBackbone`.

    A mixin, listed before the keras-hub base (`keras_hub.models.Task`, or
    `TextClassifier` for the classifier, so that keras-hub's own loaders find
    it): Keras rewrites a functional model's class bases when it is built, which
    fails on a diamond of `keras.Model` subclasses, so this cannot be a `Task`
    subclass of its own.

    keras-hub's `Task` maps the optional `preprocessor` over the batches given
    to `fit`, `evaluate` and `predict` (raw strings in, packed ids to the
    model), so a task is trained on a `tf.data.Dataset` of raw text or of
    already packed features alike. Subclasses build a functional graph from
    `encoder_inputs()` and list their own constructor arguments in
    `_task_config()`.

    The backbone is exposed as both `.backbone` (keras-hub's word) and
    `.encoder` (ELECTRA's). As keras-hub tasks, they load from a model folder
    (`ElectraClassifier.from_preset(folder, num_classes=3)`: the pre-trained
    backbone, its tokenizer, a new head) or from a fine-tuned task's preset
    (`from_preset(folder)`: everything as saved by `save_to_preset`).
    """

    backbone_cls = ElectraBackbone

    @property
    def encoder(self):
        return self.backbone

    def _fit_preprocessor_to_backbone(self):
        """Gives a preprocessor of no set length the backbone's; refuses a longer one.

        Call before building the graph: a preprocessor made by `from_preset` has
        no length of its own, and a model pre-trained on short examples has
        position embeddings for those only.
        """
        preprocessor = self.preprocessor
        if not hasattr(preprocessor, "sequence_length"):
            return
        length, positions = preprocessor.sequence_length, self.backbone.max_position_embeddings
        if length is None:
            preprocessor.sequence_length = min(DEFAULT_SEQUENCE_LENGTH, positions)
        elif length > positions:
            raise ValueError(
                f"The preprocessor packs {length} tokens, but the backbone has "
                f"{positions} positions: give the preprocessor sequence_length <= {positions}."
            )

    def default_optimizer(self):
        """What `compile()` uses: AdamW at the paper's rate for the backbone's width.

        A constant rate, since `compile` cannot know the number of steps; for
        ELECTRA's full recipe (layer-wise decay, warm-up, linear decay) pass
        `keras_electra.finetuning_optimizer(...)` instead, as `finetune` does.
        """
        return keras.optimizers.AdamW(
            default_learning_rate(self.backbone), weight_decay=0.01, epsilon=1e-6
        )

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
            "backbone": keras.layers.serialize(self.backbone),
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
        if "encoder" in config:  # `.keras` files written before `backbone=`
            config["backbone"] = config.pop("encoder")
        for key in ("backbone", "preprocessor"):
            if isinstance(config.get(key), dict):
                config[key] = keras.layers.deserialize(config[key])
        return cls(**config)
