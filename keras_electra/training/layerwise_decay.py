"""Layer-wise learning-rate decay: ELECTRA's fine-tuning optimizer.

Fine-tuning lowers the learning rate of each layer geometrically with its
distance from the task head, so the lower layers (general features learned in
pre-training) move less than the upper ones. Two conventions exist:

* the paper (Clark et al. 2020, Appendix A): the head trains at the full rate,
  the top transformer layer at `lr * decay`, each layer below at one more
  factor of `decay`, the embeddings lowest. With L layers, layer i (0-based)
  gets `decay ** (L - i)` and the embeddings `decay ** (L + 1)`.
* the original code (google-research/electra `model/optimization.py`,
  `_get_layer_lrs`): the head is given depth L + 2 and layer i depth i + 1, so
  the top layer gets `decay ** 2` and the embeddings `decay ** (L + 2)`, one
  factor lower everywhere below the head. Pass `original_off_by_one=True` to
  reproduce published numbers obtained with that code.
"""

import re

import keras
from keras import ops

from keras_electra.training.pretraining_optimizer import NO_DECAY_NAMES
from keras_electra.training.schedules import WarmupLinearDecay

_LAYER = re.compile(r"^transformer_layer_(\d+)$")
_EMBEDDING_LAYERS = ("embeddings", "embeddings_project")


def variable_depth(path):
    """Where a variable sits in the encoder, from its Keras path.

    Returns ("embeddings", None), ("layer", i) or ("head", None); everything
    that is neither in the embeddings block nor in a transformer layer belongs
    to the task head. Only the layer names of the path are looked at, not the
    variable's own name (a token embedding table is called "embeddings" too).
    """
    parts = path.split("/")[:-1]
    for part in parts:
        if part in _EMBEDDING_LAYERS:
            return ("embeddings", None)
        match = _LAYER.match(part)
        if match:
            return ("layer", int(match.group(1)))
    return ("head", None)


def layerwise_multiplier(path, num_layers, decay, original_off_by_one=False):
    """The factor applied to the learning rate of the variable at `path`.

    Example:
    >>> layerwise_multiplier("transformer_layer_1/attention/kernel", 2, 0.8)
    0.8
    >>> layerwise_multiplier("embeddings/layer_norm/gamma", 2, 0.8)  # 0.8 ** 3
    0.512
    >>> layerwise_multiplier("transformer_layer_1/attention/kernel", 2, 0.8,
    ...     original_off_by_one=True)  # 0.8 ** 2
    0.64
    """
    kind, index = variable_depth(path)
    if kind == "head":
        return 1.0
    depth = 0 if kind == "embeddings" else index + 1
    if index is not None and index >= num_layers:
        raise ValueError(
            f"Variable {path} belongs to transformer layer {index}, but the "
            f"optimizer was told the encoder has {num_layers} layers."
        )
    # Paper: the head is at depth L + 1, so layer L-1 (depth L) is one step down.
    top = num_layers + (2 if original_off_by_one else 1)
    return round(float(decay) ** (top - depth), 12)


