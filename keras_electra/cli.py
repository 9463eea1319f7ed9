"""The `keras-electra` command: a thin dispatcher to keras_electra/commands/<verb>.py.

    keras-electra vocab --input corpus/*.txt --vocab-size 8000 --output vocab.txt
    keras-electra prepare --input corpus/*.txt --vocab vocab.txt --output data/

Every error ends in one line, `keras-electra: error: ...`, and exit code 2 (130 on
Ctrl-C): a bad flag, a missing file, bad data, and anything else that goes wrong.
`--debug` (or KERAS_ELECTRA_DEBUG=1 in the environment) shows the traceback instead,
for a bug report. The library's messages name its arguments between backticks; the
line shows the verb's flags there instead (a verb's `LIBRARY_ARGUMENTS` maps the names
that differ).
"""

import argparse
import importlib
import os
import re
import sys

from keras_electra.commands import VERBS
from keras_electra.errors import cause_line

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
DEBUG_ENV = "KERAS_ELECTRA_DEBUG"
DEBUG_FLAGS = ("--debug", "--traceback")
PREFIX = "keras-electra: error: "


class OneLineParser(argparse.ArgumentParser):
    """argparse, with a bad flag reported in one line (no usage block), exit 2."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{PREFIX}{message} (see `{self.prog} --help`).\n")


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
    parser = OneLineParser(
        prog="keras-electra",
        description="ELECTRA pre-training, fine-tuning and serving for Keras 3.",
    )
    parser.add_argument(
        *DEBUG_FLAGS, dest="debug", action="store_true",
        help=f"show the full traceback of errors (or set {DEBUG_ENV}=1)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in modules.values():
        module.add_parser(subparsers)
    return parser


def debug_requested(argv, args=None):
    """True when the traceback is wanted: --debug (before the verb) or KERAS_ELECTRA_DEBUG."""
    if os.environ.get(DEBUG_ENV, "").strip().lower() not in ("", "0", "false", "no"):
        return True
    if args is not None:
        return bool(args.debug)
    return any(flag in argv for flag in DEBUG_FLAGS)


def main(argv=None):
    """Runs the command line `argv` (default sys.argv[1:]); returns the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    state = {}
    try:
        return _run(argv, state)
    except KeyboardInterrupt:
        if debug_requested(argv, state.get("args")):
            import traceback

            traceback.print_exc()
        print("keras-electra: interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as e:  # noqa: BLE001  (the promise: one line, never a traceback)
        if debug_requested(argv, state.get("args")):
            raise
        print(PREFIX + error_line(e, state.get("args"), state.get("module")), file=sys.stderr)
        return EXIT_USAGE


def _run(argv, state):
    import keras_electra  # noqa: F401  (selects Keras's TensorFlow backend first)

    modules = _commands()
    try:
        args = state["args"] = build_parser(modules).parse_args(argv)
    except SystemExit as e:  # A bad flag: argparse printed its one line.
        if not e.code:
            raise  # --help
        return e.code
    state["module"] = modules[args.command]
    code = state["module"].run(args)
    return 0 if code is None else code


# What an exception's type says about its cause, for those whose message alone does
# not say what to do.
_UNEXPECTED = (
    "; this looks like a bug in keras-electra: run again with --debug (or "
    f"{DEBUG_ENV}=1) and report the traceback."
)


def error_line(error, args=None, module=None):
    """The one line that tells a user what went wrong in `error` (prefix not included).

    Our UsageError/DataError are ValueErrors, and so are the library's checks on
    arguments; OSError and TensorFlow's OpError cover unreadable or missing paths
    (local or gs://) and bad records. Anything else is named by its type, with a
    request for a bug report.

    Example:
    >>> error_line(ValueError("`batch_size` must be positive.\\nmore"),
    ...            argparse.Namespace(batch_size=0))
    '--batch-size must be positive.'
    """
    import tensorflow as tf

    message = cause_line(error.message if isinstance(error, tf.errors.OpError) else str(error))
    if isinstance(error, ModuleNotFoundError):
        line = (f"the package {error.name} is not installed ({message}); "
                f"pip install {error.name} and run again.")
    elif isinstance(error, MemoryError):
        line = "out of memory; try a smaller --batch-size or --max-seq-length."
    elif isinstance(error, tf.errors.ResourceExhaustedError):
        line = f"out of memory ({message}); try a smaller --batch-size or --max-seq-length."
    elif isinstance(error, (ValueError, OSError, tf.errors.OpError)):
        line = message or type(error).__name__
    else:
        line = f"{type(error).__name__}: {message}{_UNEXPECTED}" if message else (
            type(error).__name__ + _UNEXPECTED)
    if args is None:
        return line
    return in_flag_terms(line, args, getattr(module, "LIBRARY_ARGUMENTS", {}))


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
