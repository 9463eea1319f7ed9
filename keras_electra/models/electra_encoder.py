"""The encoder's former module: `ElectraEncoder` is now `ElectraBackbone`.

Kept so that code importing `keras_electra.models.electra_encoder` keeps working;
new code imports from `electra_backbone` and `encoder_head_model`.
"""

from keras_electra.models.electra_backbone import (  # noqa: F401
    ElectraBackbone,
    ElectraEncoder,
    truncated_normal,
)
from keras_electra.models.encoder_head_model import EncoderHeadModel  # noqa: F401
