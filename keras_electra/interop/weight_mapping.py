"""ELECTRA's weights under their original names, matched to our Keras variables.

Every import and export goes through one table. Its keys are the variable names
of Google's TF1 code (`electra/encoder/layer_0/attention/self/query/kernel`),
because both other layouts are defined from them: the TF1 checkpoints use them
as they are, and transformers derived its parameter names from them by fixed
rules (see `hf_checkpoint.hf_name`).

Values are kept in the TF1 layout, "flat": a dense kernel is [in, out] and a
bias a vector. keras-hub's attention layers store the same numbers in
EinsumDense shapes ([hidden, heads, head_dim] for query/key/value kernels,
[heads, head_dim, hidden] for the output kernel, [heads, head_dim] for their
biases); the heads are contiguous blocks of the flat axis in both (that is how
BERT splits heads), so a reshape converts without moving any number.

Loading is all or nothing: `match_tensors` checks every name and shape first and
only then are values assigned (`assign`), so a bad checkpoint never leaves a
model half loaded.
"""

import dataclasses
import math

import keras
import numpy as np

# (TF1 name under the model's scope, Keras variable path under the model).
_EMBEDDINGS = (
    ("embeddings/word_embeddings", "embeddings/token_embedding/embeddings"),
    ("embeddings/position_embeddings", "embeddings/position_embedding/embeddings"),
    ("embeddings/token_type_embeddings", "embeddings/segment_embedding/embeddings"),
    ("embeddings/LayerNorm/gamma", "embeddings/layer_norm/gamma"),
    ("embeddings/LayerNorm/beta", "embeddings/layer_norm/beta"),
)
_PROJECTION = (
    ("embeddings_project/kernel", "embeddings_project/kernel"),
    ("embeddings_project/bias", "embeddings_project/bias"),
)
# Per transformer layer: TF1 sub-scope under encoder/layer_{i}/ -> keras-hub sub-layer.
_LAYER_DENSES = (
    ("attention/self/query", "self_attention_layer/query"),
    ("attention/self/key", "self_attention_layer/key"),
    ("attention/self/value", "self_attention_layer/value"),
    ("attention/output/dense", "self_attention_layer/attention_output"),
    ("intermediate/dense", "feedforward_intermediate_dense"),
    ("output/dense", "feedforward_output_dense"),
)
_LAYER_NORMS = (
    ("attention/output/LayerNorm", "self_attention_layer_norm"),
    ("output/LayerNorm", "feedforward_layer_norm"),
)
_DISCRIMINATOR_HEAD = (
    ("discriminator_predictions/dense/kernel", "head_dense/kernel"),
    ("discriminator_predictions/dense/bias", "head_dense/bias"),
    ("discriminator_predictions/dense_1/kernel", "head_logits/kernel"),
    ("discriminator_predictions/dense_1/bias", "head_logits/bias"),
)
_GENERATOR_HEAD = (
    ("generator_predictions/dense/kernel", "mlm_head/intermediate_dense/kernel"),
    ("generator_predictions/dense/bias", "mlm_head/intermediate_dense/bias"),
    ("generator_predictions/LayerNorm/gamma", "mlm_head/intermediate_layer_norm/gamma"),
    ("generator_predictions/LayerNorm/beta", "mlm_head/intermediate_layer_norm/beta"),
    ("generator_predictions/output_bias", "mlm_head/output_bias"),
)
# The original keeps the shared embeddings under the discriminator's scope.
EMBEDDINGS_SCOPE = "electra"
SCOPES = {"discriminator": "electra", "generator": "generator"}


@dataclasses.dataclass(frozen=True)
class WeightSlot:
    """One Keras variable and its original name and flat (TF1) shape."""

    name: str
    variable: keras.Variable
    flat_shape: tuple

    @property
    def is_kernel(self):
        return self.name.endswith("/kernel")

    @property
    def is_embedding(self):
        return self.name.startswith(EMBEDDINGS_SCOPE + "/embeddings/")

    def to_keras(self, flat_value):
        return np.reshape(flat_value, self.variable.shape).astype(self.variable.dtype)

    def from_keras(self):
        return np.reshape(keras.ops.convert_to_numpy(self.variable), self.flat_shape)


def _flat_shape(keras_path, shape):
    shape = tuple(int(d) for d in shape)
    if keras_path.endswith("/bias") or len(shape) == 1:
        return (math.prod(shape),)
    if keras_path.endswith("attention_output/kernel"):
        return (math.prod(shape[:-1]), shape[-1])
    return (shape[0], math.prod(shape[1:]))


