"""`keras-electra prepare`: raw text -> sharded TFRecords of pre-training examples.

    keras-electra prepare --input corpus/*.txt --vocab vocab.txt --output data/ \\
        --max-seq-length 128 --workers 4

Input: one sentence or paragraph a line, a blank line between documents. Output: data/
with data-*-of-*.tfrecord (token_ids, segment_ids, padding_mask) and manifest.json. The
same inputs and --seed give the same files whatever --workers. The vocabulary is copied
into data/ so that `keras-electra pretrain --data data/` needs nothing else. Running it again on a
finished folder does nothing; a folder holding other files or another dataset is refused
unless --overwrite (then replaced whole once the new data is complete). data/ is written
beside its place and renamed there when complete; a second `prepare` into the same
folder is refused while the first one runs.
"""

import argparse
import os

from keras_electra.commands.flag_types import positive_int

# write_pretraining_examples's arguments -> these flags, for its error messages.
LIBRARY_ARGUMENTS = {"inputs": "input", "vocab_path": "vocab", "output_dir": "output"}

_TRUNCATION_WARNING = 0.1


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "prepare",
        help="Turn raw text into pre-training examples (TFRecord shards + manifest).",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--input", nargs="+", required=True, metavar="FILE_OR_GLOB",
        help="text files, folders or globs (local or gs://...).",
    )
    parser.add_argument("--vocab", required=True, metavar="VOCAB_TXT")
    parser.add_argument("--output", required=True, metavar="DIR")
    parser.add_argument("--max-seq-length", type=positive_int, default=128, metavar="N")
    parser.add_argument("--num-shards", type=positive_int, default=None, metavar="K",
                        help="TFRecord files to write (default: 8, more for big corpora).")
    parser.add_argument("--workers", type=positive_int, default=os.cpu_count() or 1, metavar="W",
                        help="processes (default: all cores); does not change the output.")
    parser.add_argument("--seed", type=int, default=0, metavar="S")
    parser.add_argument("--allow-bad-input", action="store_true",
                        help="go on past non-UTF-8 bytes, over-long lines and empty files "
                        "(replaced, cut, skipped; counted in manifest.json).")
    parser.add_argument("--split-sentences", action="store_true",
                        help="split lines into sentences at . ! ? before packing (for text "
                        "with a paragraph or an article a line; default: one sentence a "
                        "line, as the original).")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace an --output holding other files or another dataset.")
    parser.add_argument("--quiet", action="store_true", help="no progress bar.")
    return parser


def run(args):
    from keras_electra.data.pretraining_examples import write_pretraining_examples

    manifest = write_pretraining_examples(
        args.input,
        args.vocab,
        args.output,
        max_seq_length=args.max_seq_length,
        num_shards=args.num_shards,
        workers=args.workers,
        seed=args.seed,
        allow_bad_input=args.allow_bad_input,
        split_sentences=args.split_sentences,
        progress=not args.quiet,
        overwrite=args.overwrite,
    )
    if manifest["status"] == "existing":
        print(f"{args.output} already holds this dataset "
              f"({manifest['example_count']} examples); nothing to do.")
        return
    stats = manifest["stats"]
    print(
        f"Wrote {manifest['example_count']} examples of {manifest['max_seq_length']} "
        f"tokens from {stats['documents']} documents to {args.output} "
        f"({manifest['num_shards']} shards)."
    )
    for kind, problem in manifest["problems"].items():
        print(f"keras-electra: warning: {problem['count']} {kind} "
              f"(first: {problem['first']}).")
    if stats["short_documents"]:
        print(f"keras-electra: note: {stats['short_documents']} document(s) shorter than "
              "5 tokens became short examples.")
    cut = stats["truncated_tokens"] / max(1, stats["tokens"])
    if cut > _TRUNCATION_WARNING and args.split_sentences:
        print(
            f"keras-electra: note: {cut:.0%} of the tokens were cut: sentences that "
            "overflow an example are cut, as in the original (and very long ones)."
        )
    elif cut > _TRUNCATION_WARNING:
        print(
            f"keras-electra: warning: {cut:.0%} of the tokens were cut from over-long "
            f"lines (sentences longer than an example); for more data per example, put "
            "one sentence a line or pass --split-sentences."
        )
