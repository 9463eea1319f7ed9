"""Released ELECTRA weights to a keras-electra model folder, in one call.

`convert_hf(inputs, output)` reads one or two Hugging Face folders (a discriminator,
a generator, or both, in any order); `convert_tf1(checkpoint, output)` an original
Google TF1 checkpoint. Both write a model folder (a keras-hub preset): what
`ElectraClassifier.from_preset`, `finetune` and `pretrain(init_from=...)` read.

Example:
>>> convert_hf(["electra-small-discriminator"], "model/")  # doctest: +SKIP
('discriminator',)
>>> ElectraBackbone.from_preset("model/")  # doctest: +SKIP
"""

from keras_electra.config import ElectraConfig
from keras_electra.errors import naming_path
from keras_electra.interop import hf_checkpoint, hf_config, tf1_checkpoint
from keras_electra.model_folder import save_model_folder
from keras_electra.output_folder import check_output_folder, staged_folder

PARTS = tf1_checkpoint.PARTS


def _hf_roles(paths):
    """{'discriminator': path, 'generator': path} for the given HF folders."""
    roles = {}
    for path in paths:
        hf = hf_config.read_hf_config(path)
        role = hf_checkpoint.folder_role(path, hf)
        if role in roles:
            raise ValueError(f"Both {roles[role]} and {path} hold a {role}; give one of each.")
        roles[role] = path
    return roles


def convert_hf(inputs, output, part=None, overwrite=False):
    """Writes the Hugging Face folder(s) `inputs` as a model folder at `output`.

    Args:
        inputs: one folder, or a list of one or two (a discriminator's, a generator's).
        output: the model folder to write.
        part: "discriminator", "generator" or "both"; None: what `inputs` hold.
        overwrite: replace `output` if it is not empty (refused otherwise).

    Returns:
        the parts written, e.g. ("discriminator", "generator").
    """
    inputs = [inputs] if isinstance(inputs, str) else list(inputs)
    reads = [("inputs", path) for path in inputs]  # Never replaced with `output`.
    check_output_folder(output, overwrite, reads=reads)  # Before the weights are read.
    if not 1 <= len(inputs) <= 2:
        raise ValueError(f"`inputs` takes one or two Hugging Face folders, got {len(inputs)}.")
    roles = _hf_roles(inputs)
    part = part or ("both" if len(roles) == 2 else next(iter(roles)))
    needed = ("discriminator", "generator") if part == "both" else (part,)
    for role in needed:
        if role not in roles:
            found = ", ".join(f"{p} holds a {r}" for r, p in roles.items())
            raise ValueError(
                f"`part` {part} needs a {role} folder, but {found}; add the {role}'s "
                f"folder to `inputs` or choose `part` {next(iter(roles))}."
            )
    vocab = hf_checkpoint.vocab_file(roles[needed[0]])
    if part == "both":
        pretrainer = hf_checkpoint.load_hf_pretrainer(roles["discriminator"], roles["generator"])
        parts = (pretrainer.electra_config, pretrainer.discriminator, pretrainer.generator)
    else:
        config = hf_checkpoint.hf_electra_config(**{f"{part}_path": roles[part]})
        if part == "discriminator":
            parts = (config, hf_checkpoint.load_hf_discriminator(roles[part], config=config), None)
        else:
            parts = (config, None, hf_checkpoint.load_hf_generator(roles[part], config=config))
    return _write(output, *parts, vocab, overwrite, reads)


def convert_tf1(checkpoint, output, part=None, config=None, overwrite=False):
    """Writes an original TF1 checkpoint (a prefix or its folder) as a model folder.

    Args:
        checkpoint: the checkpoint prefix, or the folder holding it.
        output: the model folder to write.
        part: "discriminator", "generator" or "both"; None: both when the
            checkpoint has the generator.
        config: an `ElectraConfig` (or a path to its JSON) to build with, instead of
            the sizes read from the checkpoint.
        overwrite: replace `output` if it is not empty (refused otherwise).

    Returns:
        the parts written.
    """
    reads = [("inputs", checkpoint)] + ([("config", config)] if isinstance(config, str) else [])
    check_output_folder(output, overwrite, reads=reads)  # Before the checkpoint is read.
    if isinstance(config, str):
        with naming_path(config, "ElectraConfig JSON file"):
            config = ElectraConfig.from_json(config)
    config = config or tf1_checkpoint.tf1_electra_config(checkpoint)
    model = tf1_checkpoint.load_tf1_checkpoint(checkpoint, part=part, config=config)
    vocab = tf1_checkpoint.tf1_vocab_file(checkpoint)
    if hasattr(model, "electra_config"):  # an ElectraPretrainer: both parts
        return _write(output, config, model.discriminator, model.generator, vocab,
                      overwrite, reads)
    if model.name == "discriminator":
        return _write(output, config, model, None, vocab, overwrite, reads)
    return _write(output, config, None, model, vocab, overwrite, reads)


def _write(output, config, discriminator, generator, vocab, overwrite, reads):
    # Staged and renamed into place: never a half-written folder, nor one that mixes
    # a new discriminator with an earlier conversion's generator.
    with staged_folder(output, overwrite, reads=reads) as staging:
        save_model_folder(staging, config, discriminator, generator, vocab)
    return tuple(name for name, model in (("discriminator", discriminator),
                                          ("generator", generator)) if model is not None)
