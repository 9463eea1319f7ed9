"""`keras-electra demo`: the whole pre-training path on text that ships with Python.

    keras-electra demo                      # about 4 minutes on 2 CPU cores
    keras-electra demo --output my-demo --minutes 2

Nothing is downloaded: the corpus is the English prose of Python's own documentation
(`pydoc_data.topics`, the language reference behind `help()`) and of the standard
library's docstrings, read with `ast` (no module is imported). Then, as a user would run
them: `vocab` (a small vocabulary, learned in seconds), `prepare`, and `pretrain` of the
tiny preset (with XLA on a GPU or TPU). Each epoch prints its metrics: mlm_accuracy
far above 1/vocab_size means the generator learned something of the language; disc_auc
above 0.5 means the discriminator tells replaced tokens from original ones.

Expect disc_auc to peak inside the first epoch, dip, then climb (measured, 4.1 min:
0.65, 0.64, 0.62, then 0.63 -> 0.69 over the last 7 epochs; mlm_accuracy 0.15 against
a chance of 0.0005). Early on the generator is near random and its samples are rare
words, easy to spot; within a few hundred steps it learns word frequencies, so a
replacement looks like any common word and only context can give it away, which a
2-layer, 64-wide discriminator learns slowly. An independent PyTorch version of the
objective does the same (scripts/reference_pretraining_torch.py).

--output DIR holds corpus.txt, vocab.txt, data/ and model/ (a model folder:
`keras-electra finetune --model DIR/model`), and demo.json: the --corpus-mb and
--vocab-size that made the corpus and vocabulary. Running it again with the same flags
resumes the training. A folder holding anything else (other files, a data/ without
manifest.json, a model/ that is no pre-training run, a corpus or vocabulary made with
another --corpus-mb or --vocab-size, or with none recorded) is refused unless
--overwrite, which empties it first; with --overwrite a data/ or model/ made with other
flags is replaced too. --overwrite never empties the current or home folder, nor one
above them.
"""

import argparse
import json
import os
import shutil
import time

from keras_electra.commands.flag_types import positive_float, positive_int, probability

# The library's `output` (pretrain's) is DIR/model here, not this verb's --output DIR
# (`demo_output` in messages); its other arguments that share a flag's name mean the
# same here.
LIBRARY_ARGUMENTS = {"output": None, "demo_output": "output"}
# The flags that made corpus.txt and vocab.txt, recorded in DIR/demo.json: prepare and
# pretrain tell their own data and runs apart, but these two files would be reused.
RECORD = "demo.json"
_RECORDED_FLAGS = ("corpus_mb", "vocab_size")
# What --output DIR holds; a folder holding anything else is someone else's. data/ and
# model/ are the demo's when they hold what prepare and pretrain write first.
_DEMO_FILES = ("corpus.txt", "vocab.txt", "vocab.txt.json", "data", "model", RECORD)
_MARKS = {"data": "manifest.json", "model": "run.json"}


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "demo",
        help="Pre-train a tiny ELECTRA on Python's own documentation (no download).",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--output", default="electra-demo", metavar="DIR")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace an --output holding anything but a demo "
                        "(a demo made with these flags resumes anyway).")
    parser.add_argument("--steps", type=positive_int, default=6000, metavar="N",
                        help="training steps (the learning-rate schedule's length).")
    parser.add_argument("--minutes", type=positive_float, default=None, metavar="M",
                        help="stop training after M minutes even if steps remain.")
    parser.add_argument("--batch-size", type=positive_int, default=64, metavar="B")
    parser.add_argument("--epochs", type=positive_int, default=10, metavar="E",
                        help="metric lines (and checkpoints) over the run.")
    parser.add_argument("--vocab-size", type=positive_int, default=2000, metavar="V")
    # Short sequences: with fewer positions to tell apart, the tiny discriminator learns
    # to look at a token's neighbours sooner (3000 steps: at 64 x 32 its AUC ended at
    # 0.586; at 32 x 64, the same tokens a step, 0.631 and still rising).
    parser.add_argument("--max-seq-length", type=positive_int, default=32, metavar="L")
    parser.add_argument("--corpus-mb", type=positive_float, default=3.0, metavar="MB",
                        help="size of the corpus to build (smaller is faster).")
    # Lower than `pretrain`'s 3e-3 for tiny, on purpose: in a 3000-step run 3e-3 makes
    # the generator strong fast (mlm_accuracy 0.23), so replacements are plausible
    # words and disc_auc stays near 0.59 all run; at 5e-4 the generator stays weak
    # long enough for the discriminator's progress to show.
    parser.add_argument("--learning-rate", type=positive_float, default=5e-4, metavar="LR",
                        help="peak rate (the paper's for ELECTRA-Small).")
    # No dropout: the paper's 0.1 regularizes models that see billions of tokens; in a
    # few minutes a 64-wide model underfits, and dropout only slows the discriminator.
    # Measured at 6000 steps: final disc_auc 0.685 and climbing without dropout,
    # 0.633 and barely rising with 0.1 (0.625 -> 0.633 over the last 7 epochs).
    parser.add_argument("--dropout", type=probability, default=0.0, metavar="P",
                        help="dropout of the tiny preset while pre-training (default 0; "
                        "the model folder records it, so fine-tuning inherits it).")
    parser.add_argument("--jit", action=argparse.BooleanOptionalAction, default=None,
                        help="XLA-compile the train step (default: only on a GPU or TPU; "
                        "on CPU this model's XLA step measured 17x slower).")
    return parser


