"""`keras-electra vocab`: learn a WordPiece vocabulary from raw text.

    keras-electra vocab --input corpus/*.txt --vocab-size 8000 --output vocab.txt

Writes vocab.txt ([PAD] [UNK] [CLS] [SEP] [MASK] at ids 0..4, then the alphabet and the
learned pieces) and vocab.txt.json (the normalization used, read by `prepare`).
"""

import argparse
import os

from keras_electra.commands.flag_types import positive_int

# learn_vocabulary's and write_vocabulary's arguments -> these flags, for their errors.
LIBRARY_ARGUMENTS = {"inputs": "input", "path": "output"}


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "vocab",
        help="Learn a WordPiece vocabulary from raw text files.",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--input", nargs="+", required=True, metavar="FILE_OR_GLOB",
        help="text files, folders or globs (local or gs://...).",
    )
    parser.add_argument("--vocab-size", type=positive_int, required=True, metavar="N",
                        help="largest vocabulary size wanted (e.g. 8000, 30522).")
    parser.add_argument("--output", required=True, metavar="VOCAB_TXT")
    parser.add_argument("--no-lowercase", dest="lowercase", action="store_false",
                        help="keep upper case (a 'cased' vocabulary).")
    parser.add_argument("--no-strip-accents", dest="strip_accents", action="store_false",
                        help="keep accents (é stays é).")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace an existing, different --output.")
    parser.add_argument("--allow-bad-input", action="store_true",
                        help="go on past non-UTF-8 bytes, over-long lines and empty files.")
    return parser


def run(args):
    from keras_electra.data import vocab
    from keras_electra.errors import UsageError

    if os.path.isdir(args.output):  # Refused before the corpus is read, not after.
        raise UsageError(f"--output {args.output} is a folder; give the path of the "
                         "vocabulary file to write, e.g. vocab.txt.")
    tokens = vocab.learn_vocabulary(
        args.input,
        args.vocab_size,
        lowercase=args.lowercase,
        strip_accents=args.strip_accents,
        allow_bad_input=args.allow_bad_input,
        progress=True,
    )
    vocab.write_vocabulary(
        tokens,
        args.output,
        lowercase=args.lowercase,
        strip_accents=args.strip_accents,
        overwrite=args.overwrite,
    )
    print(f"Wrote {len(tokens)} tokens to {args.output}.")
