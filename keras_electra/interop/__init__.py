"""Import and export of released ELECTRA weights: Hugging Face folders, Google TF1 checkpoints.

Every path goes through `weight_mapping`'s one table, checks every tensor's name
and shape before assigning anything, and raises a ValueError naming the tensor
and both shapes otherwise.
"""

from keras_electra.interop.conversion import convert_hf, convert_tf1
from keras_electra.interop.hf_checkpoint import (
    export_hf,
    hf_electra_config,
    load_hf_discriminator,
    load_hf_generator,
    load_hf_pretrainer,
    read_hf_tensors,
)
from keras_electra.interop.hf_config import (
    electra_config_from_hf,
    hf_config_from_encoder,
    read_hf_config,
)
from keras_electra.interop.tf1_checkpoint import load_tf1_checkpoint, tf1_electra_config

__all__ = [
    "convert_hf",
    "convert_tf1",
    "electra_config_from_hf",
    "export_hf",
    "hf_config_from_encoder",
    "hf_electra_config",
    "load_hf_discriminator",
    "load_hf_generator",
    "load_hf_pretrainer",
    "load_tf1_checkpoint",
    "read_hf_config",
    "read_hf_tensors",
    "tf1_electra_config",
]
