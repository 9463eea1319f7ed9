"""ElectraConfig: every hyper-parameter of the ELECTRA models and of the objective."""

import dataclasses
import json
import math
from typing import Optional

# Values from the ELECTRA paper (Clark et al., 2020), Table 6, and the original
# code's configure_pretraining.py. The generator keeps the discriminator's depth
# and is narrower by `generator_fraction` (hidden size, heads and FFN).
_PRESETS = {
    "tiny": dict(
        vocab_size=1000,
        hidden_size=64,
        embedding_size=32,
        num_layers=2,
        num_heads=2,
        intermediate_size=128,
        max_position_embeddings=128,
        max_seq_length=64,
        generator_fraction=0.5,
    ),
    "small": dict(
        hidden_size=256,
        embedding_size=128,
        num_layers=12,
        num_heads=4,
        intermediate_size=1024,
        generator_fraction=1 / 4,
    ),
    "base": dict(
        hidden_size=768,
        embedding_size=768,
        num_layers=12,
        num_heads=12,
        intermediate_size=3072,
        generator_fraction=1 / 3,
    ),
    "large": dict(
        hidden_size=1024,
        embedding_size=1024,
        num_layers=24,
        num_heads=16,
        intermediate_size=4096,
        mask_prob=0.25,
        generator_fraction=1 / 4,
    ),
}


