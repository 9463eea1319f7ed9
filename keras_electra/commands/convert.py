"""`keras-electra convert`: released ELECTRA weights -> a keras-electra model folder.

    keras-electra convert --from hf --input electra-small-discriminator --output model
    keras-electra convert --from hf --input electra-small-discriminator \\
        --input electra-small-generator --output model          # both: pretrain --init-from
    keras-electra convert --from tf1 --input electra_small --output model [--part both]

The folder it writes is what `finetune` and `pretrain --init-from` read.
"""

import argparse
import os

from keras_electra.interop.conversion import PARTS, convert_hf, convert_tf1
from keras_electra.model_folder import VOCAB_FILE

# The library's names for what this verb calls --input.
LIBRARY_ARGUMENTS = {"inputs": "input"}


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
        "--part", choices=PARTS, default=None,
        help="What to convert. Default: what the input holds (tf1: both when "
        "the checkpoint has the generator; hf: the model(s) of the folder(s)).",
    )
    parser.add_argument(
        "--config", default=None, metavar="JSON",
        help="tf1 only: a keras-electra config.json to build with, instead of "
        "the sizes read from the checkpoint (heads are otherwise hidden_size // 64).",
    )
    parser.add_argument("--overwrite", action="store_true",
                        help="replace --output if it is not empty (refused otherwise).")
    return parser


def run(args):
    if args.config and args.source != "tf1":
        raise ValueError("--config is for --from tf1; an hf folder's config.json is used as it is.")
    if args.source == "hf":
        parts = convert_hf(args.input, args.output, part=args.part, overwrite=args.overwrite)
    else:
        if len(args.input) != 1:
            raise ValueError("--from tf1 takes one --input (a checkpoint prefix or its folder).")
        parts = convert_tf1(args.input[0], args.output, part=args.part, config=args.config,
                            overwrite=args.overwrite)
    vocab = os.path.exists(os.path.join(args.output, VOCAB_FILE))
    print(f"Wrote {' and '.join(parts)} to {args.output}"
          + ("" if vocab else " (no vocab.txt in the input)"))
    return 0
