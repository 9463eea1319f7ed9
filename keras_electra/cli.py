"""The `keras-electra` command: a thin dispatcher to keras_electra/commands/<verb>.py.

    keras-electra vocab --input corpus/*.txt --vocab-size 8000 --output vocab.txt
    keras-electra prepare --input corpus/*.txt --vocab vocab.txt --output data/

Mistakes a user can fix (a bad flag, a missing file, bad data) end in one line,
`keras-electra: error: ...`, and exit code 2; `--traceback` shows where instead.
"""

import argparse
import importlib
import sys

from keras_electra.commands import VERBS

EXIT_USAGE = 2


def _commands():
    modules = {}
    for verb in VERBS:
        try:
            modules[verb] = importlib.import_module(f"keras_electra.commands.{verb}")
        except ModuleNotFoundError as e:
            if e.name != f"keras_electra.commands.{verb}":
                raise  # A missing dependency inside the module is a real error.
    return modules


def build_parser(modules=None):
    modules = _commands() if modules is None else modules
    parser = argparse.ArgumentParser(
        prog="keras-electra",
        description="ELECTRA pre-training, fine-tuning and serving for Keras 3.",
    )
    parser.add_argument(
        "--traceback", action="store_true", help="show the full traceback of errors"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in modules.values():
        module.add_parser(subparsers)
    return parser


def main(argv=None):
    """Runs the command line `argv` (default sys.argv[1:]); returns the exit code."""
    import keras_electra  # noqa: F401  (selects Keras's TensorFlow backend first)

    import tensorflow as tf

    modules = _commands()
    args = build_parser(modules).parse_args(argv)
    try:
        code = modules[args.command].run(args)
    except KeyboardInterrupt:
        print("keras-electra: interrupted.", file=sys.stderr)
        return 130
    except (ValueError, OSError, tf.errors.OpError) as e:
        # Our UsageError/DataError are ValueErrors, and so are the library's checks on
        # arguments; OSError and TensorFlow's OpError cover unreadable or missing paths
        # (local or gs://).
        if args.traceback:
            raise
        message = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        print(f"keras-electra: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    return 0 if code is None else code


if __name__ == "__main__":
    sys.exit(main())