@keras.saving.register_keras_serializable(package="keras_electra")
class LayerwiseDecayAdamW(keras.optimizers.AdamW):
    """AdamW whose step for each variable is scaled by its layer's multiplier.

    The multiplier (see `layerwise_multiplier`) scales the whole learning rate
    of the variable, including its decoupled weight decay, as the original
    ELECTRA optimizer does. Variables are mapped to layers by their Keras path
    (`embeddings/...`, `embeddings_project/...`, `transformer_layer_{i}/...`,
    anything else is the head), so the optimizer needs no reference to the
    model, works under `model.fit`, and is saved and restored with the model
    like any Keras optimizer.

    Args:
        learning_rate: float or schedule, the head's learning rate.
        layerwise_decay: float in (0, 1]; 0.8 for small and base models, 0.9
            for large ones in the paper. 1.0 turns the decay off.
        num_layers: int, transformer layers of the encoder; inferred from the
            variable paths when None.
        original_off_by_one: bool, use the original code's exponents (top layer
            at decay**2) instead of the paper's (top layer at decay).
        weight_decay, beta_1, beta_2, epsilon, global_clipnorm, ...: as in
            `keras.optimizers.AdamW`; the defaults are ELECTRA's fine-tuning
            ones. LayerNorm and bias variables are excluded from weight decay.

    Example:
    >>> optimizer = LayerwiseDecayAdamW(
    ...     WarmupLinearDecay(1e-4, total_steps=1000, warmup_steps=100),
    ...     layerwise_decay=0.8)
    >>> classifier.compile(optimizer=optimizer, loss=..., metrics=[...])
    """

    def __init__(
        self,
        learning_rate=1e-4,
        layerwise_decay=0.8,
        num_layers=None,
        original_off_by_one=False,
        weight_decay=0.01,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-6,
        global_clipnorm=1.0,
        name="layerwise_decay_adamw",
        **kwargs,
    ):
        if not 0.0 < float(layerwise_decay) <= 1.0:
            raise ValueError(
                f"layerwise_decay must be in (0, 1], got {layerwise_decay!r} "
                "(0.8 for small/base models, 0.9 for large; 1.0 disables it)."
            )
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            global_clipnorm=global_clipnorm,
            name=name,
            **kwargs,
        )
        self.layerwise_decay = float(layerwise_decay)
        self.num_layers = num_layers
        self.original_off_by_one = bool(original_off_by_one)
        self._lr_multipliers = []
        self._decayed = []
        if weight_decay:
            self.exclude_from_weight_decay(var_names=NO_DECAY_NAMES)

    def build(self, var_list):
        super().build(var_list)
        num_layers = self.num_layers
        if num_layers is None:
            indices = [
                variable_depth(v.path)[1]
                for v in var_list
                if variable_depth(v.path)[0] == "layer"
            ]
            num_layers = max(indices) + 1 if indices else 0
            self.num_layers = num_layers
        self._lr_multipliers = [
            layerwise_multiplier(
                v.path, num_layers, self.layerwise_decay, self.original_off_by_one
            )
            for v in var_list
        ]
        self._decayed = [bool(self._use_weight_decay(v)) for v in var_list]

    def learning_rate_multipliers(self):
        """{variable path: multiplier} for the variables the optimizer was built on."""
        return {
            v.path: m for v, m in zip(self._trainable_variables, self._lr_multipliers)
        }

    def _apply_weight_decay(self, variables):
        # Done in `update_step` instead, where the variable's multiplier is known
        # (the base class would decay every layer at the head's rate).
        return

    def update_step(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        lr = ops.cast(learning_rate, variable.dtype) * self._lr_multipliers[index]
        if self.weight_decay and self._decayed[index]:
            wd = ops.cast(self.weight_decay, variable.dtype)
            self.assign_sub(variable, variable * wd * lr)
        super().update_step(gradient, variable, lr)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "layerwise_decay": self.layerwise_decay,
                "num_layers": self.num_layers,
                "original_off_by_one": self.original_off_by_one,
            }
        )
        return config


def finetuning_optimizer(
    learning_rate,
    total_steps,
    layerwise_decay=0.8,
    warmup_fraction=0.1,
    num_layers=None,
    original_off_by_one=False,
    weight_decay=0.01,
):
    """ELECTRA's fine-tuning optimizer: layer-wise decayed AdamW, 10% warm-up, linear decay.

    Example:
    >>> optimizer = finetuning_optimizer(1e-4, total_steps=3 * steps_per_epoch)
    """
    schedule = WarmupLinearDecay(
        learning_rate, total_steps, int(round(warmup_fraction * total_steps))
    )
    return LayerwiseDecayAdamW(
        schedule,
        layerwise_decay=layerwise_decay,
        num_layers=num_layers,
        original_off_by_one=original_off_by_one,
        weight_decay=weight_decay,
    )
