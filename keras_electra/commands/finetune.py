"""`keras-electra finetune`: a pre-trained model folder -> a task model, scored on dev.

    keras-electra finetune --task mrpc --data-dir glue_data/MRPC --model model --output runs/mrpc
    keras-electra finetune --task tsv --data-dir classify/bbc --model model --output runs/bbc --seeds 3
    keras-electra finetune --task tagging --data-dir tag/brown_pos --model model --output runs/pos

Trains with layer-wise learning-rate decay (AdamW, 10% warm-up, linear decay),
scores the dev set after every epoch, keeps each seed's best epoch, and writes
to --output: best_model.keras (the best seed's best epoch), model/ (the same as a
keras-hub task preset: `ElectraClassifier.from_preset("runs/bbc/model")` and the
like, with serving.json, the label names `keras-electra export` serves), metrics.json
(every epoch of every seed, the median and spread of the seeds' best scores, as the
paper reports, and the rows skipped as bad input).
"""

import argparse
import json
import os
import statistics
import time

import keras
import tensorflow as tf

from keras_electra.commands.flag_types import decay, positive_float, positive_int
from keras_electra.errors import UsageError
from keras_electra.training.finetuning_defaults import (
    default_epochs,
    default_layerwise_decay,
    default_learning_rate,
)
from keras_electra.tasks.task_data import (
    DEFAULT_EPOCHS,
    DEFAULT_SEQUENCE_LENGTH,
    TASK_NAMES,
    load_task,
)

