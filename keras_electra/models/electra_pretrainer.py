"""ElectraPretrainer: the generator, the discriminator and their joint objective."""

import random

import keras
import tensorflow as tf

from keras_electra.config import ElectraConfig
from keras_electra.layers.electra_embeddings import ElectraEmbeddings
from keras_electra.models.electra_discriminator import ElectraDiscriminator
from keras_electra.models.electra_backbone import ElectraEncoder
from keras_electra.models.electra_generator import ElectraGenerator
from keras_electra.pretraining.masking import mask_tokens
from keras_electra.pretraining.noise import example_noise
from keras_electra.pretraining.replaced_tokens import replace_masked_tokens
from keras_electra.pretraining.sampling import gumbel_max_sample
from keras_electra.pretraining.whole_words import continuation_table

FEATURES = ("token_ids", "segment_ids", "padding_mask")


@keras.saving.register_keras_serializable(package="keras_electra")
class ElectraPretrainer(keras.Model):
    """Replaced-token-detection pre-training, whole, inside `train_step`.

    Each step, on device and with static shapes (so `jit_compile=True` works):
    mask ~15% of the tokens; the generator predicts them (MLM loss); its
    samples (Gumbel-max, no gradient) replace the masked tokens; the
    discriminator labels every token original/replaced (sigmoid loss over all
    non-pad tokens). loss = generator_weight x mlm + disc_weight x disc.

    The generator and the discriminator share one `ElectraEmbeddings` block;
    the discriminator's loss reaches the shared embeddings but never the
    generator's own variables (its input is sampled ids, which carry no
    gradient), as in the original.

    Randomness is per example, a function of (`seed`, step, position in the
    global batch), so one device and N devices compute the same step.

    Args:
        config: an `ElectraConfig` (or its dict).
        seed: int, seed of the masking and sampling; random if None.
        dtype: a Keras dtype policy for every layer, e.g. `"mixed_bfloat16"`
            (matmuls in bfloat16; variables, logits, losses, sampling and
            metrics in float32, much as the original's TPU runs did); None
            means Keras's global policy (float32 unless set).
        continuation_ids: the ids of the vocabulary's `##` pieces
            (`keras_electra.pretraining.whole_words.continuation_ids(vocab.txt)`),
            needed by, and only by, `config.whole_word_masking`.

    Batches are dicts of int32 `token_ids`, `segment_ids`, `padding_mask`,
    [batch, max_seq_length].

    Example:
    >>> config = ElectraConfig.preset("tiny")
    >>> pretrainer = ElectraPretrainer(config)
    >>> pretrainer.compile(optimizer=pretraining_optimizer(1e-3, total_steps=100,
    ...     warmup_steps=10), jit_compile=True)
    >>> pretrainer.fit(dataset, steps_per_epoch=100)
    >>> encoder = pretrainer.discriminator.encoder  # to fine-tune
    """

    def __init__(self, config, seed=None, dtype=None, continuation_ids=None, **kwargs):
        kwargs.setdefault("name", "electra_pretrainer")
        super().__init__(dtype=dtype, **kwargs)
        policy = self.dtype_policy
        if isinstance(config, dict):
            config = ElectraConfig.from_dict(config)
        self.electra_config = config
        self.seed = int(seed) if seed is not None else random.randrange(2**31)
        if config.whole_word_masking and continuation_ids is None:
            raise ValueError(
                "ElectraConfig.whole_word_masking needs the vocabulary's word pieces: "
                "pass continuation_ids=whole_words.continuation_ids('vocab.txt')."
            )
        self.continuation_ids = (
            None if continuation_ids is None else sorted(int(i) for i in continuation_ids)
        )
        # A constant lookup, built once: which ids are `##` continuations.
        self._is_continuation = (
            continuation_table(config.vocab_size, self.continuation_ids)
            if config.whole_word_masking else None
        )
        self.embeddings = ElectraEmbeddings(
            vocab_size=config.vocab_size,
            embedding_size=config.embedding_size,
            max_position_embeddings=config.max_position_embeddings,
            type_vocab_size=config.type_vocab_size,
            dropout=config.dropout,
            layer_norm_epsilon=config.layer_norm_epsilon,
            initializer_range=config.initializer_range,
            dtype=policy,
            name="embeddings",
        )
        self.generator = ElectraGenerator(
            ElectraEncoder.from_electra_config(
                config, "generator", self.embeddings, dtype=policy
            ),
            name="generator",
        )
        self.discriminator = ElectraDiscriminator(
            ElectraEncoder.from_electra_config(
                config, "discriminator", self.embeddings, dtype=policy
            ),
            name="discriminator",
        )
        # Counts forward passes, so every step draws new masks and samples; only
        # the first replica's increment counts, as all replicas share the step.
        self.noise_step = self.add_weight(
            name="noise_step",
            shape=(),
            dtype="int64",
            initializer="zeros",
            trainable=False,
            aggregation="only_first_replica",
        )
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mlm_loss_tracker = keras.metrics.Mean(name="mlm_loss")
        self.mlm_accuracy = keras.metrics.SparseCategoricalAccuracy(name="mlm_accuracy")
        self.disc_loss_tracker = keras.metrics.Mean(name="disc_loss")
        self.disc_accuracy = keras.metrics.BinaryAccuracy(name="disc_accuracy")
        self.disc_precision = keras.metrics.Precision(name="disc_precision")
        self.disc_recall = keras.metrics.Recall(name="disc_recall")
        self.disc_auc = keras.metrics.AUC(num_thresholds=1000, name="disc_auc")
        self.replaced_fraction = keras.metrics.Mean(name="replaced_fraction")
        self.built = True

    @property
    def metrics(self):
        return [
            self.loss_tracker,
            self.mlm_loss_tracker,
            self.mlm_accuracy,
            self.disc_loss_tracker,
            self.disc_accuracy,
            self.disc_precision,
            self.disc_recall,
            self.disc_auc,
            self.replaced_fraction,
        ]

    # The objective -------------------------------------------------------
    def call(self, inputs, training=False):
        """Runs mask -> generator -> sample -> discriminator on a batch.

        Returns a dict: `masked_token_ids` (the generator's input),
        `masked_positions`, `masked_weights`, `masked_lm_ids`, `mlm_logits`
        [batch, n_slots, vocab], `sampled_ids`, `disc_token_ids` (the
        discriminator's input), `replaced` (labels) and `disc_logits` [batch, length].
        """
        config = self.electra_config
        token_ids, segment_ids, padding_mask = (
            tf.cast(inputs[k], tf.int32) for k in FEATURES
        )
        batch, length = token_ids.shape
        if length is None:
            raise ValueError(
                "ElectraPretrainer needs batches of a known sequence length (the "
                "masks and the noise are shaped by it): pad every example to one "
                f"length, e.g. max_seq_length={config.max_seq_length}."
            )
        if batch is None:  # e.g. NumPy input, whose last batch may be smaller
            batch = tf.shape(token_ids)[0]
        n_slots = config.max_predictions_per_seq

        replica = tf.distribute.get_replica_context()
        replica_id = replica.replica_id_in_sync_group if replica is not None else 0
        example_ids = tf.cast(replica_id, tf.int32) * batch + tf.range(batch)
        select_noise, keep_noise, gumbel_noise = example_noise(
            self.seed,
            self.noise_step,
            example_ids,
            [[length], [n_slots], [n_slots, config.vocab_size]],
        )
        self.noise_step.assign_add(1)

        masked = mask_tokens(
            token_ids,
            padding_mask,
            select_noise,
            keep_noise,
            mask_prob=config.mask_prob,
            max_predictions=n_slots,
            mask_token_rate=config.mask_token_rate,
            mask_token_id=config.mask_token_id,
            special_token_ids=config.special_token_ids_values(),
            is_continuation=(
                None if self._is_continuation is None
                else tf.gather(self._is_continuation, token_ids)
            ),
        )
        mlm_logits = self.generator(
            {
                "token_ids": masked["masked_token_ids"],
                "segment_ids": segment_ids,
                "padding_mask": padding_mask,
                "masked_positions": masked["masked_positions"],
            },
            training=training,
        )
        sampled_ids = gumbel_max_sample(
            mlm_logits, gumbel_noise, config.temperature,
            disallowed_ids=masked["masked_lm_ids"] if config.disallow_original else None,
        )
        disc_token_ids, replaced = replace_masked_tokens(
            token_ids, masked["masked_positions"], masked["masked_weights"], sampled_ids
        )
        disc_logits = self.discriminator(
            {
                "token_ids": disc_token_ids,
                "segment_ids": segment_ids,
                "padding_mask": padding_mask,
            },
            training=training,
        )
        return {
            "masked_token_ids": masked["masked_token_ids"],
            "masked_positions": masked["masked_positions"],
            "masked_weights": masked["masked_weights"],
            "masked_lm_ids": masked["masked_lm_ids"],
            "mlm_logits": mlm_logits,
            "sampled_ids": sampled_ids,
            "disc_token_ids": disc_token_ids,
            "replaced": replaced,
            "disc_logits": disc_logits,
            "padding_mask": padding_mask,
        }

    def objective_losses(self, outputs):
        """This replica's share of the losses, normalized by global counts.

        Means are over the masked positions (MLM) and the non-pad tokens (disc)
        of the *global* batch: each replica divides its sum by the all-reduced
        count, so the gradients summed over replicas equal one device's.
        """
        config = self.electra_config
        replica = tf.distribute.get_replica_context()

        def global_sum(x):
            total = tf.reduce_sum(x)
            if replica is not None:
                total = replica.all_reduce(tf.distribute.ReduceOp.SUM, total)
            return total

        weights = outputs["masked_weights"]
        mlm_per_slot = tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=outputs["masked_lm_ids"],
            logits=tf.cast(outputs["mlm_logits"], tf.float32),
        )
        mlm_sum = tf.reduce_sum(mlm_per_slot * weights)
        mlm_count = tf.reduce_sum(weights)
        tokens = tf.cast(outputs["padding_mask"], tf.float32)
        disc_per_token = tf.nn.sigmoid_cross_entropy_with_logits(
            labels=tf.cast(outputs["replaced"], tf.float32),
            logits=tf.cast(outputs["disc_logits"], tf.float32),
        )
        disc_sum = tf.reduce_sum(disc_per_token * tokens)
        disc_count = tf.reduce_sum(tokens)
        mlm = tf.math.divide_no_nan(mlm_sum, global_sum(mlm_count))
        disc = tf.math.divide_no_nan(disc_sum, global_sum(disc_count))
        return {
            "loss": config.generator_weight * mlm + self.disc_weight() * disc,
            "mlm_loss": mlm,
            "disc_loss": disc,
            "mlm_count": mlm_count,
            "disc_count": disc_count,
            "mlm_sum": mlm_sum,
            "disc_sum": disc_sum,
        }

    def disc_weight(self):
        """The discriminator loss's weight at this optimizer step.

        `disc_weight` x min(1, step / `disc_weight_warmup_steps`) with the step
        the optimizer's `iterations` (0 at the first step; restored on resume,
        the same on every replica); `disc_weight` itself when K = 0 or before
        `compile`.
        """
        config = self.electra_config
        warmup = config.disc_weight_warmup_steps
        if not warmup or getattr(self, "optimizer", None) is None:
            return config.disc_weight
        step = tf.cast(self.optimizer.iterations, tf.float32)
        return config.disc_weight * tf.minimum(1.0, step / float(warmup))

    def _update_metrics(self, outputs, losses):
        num_replicas = tf.distribute.get_strategy().num_replicas_in_sync
        # Metric variables are summed over replicas when read: weighting by the
        # local counts makes the tracked means the global-batch means.
        self.loss_tracker.update_state(losses["loss"] * num_replicas)
        self.mlm_loss_tracker.update_state(
            tf.math.divide_no_nan(losses["mlm_sum"], losses["mlm_count"]),
            sample_weight=losses["mlm_count"],
        )
        self.disc_loss_tracker.update_state(
            tf.math.divide_no_nan(losses["disc_sum"], losses["disc_count"]),
            sample_weight=losses["disc_count"],
        )
        weights = outputs["masked_weights"]
        self.mlm_accuracy.update_state(
            outputs["masked_lm_ids"], outputs["mlm_logits"], sample_weight=weights
        )
        tokens = tf.cast(outputs["padding_mask"], tf.float32)
        labels = outputs["replaced"]
        probs = tf.sigmoid(tf.cast(outputs["disc_logits"], tf.float32))
        for metric in (self.disc_accuracy, self.disc_precision, self.disc_recall, self.disc_auc):
            metric.update_state(labels, probs, sample_weight=tokens)
        replaced_at_slot = tf.gather(labels, outputs["masked_positions"], batch_dims=1)
        self.replaced_fraction.update_state(replaced_at_slot, sample_weight=weights)
        return {m.name: m.result() for m in self.metrics}

    # Keras hooks -----------------------------------------------------------
    def train_step(self, data):
        outputs, losses = self.objective_step(data)
        return self._update_metrics(outputs, losses)

    @staticmethod
    def _batch(data):
        """The features dict of what Keras hands a step: a tf.data element as it
        is, or the `(x, y, sample_weight)` tuple of `train_on_batch`,
        `test_on_batch` and NumPy input."""
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        if y is not None or sample_weight is not None:
            raise ValueError(
                "ElectraPretrainer makes its own labels (the masked tokens and the "
                "replaced ones) and weights every token alike; give it the features "
                f"dict {FEATURES} alone, without targets or sample weights."
            )
        return x

    def objective_step(self, data):
        """One optimizer step of the objective: `train_step` without the metrics.

        Returns `(outputs, losses)` of the step (see `call` and
        `objective_losses`), for loops that need the step's raw discriminator
        scores, e.g. to compare learning curves with another implementation.
        """
        with tf.GradientTape() as tape:
            outputs = self(self._batch(data), training=True)
            losses = self.objective_losses(outputs)
            # A LossScaleOptimizer scales the loss here and unscales the
            # gradients in apply_gradients; other optimizers return it as is.
            scaled_loss = self.optimizer.scale_loss(losses["loss"])
        variables = self.trainable_variables
        grads = tape.gradient(scaled_loss, variables)
        grads = self._clip_global_gradients(grads)
        self.optimizer.apply_gradients(zip(grads, variables))
        return outputs, losses

    def test_step(self, data):
        outputs = self(self._batch(data), training=False)
        return self._update_metrics(outputs, self.objective_losses(outputs))

    def _clip_global_gradients(self, grads):
        """Clips the gradient of the global batch, not each replica's part.

        Keras clips `global_clipnorm` before it all-reduces, i.e. per replica,
        which would make N devices train differently from one. So when the
        optimizer asks for clipping we all-reduce here, clip, and hand each
        replica 1/N of the clipped sum (the optimizer's own sum restores it and
        its own clipping then finds nothing to do).
        """
        clip_norm = getattr(self.optimizer, "global_clipnorm", None)
        replica = tf.distribute.get_replica_context()
        if not clip_norm or replica is None:
            return grads
        num_replicas = replica.num_replicas_in_sync
        if num_replicas > 1:
            grads = replica.all_reduce(tf.distribute.ReduceOp.SUM, grads)
        grads, _ = tf.clip_by_global_norm(grads, clip_norm)
        if num_replicas > 1:
            grads = [g / num_replicas for g in grads]
        return grads

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "config": self.electra_config.to_dict(),
            "seed": self.seed,
            "dtype": keras.dtype_policies.serialize(self.dtype_policy),
            "continuation_ids": self.continuation_ids,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = keras.dtype_policies.deserialize(config["dtype"])
        return cls(**config)
