"""Our side of a learning-curve comparison: `ElectraPretrainer`, one optimizer step a batch.

The two optimizer settings the comparison runs (`OPTIMIZERS`):
    plain        keras.optimizers.AdamW(lr, weight_decay=0.01): what a Keras user
                 compiles with (0.9/0.999/1e-7, every variable decayed, no clipping);
    pretraining  keras_electra.pretraining_optimizer(lr, total_steps, total_steps // 10):
                 the original's AdamW (1e-6, no decay on LayerNorm and biases),
                 warm-up then linear decay, clipping at a global norm of 1.

Example:
>>> side = KerasElectraSide(ElectraConfig.preset("tiny", **overrides), "plain",
...                         learning_rate=2e-3, total_steps=1000, seed=0)  # doctest: +SKIP
>>> record = side.step(batch)  # numpy: disc_logits, replaced, mlm_hits, ...  # doctest: +SKIP
"""

import keras_electra  # noqa: F401  (selects Keras's TensorFlow backend)
import keras
import tensorflow as tf

from keras_electra import ElectraPretrainer, pretraining_optimizer
from keras_electra.interop import load_hf_pretrainer

FEATURES = ("token_ids", "segment_ids", "padding_mask")
OPTIMIZERS = ("plain", "pretraining")


def keras_optimizer(name, learning_rate, total_steps):
    if name == "plain":
        return keras.optimizers.AdamW(learning_rate, weight_decay=0.01)
    if name == "pretraining":
        return pretraining_optimizer(learning_rate, total_steps=total_steps,
                                     warmup_steps=total_steps // 10)
    raise ValueError(f"unknown optimizer setting {name!r}; choose from {OPTIMIZERS}")


class KerasElectraSide:
    """An `ElectraPretrainer` whose `step(batch)` trains once and returns the step's record.

    `seed` sets the initialization (Keras's global seed) and the pretrainer's own masking
    and sampling noise. `jit_compile` compiles the step with XLA: on a CPU thread these
    shapes ran 5x slower with it (218 vs 38 ms a step), so it is off unless asked.
    `hf_folders`, a (discriminator, generator) pair of Hugging Face folders, starts
    from their weights instead of our initialization (to compare from one start).
    """

    def __init__(self, config, optimizer, *, learning_rate, total_steps, seed,
                 jit_compile=False, hf_folders=None):
        keras.utils.set_random_seed(seed)
        if hf_folders is None:
            self.pretrainer = ElectraPretrainer(config, seed=seed)
        else:
            self.pretrainer = load_hf_pretrainer(*hf_folders, config=config, seed=seed)
        self.pretrainer.compile(optimizer=keras_optimizer(optimizer, learning_rate, total_steps))
        # Variables made before tracing: an XLA-compiled step cannot create them.
        ones = tf.ones((1, config.max_seq_length), tf.int32)
        self.pretrainer(dict.fromkeys(FEATURES, ones))
        # That call counted as a forward pass: the first step draws step 0's noise, as in fit.
        self.pretrainer.noise_step.assign(0)
        self.pretrainer.optimizer.build(self.pretrainer.trainable_variables)
        self._step = tf.function(self._train_once, jit_compile=jit_compile)

    def _train_once(self, batch):
        outputs, _ = self.pretrainer.objective_step(batch)
        predicted = tf.argmax(outputs["mlm_logits"], axis=-1, output_type=tf.int32)
        return {
            "disc_logits": outputs["disc_logits"],
            "replaced": outputs["replaced"],
            "padding_mask": outputs["padding_mask"],
            "mlm_hits": tf.cast(predicted == outputs["masked_lm_ids"], tf.float32),
            "masked_weights": outputs["masked_weights"],
        }

    def step(self, batch):
        # Tensors, not numpy arrays, so every step reuses the one trace.
        record = self._step({k: tf.constant(batch[k], tf.int32) for k in FEATURES})
        return {k: v.numpy() for k, v in record.items()}