def add_parser(subparsers):
    parser = subparsers.add_parser(
        "finetune",
        help="Fine-tune a pre-trained model on a GLUE, SQuAD, tagging or TSV task.",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--task", required=True, choices=TASK_NAMES)
    parser.add_argument("--data-dir", required=True, metavar="DIR",
                        help="The task's folder (e.g. GLUE's MRPC/, with train.tsv and dev.tsv).")
    parser.add_argument("--model", required=True, metavar="DIR",
                        help="A model folder written by `pretrain` or `convert`.")
    parser.add_argument("--output", required=True, metavar="DIR")
    parser.add_argument("--epochs", type=positive_int, default=None,
                        help="Default 3 (rte and stsb 10, squad 2), as in the paper; "
                        "10 for other tasks with fewer than 6000 training examples.")
    parser.add_argument("--learning-rate", type=positive_float, default=None,
                        help="Peak rate of the head; default by model width: 3e-3 tiny, "
                        "and the paper's 3e-4 small, 1e-4 base, 5e-5 large.")
    parser.add_argument("--layerwise-decay", type=decay, default=None,
                        help="Default 0.8 (0.9 for models of 24 layers or more).")
    parser.add_argument("--original-layerwise-decay", action="store_true",
                        help="Use the original code's exponents (top layer at decay^2).")
    parser.add_argument("--seeds", type=positive_int, default=1, metavar="K",
                        help="Train K times (seeds 0..K-1) and report median and spread.")
    parser.add_argument("--max-seq-length", type=positive_int, default=None,
                        help="Default 128 (SQuAD 384); at most the model's positions.")
    parser.add_argument("--batch-size", type=positive_int, default=32)
    parser.add_argument("--from-scratch", action="store_true",
                        help="Ignore the folder's weights: same architecture and vocabulary, "
                        "random initialization (a baseline for the value of pre-training).")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace --output if it is not empty (refused otherwise: an "
                        "earlier result, or a model folder, is never overwritten or mixed).")
    return parser


def _check_args(args, config):
    for name in ("epochs", "seeds", "batch_size", "max_seq_length"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise UsageError(f"--{name.replace('_', '-')} must be >= 1, got {value}.")
    if args.learning_rate is not None and not 0 < args.learning_rate < float("inf"):
        raise UsageError(f"--learning-rate must be a finite number > 0, got {args.learning_rate}.")
    if args.max_seq_length is not None and args.max_seq_length > config.max_position_embeddings:
        raise UsageError(
            f"--max-seq-length {args.max_seq_length} exceeds the model's "
            f"{config.max_position_embeddings} positions (pre-training trains as many as "
            "its examples are long: pre-train on longer examples for more)."
        )


def _backbone(model_dir, from_scratch):
    from keras_electra.model_folder import load_backbone, load_config
    from keras_electra.models.electra_backbone import ElectraBackbone

    if from_scratch:
        return ElectraBackbone.from_electra_config(load_config(model_dir), "discriminator")
    return load_backbone(model_dir)


def run_seed(args, data, seed, seed_dir):
    """Trains one seed; returns its per-epoch results and best epoch."""
    from keras_electra.training.layerwise_decay import finetuning_optimizer

    keras.utils.set_random_seed(seed)
    model = data.build_model(_backbone(args.model, args.from_scratch))
    steps_per_epoch = -(-data.num_train_examples() // args.batch_size)
    model.compile(
        optimizer=finetuning_optimizer(
            args.learning_rate,
            total_steps=steps_per_epoch * args.epochs,
            layerwise_decay=args.layerwise_decay,
            original_off_by_one=args.original_layerwise_decay,
        )
    )
    train = data.train_dataset(args.batch_size, seed).prefetch(tf.data.AUTOTUNE)
    epochs, best = [], None
    for epoch in range(args.epochs):
        start = time.time()
        model.fit(train, epochs=epoch + 1, initial_epoch=epoch, verbose="auto")
        results = data.evaluate(model)
        score = data.main_score(results)
        epochs.append({"epoch": epoch + 1, "seconds": round(time.time() - start, 1), **results})
        print(f"seed {seed} epoch {epoch + 1}: {json.dumps(results)}", flush=True)
        if best is None or score > best["score"]:
            best = {"epoch": epoch + 1, "score": score, "results": results}
            save_taking_text(model, data.text_preprocessor, os.path.join(seed_dir, "best_model.keras"))
    return {"seed": seed, "epochs": epochs, "best": best}


def save_taking_text(model, text_preprocessor, path):
    """Saves `model` with `text_preprocessor` attached, so that the file takes text.

    Tagging and SQuAD train on rows packed in Python (a sentence may span several
    rows); the saved model gets the in-graph preprocessor that packs text alike.
    """
    if text_preprocessor is None or model.preprocessor is not None:
        model.save(path)
        return
    model.preprocessor = text_preprocessor
    try:
        model.save(path)
    finally:
        model.preprocessor = None


def summarize(runs, main_metric):
    """Median, min, max and standard deviation of the seeds' best main scores."""
    scores = [r["best"]["score"] for r in runs]
    return {
        "metric": main_metric,
        "median": statistics.median(scores),
        "min": min(scores),
        "max": max(scores),
        "stdev": statistics.stdev(scores) if len(scores) > 1 else 0.0,
        "scores": scores,
    }


def run(args):
    from keras_electra.data.tokenizer import electra_tokenizer
    from keras_electra.export.serving_settings import TASK_PRESET, write_serving_settings
    from keras_electra.model_folder import VOCAB_FILE, load_config, save_task_preset
    from keras_electra.output_folder import check_output_folder, staged_folder

    reads = [("model", args.model), ("data_dir", args.data_dir)]  # Never replaced.
    check_output_folder(args.output, args.overwrite, reads=reads)  # Before hours of training.
    config = load_config(args.model)
    vocab_path = os.path.join(args.model, VOCAB_FILE)
    if not tf.io.gfile.exists(vocab_path):
        raise UsageError(f"{args.model} has no {VOCAB_FILE}; fine-tuning needs the model's vocabulary.")
    _check_args(args, config)
    if args.max_seq_length is None:  # Not `or`: a 0 given is refused, never replaced.
        args.max_seq_length = min(
            DEFAULT_SEQUENCE_LENGTH.get(args.task, 128), config.max_position_embeddings
        )
    if args.learning_rate is None:
        args.learning_rate = default_learning_rate(config)
    if args.layerwise_decay is None:
        args.layerwise_decay = default_layerwise_decay(config)

    data = load_task(args.task, args.data_dir, electra_tokenizer(vocab_path), args.max_seq_length)
    if args.epochs is None:
        args.epochs = default_epochs(DEFAULT_EPOCHS.get(args.task), data.num_train_examples())
    if data.skipped:
        print(f"keras-electra: warning: {data.skipped.describe()}", flush=True)
    for note in data.notes:
        print(f"keras-electra: warning: {note}", flush=True)
    with staged_folder(args.output, args.overwrite, reads=reads) as out:  # In place when complete.
        runs = []
        for seed in range(args.seeds):
            seed_dir = os.path.join(out, f"seed_{seed}")
            tf.io.gfile.makedirs(seed_dir)
            runs.append(run_seed(args, data, seed, seed_dir))
        summary = summarize(runs, data.main_metric)
        best_run = max(runs, key=lambda r: r["best"]["score"])
        best_file = os.path.join(out, f"seed_{best_run['seed']}", "best_model.keras")
        tf.io.gfile.copy(best_file, os.path.join(out, "best_model.keras"), overwrite=True)
        preset = os.path.join(out, TASK_PRESET)
        save_task_preset(keras.saving.load_model(best_file), preset)
        write_serving_settings(preset, data.serving_settings(best_run["best"]["results"]))
        report = {
            "task": args.task,
            "data_dir": args.data_dir,
            "model": args.model,
            "from_scratch": args.from_scratch,
            "settings": {
                k: getattr(args, k)
                for k in ("epochs", "learning_rate", "layerwise_decay", "original_layerwise_decay",
                          "seeds", "max_seq_length", "batch_size")
            },
            "summary": summary,
            "best_seed": best_run["seed"],
            "runs": runs,
            "skipped": data.skipped.to_json(),
            "notes": data.notes,
        }
        with tf.io.gfile.GFile(os.path.join(out, "metrics.json"), "w") as f:
            f.write(json.dumps(report, indent=2) + "\n")
    spread = f" (min {summary['min']:.4f}, max {summary['max']:.4f}, {args.seeds} seeds)" if args.seeds > 1 else ""
    print(f"{args.task} dev {summary['metric']}: median {summary['median']:.4f}{spread}; "
          f"wrote {args.output}/metrics.json, best_model.keras and {TASK_PRESET}/ (a keras-hub preset)")