def _name_table(model, role):
    """Pairs (TF1 name, Keras path) for every variable of `model`."""
    scope = SCOPES[role]
    pairs = [(f"{EMBEDDINGS_SCOPE}/{tf1}", path) for tf1, path in _EMBEDDINGS]
    encoder = model.encoder
    if encoder.embedding_size != encoder.hidden_size:
        pairs += [(f"{scope}/{tf1}", path) for tf1, path in _PROJECTION]
    for i in range(encoder.num_layers):
        prefix, layer = f"{scope}/encoder/layer_{i}", f"transformer_layer_{i}"
        for tf1, path in _LAYER_DENSES:
            for leaf in ("kernel", "bias"):
                pairs.append((f"{prefix}/{tf1}/{leaf}", f"{layer}/{path}/{leaf}"))
        for tf1, path in _LAYER_NORMS:
            for tf1_leaf, leaf in (("gamma", "gamma"), ("beta", "beta")):
                pairs.append((f"{prefix}/{tf1}/{tf1_leaf}", f"{layer}/{path}/{leaf}"))
    pairs += list(_DISCRIMINATOR_HEAD if role == "discriminator" else _GENERATOR_HEAD)
    return pairs


def model_role(model):
    """'discriminator' or 'generator' for one of our models (or a wrapper of one)."""
    from keras_electra.models.electra_discriminator import ElectraDiscriminator
    from keras_electra.models.electra_generator import ElectraGenerator

    if isinstance(model, ElectraDiscriminator):
        return "discriminator", model
    if isinstance(model, ElectraGenerator):
        return "generator", model
    # `load_generator` returns a wrapper that evaluates the generator everywhere.
    inner = [layer for layer in getattr(model, "layers", []) if isinstance(layer, ElectraGenerator)]
    if len(inner) == 1:
        return "generator", inner[0]
    raise ValueError(
        f"Expected an ElectraDiscriminator or ElectraGenerator, got "
        f"{type(model).__name__} {getattr(model, 'name', '')!r}."
    )


def weight_slots(model, role, include_embeddings=True):
    """The `WeightSlot`s of an `ElectraDiscriminator` or `ElectraGenerator`.

    Raises RuntimeError if the table and the model disagree (a renamed
    keras-hub variable, say): an import must never leave a variable untouched.
    """
    by_path = {v.path: v for v in model.weights}
    slots, missing = [], []
    for tf1_name, path in _name_table(model, role):
        variable = by_path.pop(path, None)
        if variable is None:
            missing.append(path)
            continue
        slots.append(WeightSlot(tf1_name, variable, _flat_shape(path, variable.shape)))
    if missing or by_path:
        raise RuntimeError(
            f"keras_electra's weight table does not match the {role} model: no "
            f"variable for {missing}, no name for {sorted(by_path)}. This is a bug "
            "in keras_electra (or an incompatible keras-hub version)."
        )
    if not include_embeddings:
        slots = [s for s in slots if not s.is_embedding]
    return slots


def match_tensors(expected, shapes, read, source, ignore=lambda name: False):
    """Checks a checkpoint against the model, then reads the values it needs.

    Args:
        expected: dict, source tensor name -> (WeightSlot, transposed), where
            `transposed` says the source stores the slot's flat value transposed.
        shapes: dict, every tensor name in the source -> its shape.
        read: callable, name -> numpy array.
        source: str, the checkpoint, for messages.
        ignore: predicate for tensors that may be present and are not loaded
            (optimizer slots, the other model's weights, buffers).

    Returns:
        A list of (WeightSlot, Keras-shaped numpy value), to pass to `assign`.

    Raises:
        ValueError naming every missing, misshapen or unexpected tensor, with
        both shapes; nothing has been assigned when it is raised.
    """
    missing, misshapen = [], []
    for name, (slot, transposed) in expected.items():
        want = tuple(slot.flat_shape[::-1] if transposed else slot.flat_shape)
        if name not in shapes:
            missing.append(f"missing tensor {name!r} (expected shape {want})")
        elif tuple(shapes[name]) != want:
            misshapen.append(
                f"tensor {name!r} has shape {tuple(shapes[name])} in the checkpoint "
                f"but the model expects {want}"
            )
    unexpected = [
        f"unexpected tensor {n!r} of shape {tuple(shapes[n])} (the model has no place for it)"
        for n in sorted(shapes)
        if n not in expected and not ignore(n)
    ]
    if missing or misshapen or unexpected:
        # A few of each kind, so a wholly foreign checkpoint shows both what
        # it lacks and what it has instead.
        shown = []
        for problems in (misshapen, missing, unexpected):
            shown += problems[:5]
            if len(problems) > 5:
                shown.append(f"{len(problems) - 5} more like it")
        raise ValueError(
            f"Cannot load {source}: " + "; ".join(shown) + ". Nothing was loaded; "
            "check that the checkpoint is an ELECTRA model of the shape its config "
            "describes."
        )
    values = []
    for name, (slot, transposed) in expected.items():
        value = np.asarray(read(name))
        values.append((slot, slot.to_keras(value.T if transposed else value)))
    return values


def assign(values):
    """Assigns the output of `match_tensors` to the model's variables."""
    for slot, value in values:
        slot.variable.assign(value)
