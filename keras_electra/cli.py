"""The `keras-electra` command: a thin dispatcher to keras_electra/commands/<verb>.py.

    keras-electra vocab --input corpus/*.txt --vocab-size 8000 --output vocab.txt
    keras-electra prepare --input corpus/*.txt --vocab vocab.txt --output data/

Mistakes a user can fix (a bad flag, a missing file, bad data) end in one line,
`keras-electra: error: ...`, and exit code 2; `--traceback` shows where instead.
The library's messages name its arguments between backticks; the line shows the
verb's flags there instead (a verb's `LIBRARY_ARGUMENTS` maps the names that differ).
"""

import argparse
import importlib
import re
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
        renamed = getattr(modules[args.command], "LIBRARY_ARGUMENTS", {})
        print(f"keras-electra: error: {in_flag_terms(message, args, renamed)}",
              file=sys.stderr)
        return EXIT_USAGE
    return 0 if code is None else code


def in_flag_terms(message, args, renamed=None):
    """`message` with the library's `argument` names put as the flags in `args`.

    `renamed` maps a library argument to the flag's dest where the two differ, or to
    None where the verb has no flag for it (the name is then left as it is).

    Example:
    >>> args = argparse.Namespace(batch_size=0, output="out/")
    >>> in_flag_terms("`batch_size` must be positive; see `output_dir`.", args,
    ...               {"output_dir": "output"})
    '--batch-size must be positive; see --output.'
    """
    renamed = renamed or {}
    flags = vars(args)

    def flag(match):
        name = renamed.get(match[1], match[1])
        return "--" + name.replace("_", "-") if name in flags else match[0]

    return re.sub(r"`(\w+)`", flag, message)


if __name__ == "__main__":
    sys.exit(main())
