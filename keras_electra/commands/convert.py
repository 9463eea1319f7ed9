"""`keras-electra convert`: released ELECTRA weights -> a keras-electra model folder.

    keras-electra convert --from hf --input electra-small-discriminator --output model
    keras-electra convert --from hf --input electra-small-discriminator \\
        --input electra-small-generator --output model          # both: pretrain --init-from
    keras-electra convert --from tf1 --input electra_small --output model [--part both]

The folder it writes is what `finetune` and `pretrain --init-from` read.
"""

import argparse

from keras_electra.config import ElectraConfig
from keras_electra.interop import hf_checkpoint, hf_config, tf1_checkpoint
from keras_electra.model_folder import save_model_folder


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "convert",
        help="Convert Hugging Face or original TF1 ELECTRA weights to a model folder.",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--from", dest="source", required=True, choices=("hf", "tf1"),
        help="hf: a Hugging Face folder (config.json + model.safetensors or "
        "pytorch_model.bin); tf1: an original checkpoint prefix or its folder.",
    )
    parser.add_argument(
        "--input", action="append", required=True, metavar="PATH",
        help="The checkpoint. For --from hf --part both, give it twice: the "
        "discriminator's folder and the generator's (in any order).",
    )
    parser.add_argument("--output", required=True, metavar="DIR", help="The model folder to write.")
    parser.add_argument(
        "--part", choices=tf1_checkpoint.PARTS, default=None,
        help="What to convert. Default: what the input holds (tf1: both when "
        "the checkpoint has the generator; hf: the model(s) of the folder(s)).",
    )
    parser.add_argument(
        "--config", default=None, metavar="JSON",
        help="tf1 only: a keras-electra config.json to build with, instead of "
        "the sizes read from the checkpoint (heads are otherwise hidden_size // 64).",
    )
    return parser


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


def _convert_hf(args):
    if len(args.input) > 2:
        raise ValueError("--from hf takes one or two --input folders.")
    roles = _hf_roles(args.input)
    part = args.part or ("both" if len(roles) == 2 else next(iter(roles)))
    needed = ("discriminator", "generator") if part == "both" else (part,)
    for role in needed:
        if role not in roles:
            found = ", ".join(f"{p} holds a {r}" for r, p in roles.items())
            raise ValueError(
                f"--part {part} needs a {role} folder, but {found}; add "
                f"--input <{role} folder> or choose --part {next(iter(roles))}."
            )
    vocab = hf_checkpoint.vocab_file(roles[needed[0]])
    if part == "both":
        pretrainer = hf_checkpoint.load_hf_pretrainer(roles["discriminator"], roles["generator"])
        return pretrainer.electra_config, pretrainer.discriminator, pretrainer.generator, vocab
    config = hf_checkpoint.hf_electra_config(**{f"{part}_path": roles[part]})
    loader = hf_checkpoint.load_hf_discriminator if part == "discriminator" else hf_checkpoint.load_hf_generator
    model = loader(roles[part], config=config)
    if part == "discriminator":
        return config, model, None, vocab
    return config, None, model, vocab


def _convert_tf1(args):
    if len(args.input) != 1:
        raise ValueError("--from tf1 takes one --input (a checkpoint prefix or its folder).")
    path = args.input[0]
    config = ElectraConfig.from_json(args.config) if args.config else tf1_checkpoint.tf1_electra_config(path)
    model = tf1_checkpoint.load_tf1_checkpoint(path, part=args.part, config=config)
    vocab = tf1_checkpoint.tf1_vocab_file(path)
    if hasattr(model, "electra_config"):  # an ElectraPretrainer: both parts
        return config, model.discriminator, model.generator, vocab
    if model.name == "discriminator":
        return config, model, None, vocab
    return config, None, model, vocab


def run(args):
    if args.config and args.source != "tf1":
        raise ValueError("--config is for --from tf1; an hf folder's config.json is used as it is.")
    convert = _convert_hf if args.source == "hf" else _convert_tf1
    config, discriminator, generator, vocab = convert(args)
    save_model_folder(args.output, config, discriminator, generator, vocab)
    parts = " and ".join(
        name for name, m in (("discriminator", discriminator), ("generator", generator)) if m
    )
    print(f"Wrote {parts} to {args.output}" + ("" if vocab else " (no vocab.txt in the input)"))
    return 0
