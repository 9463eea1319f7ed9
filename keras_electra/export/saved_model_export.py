"""export_saved_model: a task, encoder or discriminator as a SavedModel that takes raw text."""

import os

import keras

from keras_electra.errors import UsageError
from keras_electra.export.classifier_signatures import classifier_endpoints
from keras_electra.export.discriminator_signatures import discriminator_endpoints
from keras_electra.export.encoder_signatures import encoder_endpoints
from keras_electra.export.endpoint import refusing_other_shapes
from keras_electra.export.serving_settings import TASK_PRESET, read_serving_settings
from keras_electra.json_file import read_json_object
from keras_electra.models.electra_backbone import ElectraBackbone
from keras_electra.models.electra_classifier import ElectraClassifier
from keras_electra.models.electra_discriminator import ElectraDiscriminator
from keras_electra.models.electra_question_answerer import ElectraQuestionAnswerer
from keras_electra.models.electra_task import ElectraTask
from keras_electra.models.electra_text_preprocessor import (
    DEFAULT_SEQUENCE_LENGTH,
    ElectraTextPreprocessor,
)
from keras_electra.models.electra_token_classifier import ElectraTokenClassifier
from keras_electra.output_folder import check_output_folder, staged_folder

WHAT = ("task", "encoder", "discriminator")
TASKS = (ElectraClassifier, ElectraTokenClassifier, ElectraQuestionAnswerer)
# keras-hub's file name for a task's config: its presence makes a folder a task preset.
TASK_CONFIG_FILE = "task.json"


def export_saved_model(model_or_folder, path, what=None, tokenizer=None, sequence_length=None,
                       labels=None, text_pair=None, allow_null=None, null_threshold=None,
                       overwrite=False):
    """Writes a SavedModel at `path` whose `serving_default` signature takes raw text.

    The tokenizer and the task's preprocessor run inside the graph (tensorflow-text
    ops), so the SavedModel loads and serves with TensorFlow and tensorflow-text
    alone (`import tensorflow_text` registers its ops before `tf.saved_model.load`;
    TF Serving's standard image has them). Every export also has a `serve_ids`
    signature taking `token_ids`, `segment_ids` and `padding_mask`. It is written
    beside `path` and renamed into place, so `path` is never half-written.

    Args:
        model_or_folder: a fine-tuned task (`ElectraClassifier`,
            `ElectraTokenClassifier`, `ElectraQuestionAnswerer`, with its
            preprocessor), an `ElectraBackbone` or `ElectraDiscriminator` (with
            `tokenizer`), or the folder of one: a task preset (what `finetune`
            writes in --output/model; its --output itself will do) or a
            pre-trained model folder (with `what`).
        path: the SavedModel folder to write (local or any tf.io.gfile URL).
        what: "task" (the default for a task), "encoder" or "discriminator" (needed
            for a pre-trained model folder, which has no fine-tuned head).
        tokenizer: the `ElectraTokenizer` of a backbone or discriminator object.
        sequence_length: the packed length of an encoder or discriminator export;
            default 128, or the model's positions if fewer (tasks keep their
            preprocessor's).
        labels: the class (or tag) names in id order; default the folder's
            serving.json (see `serving_settings`), else "0", "1", ...
        text_pair: whether a classifier reads sentence pairs (`text_a`, `text_b`).
        allow_null, null_threshold: a question answerer may answer "" (SQuAD 2.0)
            when the null score beats the best span's by more than the threshold.
        overwrite: replace a non-empty `path`.

    Returns:
        The names of the signatures written.

    Example:
    >>> export_saved_model("runs/sst2/model", "exported/sst2")        # doctest: +SKIP
    ['serving_default', 'serve_ids']
    >>> export_saved_model("run/", "exported/encoder", what="encoder")  # doctest: +SKIP
    """
    if what is not None and what not in WHAT:
        raise UsageError(f"`what` must be one of {', '.join(WHAT)}, got {what!r}.")
    reads = ([("model_or_folder", str(model_or_folder))]
             if isinstance(model_or_folder, (str, os.PathLike)) else [])
    check_output_folder(path, overwrite, argument="path", reads=reads)
    settings = {}
    if isinstance(model_or_folder, (str, os.PathLike)):
        model_or_folder, tokenizer, settings = _load_folder(str(model_or_folder), what)
    overrides = {"labels": labels, "text_pair": text_pair, "allow_null": allow_null,
                 "null_threshold": null_threshold}
    settings.update({k: v for k, v in overrides.items() if v is not None})
    endpoints = _endpoints(model_or_folder, what, tokenizer, sequence_length, settings)
    archive = keras.export.ExportArchive()
    archive.track(model_or_folder)
    for endpoint in endpoints:
        archive.add_endpoint(endpoint.name, refusing_other_shapes(endpoint),
                             endpoint.input_signature)
    with staged_folder(path, overwrite, argument="path", reads=reads) as staging:
        archive.write_out(staging, verbose=False)
    return [endpoint.name for endpoint in endpoints]


