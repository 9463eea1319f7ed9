"""`keras-electra export`: a fine-tuned task or a pre-trained model -> a serving SavedModel.

    keras-electra export --model runs/sst2/model --output exported/sst2/1
    keras-electra export --model run/ --what encoder --output exported/encoder/1
    keras-electra export --model run/ --what discriminator --output exported/rtd/1

--model is a task preset (what `finetune` writes in --output/model; that --output
itself will do) or, with --what, a pre-trained model folder. The SavedModel takes
raw text (`serving_default`; the tokenizer runs in the graph) and packed ids
(`serve_ids`), and loads with TensorFlow and tensorflow-text alone; a numbered
subfolder (`.../1`) is what TF Serving serves.
"""

import argparse

from keras_electra.export.saved_model_export import WHAT, export_saved_model

# The library's names for what this verb calls --output and --model.
LIBRARY_ARGUMENTS = {"path": "output", "model_or_folder": "model"}


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "export",
        help="Export a task, encoder or discriminator as a SavedModel taking raw text.",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--model", required=True, metavar="DIR",
                        help="A fine-tuned task preset (or the finetune --output holding it), "
                        "or a pre-trained model folder with --what.")
    parser.add_argument("--output", required=True, metavar="DIR",
                        help="The SavedModel folder to write (refused if not empty, "
                        "unless --overwrite).")
    parser.add_argument("--what", choices=WHAT, default=None,
                        help="What to export: the task (default for a task preset), the "
                        "encoder (features), or the discriminator (replaced-token "
                        "probabilities).")
    parser.add_argument("--sequence-length", type=int, default=None, metavar="N",
                        help="Tokens a text is packed to for --what encoder|discriminator "
                        "(default 128, or the model's positions if fewer).")
    parser.add_argument("--overwrite", action="store_true",
                        help="Replace --output if it holds something.")
    return parser


def run(args):
    if args.sequence_length is not None and args.sequence_length < 3:
        raise ValueError(f"--sequence-length must be >= 3, got {args.sequence_length}.")
    signatures = export_saved_model(args.model, args.output, what=args.what,
                                    sequence_length=args.sequence_length,
                                    overwrite=args.overwrite)
    print(f"Wrote {args.output} (signatures: {', '.join(signatures)})")
    return 0