def run(args):
    from keras_electra.data import learn_vocabulary, write_pretraining_examples
    from keras_electra.data import write_python_docs_corpus, write_vocabulary
    from keras_electra.errors import UsageError
    from keras_electra.output_folder import check_replaceable
    from keras_electra.training import StopAfterMinutes, pretrain, pretraining_config

    if args.steps < 1 or args.epochs < 1:
        raise UsageError("--steps and --epochs must be positive integers.")
    if not 0.0 <= args.dropout < 1.0:
        raise UsageError(f"--dropout must be in [0, 1), got {args.dropout}.")
    start = time.time()
    if os.path.isfile(args.output):
        raise UsageError(f"--output {args.output} is a file, not a folder; choose another.")
    foreign = foreign_files(args.output)
    if foreign and not args.overwrite:
        raise UsageError(
            f"--output {args.output} holds what a demo does not ({', '.join(foreign[:3])});"
            " a demo folder holds only " + ", ".join(_DEMO_FILES) + ": choose another "
            "folder, or pass --overwrite to replace it."
        )
    changed = changed_flags(args)
    if changed and not args.overwrite:
        raise UsageError(
            f"--output {args.output} holds a demo whose corpus.txt and vocab.txt were "
            f"{changed}; pass --overwrite to make them again, or choose another --output."
        )
    if foreign or changed:
        check_replaceable(args.output, argument="demo_output")
        shutil.rmtree(args.output)
    os.makedirs(args.output, exist_ok=True)
    record_flags(args)
    corpus = os.path.join(args.output, "corpus.txt")
    vocab = os.path.join(args.output, "vocab.txt")
    data = os.path.join(args.output, "data")
    model = os.path.join(args.output, "model")

    if not os.path.exists(corpus):
        documents = write_python_docs_corpus(corpus, int(args.corpus_mb * 1e6))
        print(f"corpus: {documents} documents of Python documentation, "
              f"{os.path.getsize(corpus) / 1e6:.1f} MB -> {corpus}")
    if not os.path.exists(vocab):
        tokens = learn_vocabulary([corpus], args.vocab_size, progress=False)
        write_vocabulary(tokens, vocab)
        print(f"vocab: {len(tokens)} WordPiece tokens -> {vocab} "
              f"({time.time() - start:.0f} s so far)")
    manifest = write_pretraining_examples(
        [corpus], vocab, data, max_seq_length=args.max_seq_length,
        workers=min(2, os.cpu_count() or 1), progress=False, overwrite=args.overwrite,
    )
    print(f"prepare: {manifest['example_count']} examples of {args.max_seq_length} tokens "
          f"-> {data} ({time.time() - start:.0f} s so far)")

    config = pretraining_config(data, preset="tiny").replace(dropout=args.dropout)
    callbacks = [StopAfterMinutes(args.minutes)] if args.minutes else []
    result = pretrain(
        data, model, config=config, steps=args.steps, batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        checkpoint_every=max(1, -(-args.steps // args.epochs)),
        jit_compile=args.jit, seed=0, verbose=2,
        callbacks=callbacks, allow_early_stop=bool(args.minutes), overwrite=args.overwrite,
    )
    if result.history is not None and result.history.history:
        print_summary(result.history.history, config.vocab_size)
    print(f"Done in {(time.time() - start) / 60:.1f} min. The model folder is {model}: "
          f"keras-electra finetune --model {model} ...; "
          f"TensorBoard: tensorboard --logdir {model}/logs")


def foreign_files(output):
    """What in the folder `output` is not a demo's: [] for a demo folder (or none)."""
    if not os.path.isdir(output):
        return []
    names = sorted(os.listdir(output))
    foreign = [name for name in names if not _demo_owned(name)]
    for name, mark in _MARKS.items():
        folder = os.path.join(output, name)
        if name in names and not (os.path.isdir(folder) and (
                not os.listdir(folder) or os.path.exists(os.path.join(folder, mark)))):
            foreign.append(f"{name} without {mark}")
    return foreign


def changed_flags(args):
    """How the flags that made `args.output`'s corpus and vocabulary differ from `args`.

    "" when they agree or neither file is made yet, else the end of a sentence ("made
    with --vocab-size 2000 (not 500)"). With `args.overwrite` an unreadable record
    counts as differing (the folder is then made again) instead of refused.
    """
    from keras_electra.errors import DataError
    from keras_electra.json_file import read_json_object

    if not any(os.path.exists(os.path.join(args.output, name))
               for name in ("corpus.txt", "vocab.txt")):
        return ""
    record = os.path.join(args.output, RECORD)
    if not os.path.exists(record):
        return f"made with flags that were not recorded (no {RECORD}: an older demo)"
    try:
        recorded = read_json_object(record, "pass --overwrite to make the demo again, "
                                    "or choose another --output")
    except DataError:
        if not args.overwrite:
            raise
        return f"made with flags that {RECORD} does not say"
    changed = [f"--{name.replace('_', '-')} {recorded.get(name)} (not {getattr(args, name)})"
               for name in _RECORDED_FLAGS if recorded.get(name) != getattr(args, name)]
    return "made with " + ", ".join(changed) if changed else ""


def record_flags(args):
    """Writes `args.output`/demo.json, before the corpus and vocabulary it describes."""
    path = os.path.join(args.output, RECORD)
    with open(path + ".tmp", "w") as f:
        json.dump({name: getattr(args, name) for name in _RECORDED_FLAGS}, f, indent=2)
    os.replace(path + ".tmp", path)


def _demo_owned(name):
    """A demo file, or what a killed demo leaves of one (temporary, staging)."""
    from keras_electra.output_folder import INCOMPLETE

    return name in _DEMO_FILES or any(
        name.startswith((f"{demo}.tmp", f".{demo}{INCOMPLETE}")) for demo in _DEMO_FILES)


def print_summary(history, vocab_size):
    """One line an epoch: the figures that show ELECTRA learning."""
    print(f"\n{'epoch':>5} {'loss':>8} {'mlm_acc':>8} {'disc_auc':>8} {'disc_acc':>8}"
          f"   (chance: mlm_acc {1 / vocab_size:.4f}, disc_auc 0.5)")
    for i, (loss, mlm, auc, acc) in enumerate(zip(
            history["loss"], history["mlm_accuracy"], history["disc_auc"],
            history["disc_accuracy"])):
        print(f"{i + 1:>5} {loss:>8.3f} {mlm:>8.4f} {auc:>8.4f} {acc:>8.4f}")
