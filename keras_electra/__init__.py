"""keras-electra: ELECTRA pre-training, fine-tuning and serving for Keras 3."""

from keras_electra import backend as _backend  # noqa: F401  (selects TensorFlow first)
from keras_electra.config import ElectraConfig

__version__ = "0.1.0"
