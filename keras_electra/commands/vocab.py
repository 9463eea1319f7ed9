"""`keras-electra vocab`: learn a WordPiece vocabulary from raw text.

    keras-electra vocab --input corpus/*.txt --vocab-size 8000 --output vocab.txt

Writes vocab.txt ([PAD] [UNK] [CLS] [SEP] [MASK] at ids 0..4, then the alphabet and the
learned pieces) and vocab.txt.json (the normalization used, read by `prepare`).
"""

import argparse

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
    parser.add_argument("--vocab-size", type=int, required=True, metavar="N",
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
