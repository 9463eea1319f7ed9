"""The `keras-electra` subcommands, one module a verb.

Each module `keras_electra/commands/<verb>.py` defines `add_parser(subparsers)` (returning
its argparse parser) and `run(args)` (returning an exit code or None). To add a verb, add
the module and its name to VERBS; `keras_electra.cli` does the rest.
"""

# Order of the verbs in `keras-electra --help`: the order a user meets them.
VERBS = ("demo", "vocab", "prepare", "pretrain", "finetune", "convert", "export")
