"""keras-electra: ELECTRA pre-training, fine-tuning and serving for Keras 3."""

from keras_electra import backend as _backend  # noqa: F401  (selects TensorFlow first)
from keras_electra.config import ElectraConfig
from keras_electra.layers.electra_embeddings import ElectraEmbeddings
from keras_electra.models.electra_discriminator import ElectraDiscriminator
from keras_electra.models.electra_backbone import ElectraBackbone, ElectraEncoder
from keras_electra.models.electra_generator import ElectraGenerator
from keras_electra.models.electra_pretrainer import ElectraPretrainer
from keras_electra.model_folder import (
    load_backbone,
    load_discriminator,
    load_generator,
    load_pretrainer,
    save_model_folder,
)
from keras_electra.training.pretraining_optimizer import pretraining_optimizer
from keras_electra.training.pretraining_run import PretrainingRun, pretrain
from keras_electra.training.schedules import WarmupLinearDecay

# Fine-tuning.
from keras_electra.models.electra_classifier import ElectraClassifier
from keras_electra.models.electra_question_answerer import ElectraQuestionAnswerer
from keras_electra.models.electra_pretraining_preprocessor import (
    ElectraPretrainingPreprocessor,
    text_pretraining_dataset,
)
from keras_electra.models.electra_question_answerer_preprocessor import (
    ElectraQuestionAnswererPreprocessor,
)
from keras_electra.models.electra_text_preprocessor import ElectraTextPreprocessor
from keras_electra.data.tokenizer import ElectraTokenizer
from keras_electra.models.electra_token_classifier import ElectraTokenClassifier
from keras_electra.models.electra_token_classifier_preprocessor import (
    ElectraTokenClassifierPreprocessor,
)
from keras_electra.training.layerwise_decay import LayerwiseDecayAdamW, finetuning_optimizer

__version__ = "0.1.0"