def _load_folder(folder, what):
    """(model, tokenizer, serving settings) of a task preset or a pre-trained model folder."""
    from keras_electra.model_folder import load_backbone, load_config, load_discriminator

    if not os.path.isdir(folder):
        raise UsageError(f"`model_or_folder` {folder} is not a folder.")
    folder = _preset_of_finetune_output(folder)
    if os.path.exists(os.path.join(folder, TASK_CONFIG_FILE)):
        if what == "discriminator":
            raise UsageError(
                f"`model_or_folder` {folder} is a fine-tuned task: it has no discriminator head "
                "(export the pre-trained model folder it was fine-tuned from instead)."
            )
        task = _task_class(folder).from_preset(folder)
        tokenizer = getattr(task.preprocessor, "tokenizer", None)
        if what == "encoder":
            return task.backbone, tokenizer, {}
        return task, tokenizer, read_serving_settings(folder)
    load_config(folder)  # Refuses a folder that is no model folder, saying why.
    if what in (None, "task"):
        raise UsageError(
            f"`model_or_folder` {folder} is a pre-trained model folder with no fine-tuned head: "
            "pass `what` encoder or discriminator, or export a task fine-tuned from it "
            "(`keras-electra finetune` writes one in --output/model)."
        )
    model = load_backbone(folder) if what == "encoder" else load_discriminator(folder)
    return model, _folder_tokenizer(folder), {}


def _preset_of_finetune_output(folder):
    """The task preset in `folder` if it is a `keras-electra finetune` --output, else `folder`.

    Unambiguous: the output itself is neither a task preset nor a model folder, and
    the one preset it holds is the best seed's.
    """
    from keras_electra.model_folder import BACKBONE_CONFIG_FILE, ELECTRA_CONFIG_FILE

    preset = os.path.join(folder, TASK_PRESET)
    own = (TASK_CONFIG_FILE, ELECTRA_CONFIG_FILE, BACKBONE_CONFIG_FILE)
    if (not any(os.path.exists(os.path.join(folder, name)) for name in own)
            and os.path.exists(os.path.join(preset, TASK_CONFIG_FILE))):
        return preset
    return folder


def _task_class(folder):
    """The keras-electra task class named in the preset's task.json."""
    name = read_json_object(os.path.join(folder, TASK_CONFIG_FILE),
                            "the task preset is damaged: fine-tune again").get("class_name")
    classes = {c.__name__: c for c in TASKS}
    if name not in classes:
        raise UsageError(
            f"`model_or_folder` {folder} holds a {name}, not one of the keras-electra tasks "
            f"({', '.join(classes)})."
        )
    return classes[name]


def _folder_tokenizer(folder):
    from keras_electra.data.tokenizer import ElectraTokenizer, electra_tokenizer
    from keras_electra.model_folder import VOCAB_FILE

    if os.path.exists(os.path.join(folder, "tokenizer.json")):
        return ElectraTokenizer.from_preset(folder)
    return electra_tokenizer(os.path.join(folder, VOCAB_FILE))


def _endpoints(model, what, tokenizer, sequence_length, settings):
    if isinstance(model, ElectraTask):
        if what not in (None, "task"):
            raise UsageError(f"A task object exports as the task; got `what` {what!r}.")
        return _task_endpoints(model, settings)
    if isinstance(model, ElectraBackbone):
        return encoder_endpoints(model, _text_preprocessor(model, tokenizer, sequence_length))
    if isinstance(model, ElectraDiscriminator):
        preprocessor = _text_preprocessor(model.encoder, tokenizer, sequence_length)
        return discriminator_endpoints(model, preprocessor)
    raise UsageError(
        "export_saved_model takes an ElectraClassifier, ElectraTokenClassifier, "
        "ElectraQuestionAnswerer, ElectraBackbone or ElectraDiscriminator (or a folder of "
        f"one), got {type(model).__name__}."
    )


def _task_endpoints(task, settings):
    wanted = type(task).preprocessor_cls
    if not isinstance(task.preprocessor, wanted):
        raise UsageError(
            f"The {type(task).__name__} has no {wanted.__name__}, so it cannot take text; "
            "give it one (`preprocessor=`) before exporting."
        )
    if isinstance(task, ElectraClassifier):
        return classifier_endpoints(task, settings.get("labels"),
                                    bool(settings.get("text_pair", False)))
    if isinstance(task, ElectraTokenClassifier):
        from keras_electra.export.tagger_signatures import tagger_endpoints

        return tagger_endpoints(task, settings.get("labels"))
    from keras_electra.export.question_answerer_signatures import question_answerer_endpoints

    return question_answerer_endpoints(
        task, allow_null=bool(settings.get("allow_null", False)),
        null_threshold=float(settings.get("null_threshold", 0.0)),
    )


def _text_preprocessor(backbone, tokenizer, sequence_length):
    if tokenizer is None:
        raise UsageError(
            "Exporting a backbone or a discriminator object needs its `tokenizer` "
            "(e.g. ElectraTokenizer.from_preset(model_folder))."
        )
    length = sequence_length or min(DEFAULT_SEQUENCE_LENGTH, backbone.max_position_embeddings)
    if length > backbone.max_position_embeddings:
        raise UsageError(
            f"`sequence_length` {length} exceeds the model's "
            f"{backbone.max_position_embeddings} positions."
        )
    return ElectraTextPreprocessor(tokenizer, sequence_length=length)