@dataclasses.dataclass
class ElectraConfig:
    """Hyper-parameters of an ELECTRA generator/discriminator pair and its objective.

    The discriminator is a BERT-style encoder of `hidden_size` x `num_layers`.
    The generator has the same depth and, unless given explicitly, a width of
    `generator_fraction` times the discriminator's (hidden size, attention heads
    and FFN size). Both share one embedding block of `embedding_size`.

    Args:
        vocab_size: number of WordPiece ids.
        hidden_size, embedding_size, num_layers, num_heads, intermediate_size:
            discriminator shape; embeddings are projected to `hidden_size`
            when the two sizes differ.
        max_position_embeddings: number of learned positions.
        type_vocab_size: number of segment ids.
        dropout: dropout on embeddings, attention probabilities and residuals.
        layer_norm_epsilon: LayerNorm epsilon (1e-12 as in BERT).
        initializer_range: std of the truncated normal initializer.
        generator_fraction: width of the generator relative to the discriminator.
        generator_hidden_size, generator_num_heads, generator_intermediate_size:
            explicit generator width; derived from `generator_fraction` if None.
        max_seq_length: length of the pre-training examples.
        mask_prob: fraction of the non-pad tokens masked per sequence.
        mask_token_rate: fraction of masked positions shown as [MASK]; the rest
            keep their token (the original never substitutes random tokens).
        max_predictions_per_seq: static number of masked slots per sequence;
            if None, `int((mask_prob + 0.005) * max_seq_length)` as in the original.
        temperature: softmax temperature of the generator's samples.
        generator_weight, disc_weight: loss = generator_weight * mlm + disc_weight * disc.
        disc_weight_warmup_steps: K > 0 ramps the discriminator's weight linearly
            from 0 (optimizer step 0) to `disc_weight` (step K and after), so the
            generator learns a little before the discriminator's loss dominates;
            0 (default): `disc_weight` from the first step.
        whole_word_masking: mask all WordPiece pieces of a word together (BERT's
            whole-word masking; the budget still counted in tokens, see
            `keras_electra.pretraining.whole_words`); False (default): single tokens.
        disallow_original: the generator never samples the original token at a
            masked position (the original's `disallow_correct`), so every masked
            position is replaced; False (default): samples may equal the original
            and are then labelled original.
        pad_token_id, cls_token_id, sep_token_id, mask_token_id: special token ids
            (defaults: the BERT uncased vocabulary used by the released weights).

    Example:
    >>> config = ElectraConfig.preset("small", vocab_size=8000)
    >>> config.generator_hidden_size
    64
    >>> ElectraConfig.from_json(config.to_json()) == config
    True
    """

    vocab_size: int = 30522
    hidden_size: int = 256
    embedding_size: int = 128
    num_layers: int = 12
    num_heads: int = 4
    intermediate_size: int = 1024
    max_position_embeddings: int = 512
    type_vocab_size: int = 2
    dropout: float = 0.1
    layer_norm_epsilon: float = 1e-12
    initializer_range: float = 0.02
    generator_fraction: float = 0.25
    generator_hidden_size: Optional[int] = None
    generator_num_heads: Optional[int] = None
    generator_intermediate_size: Optional[int] = None
    max_seq_length: int = 128
    mask_prob: float = 0.15
    mask_token_rate: float = 0.85
    max_predictions_per_seq: Optional[int] = None
    temperature: float = 1.0
    generator_weight: float = 1.0
    disc_weight: float = 50.0
    disc_weight_warmup_steps: int = 0
    whole_word_masking: bool = False
    disallow_original: bool = False
    pad_token_id: int = 0
    cls_token_id: int = 101
    sep_token_id: int = 102
    mask_token_id: int = 103

    def __post_init__(self):
        self._check_types()
        f = self.generator_fraction
        if self.generator_hidden_size is None:
            self.generator_hidden_size = max(1, int(round(self.hidden_size * f)))
        if self.generator_num_heads is None:
            self.generator_num_heads = max(1, int(round(self.num_heads * f)))
        if self.generator_intermediate_size is None:
            self.generator_intermediate_size = max(
                1, int(round(self.intermediate_size * f))
            )
        if self.max_predictions_per_seq is None:
            # The original's rule; the small epsilon turns 0.15 * 128 = 19.2 into 19.
            self.max_predictions_per_seq = int(
                (self.mask_prob + 0.005) * self.max_seq_length
            )
        self.validate()

    @classmethod
    def preset(cls, name, **overrides):
        """The paper's configuration `name` ("tiny", "small", "base", "large")."""
        if name not in _PRESETS:
            raise ValueError(
                f"Unknown ElectraConfig preset {name!r}; choose one of "
                f"{sorted(_PRESETS)}."
            )
        values = dict(_PRESETS[name])
        values.update(overrides)
        return cls(**values)

    @staticmethod
    def preset_names():
        return sorted(_PRESETS)

    def _check_types(self):
        """Raises ValueError naming the first field of the wrong type (a "64" for 64)."""
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if field.type is bool:
                if not isinstance(value, bool):
                    raise ValueError(
                        f"ElectraConfig.{field.name} must be true or false, got "
                        f"{value!r} ({type(value).__name__})."
                    )
                continue
            integer = field.type in (int, Optional[int])
            if value is None and field.type == Optional[int]:
                continue
            if isinstance(value, bool) or not isinstance(value, int if integer else (int, float)):
                raise ValueError(
                    f"ElectraConfig.{field.name} must be "
                    f"{'an integer' if integer else 'a number'}, got {value!r} "
                    f"({type(value).__name__})."
                )

    def validate(self):
        """Raises ValueError naming the first inconsistent field."""
        for name in ("mask_prob", "mask_token_rate"):
            value = getattr(self, name)
            if not 0.0 < value < 1.0 and not (name == "mask_token_rate" and value == 1.0):
                raise ValueError(
                    f"ElectraConfig.{name} must be in (0, 1), got {value!r}."
                )
        positive = [
            "vocab_size",
            "hidden_size",
            "embedding_size",
            "num_layers",
            "num_heads",
            "intermediate_size",
            "max_position_embeddings",
            "type_vocab_size",
            "generator_hidden_size",
            "generator_num_heads",
            "generator_intermediate_size",
            "max_seq_length",
            "max_predictions_per_seq",
        ]
        if self.disc_weight_warmup_steps < 0:
            raise ValueError(
                "ElectraConfig.disc_weight_warmup_steps must be >= 0 (0: no warm-up), "
                f"got {self.disc_weight_warmup_steps!r}."
            )
        for name in positive:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(
                    f"ElectraConfig.{name} must be a positive integer, got {value!r}."
                )
        for prefix in ("", "generator_"):
            hidden = getattr(self, prefix + "hidden_size")
            heads = getattr(self, prefix + "num_heads")
            if hidden % heads:
                raise ValueError(
                    f"ElectraConfig.{prefix}hidden_size ({hidden}) must be divisible "
                    f"by {prefix}num_heads ({heads})."
                )
        for name in ("dropout",):
            if not 0.0 <= getattr(self, name) < 1.0:
                raise ValueError(
                    f"ElectraConfig.{name} must be in [0, 1), got {getattr(self, name)!r}."
                )
        for name in ("layer_norm_epsilon", "initializer_range", "temperature"):
            if not getattr(self, name) > 0:
                raise ValueError(
                    f"ElectraConfig.{name} must be > 0, got {getattr(self, name)!r}."
                )
        for name in ("generator_weight", "disc_weight"):
            if not getattr(self, name) >= 0 or math.isinf(getattr(self, name)):
                raise ValueError(
                    f"ElectraConfig.{name} must be a finite number >= 0, "
                    f"got {getattr(self, name)!r}."
                )
        if self.max_seq_length > self.max_position_embeddings:
            raise ValueError(
                f"ElectraConfig.max_seq_length ({self.max_seq_length}) exceeds "
                f"max_position_embeddings ({self.max_position_embeddings})."
            )
        if self.max_predictions_per_seq > self.max_seq_length:
            raise ValueError(
                f"ElectraConfig.max_predictions_per_seq ({self.max_predictions_per_seq}) "
                f"exceeds max_seq_length ({self.max_seq_length})."
            )
        for name in self.special_token_ids():
            value = getattr(self, name)
            if not isinstance(value, int) or not 0 <= value < self.vocab_size:
                raise ValueError(
                    f"ElectraConfig.{name}={value!r} is outside the vocabulary "
                    f"[0, {self.vocab_size}); set it to the id of that token in your "
                    "vocabulary."
                )
        ids = [getattr(self, n) for n in self.special_token_ids()]
        if len(set(ids)) != len(ids):
            raise ValueError(
                "ElectraConfig special token ids must be distinct, got "
                + ", ".join(f"{n}={getattr(self, n)}" for n in self.special_token_ids())
                + "."
            )

    @staticmethod
    def special_token_ids():
        """Names of the special token id fields."""
        return ("pad_token_id", "cls_token_id", "sep_token_id", "mask_token_id")

    def special_token_ids_values(self):
        """The special token ids themselves, in `special_token_ids()` order."""
        return tuple(getattr(self, name) for name in self.special_token_ids())

    # Serialization -----------------------------------------------------------
    def to_dict(self):
        return dataclasses.asdict(self)

    get_config = to_dict

    @classmethod
    def from_dict(cls, values):
        if not isinstance(values, dict):
            raise ValueError(
                f"an ElectraConfig is a JSON object of fields, got a {type(values).__name__}."
            )
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(
                f"Unknown ElectraConfig field(s) {unknown}; known fields: "
                f"{sorted(known)}."
            )
        return cls(**values)

    from_config = from_dict

    def to_json(self, path=None):
        text = json.dumps(self.to_dict(), indent=2, sort_keys=True)
        if path is not None:
            import tensorflow as tf

            with tf.io.gfile.GFile(path, "w") as f:
                f.write(text + "\n")
        return text

    @classmethod
    def from_json(cls, text_or_path):
        from keras_electra.json_file import json_object, read_json_object

        remedy = 'give an object of ElectraConfig fields, such as {"hidden_size": 256}'
        if text_or_path.lstrip().startswith("{"):
            return cls.from_dict(json_object(text_or_path, "ElectraConfig JSON", remedy))
        return cls.from_dict(read_json_object(text_or_path, remedy))

    def replace(self, **changes):
        """A copy with `changes`; derived fields are recomputed unless given."""
        values = self.to_dict()
        derived = {
            "generator_hidden_size": ("hidden_size", "generator_fraction"),
            "generator_num_heads": ("num_heads", "generator_fraction"),
            "generator_intermediate_size": ("intermediate_size", "generator_fraction"),
            "max_predictions_per_seq": ("max_seq_length", "mask_prob"),
        }
        for field, sources in derived.items():
            if field not in changes and any(s in changes for s in sources):
                values[field] = None
        values.update(changes)
        return type(self)(**values)
