"""`keras-electra pretrain`: prepared examples -> a pre-trained ELECTRA model folder.

    keras-electra pretrain --data data/ --preset small --steps 100000 --batch-size 128 \\
        --output runs/small

The config is the preset (or --config FILE.json, or the --init-from model's), with the
vocabulary size, special token ids and sequence length taken from the data; a --config
that disagrees with the data is refused. Training runs in `model.fit` in "epochs" of
--checkpoint-every steps: each epoch ends with a checkpoint and a line of metrics.

--output DIR ends up holding:
    the model folder  (a keras-hub preset, written at the end): `finetune --model DIR`,
                    `keras_electra.load_pretrainer(DIR)` and --init-from read it
    run.json        the run's settings; a second run with other settings is refused
    pretraining_flops.json  the FLOPs of a step and of the run (logged at the start too)
    checkpoints/    Keras BackupAndRestore: weights + optimizer state (step, schedule,
                    the pretrainer's noise_step) and the dropout seeds, every K steps
    logs/           TensorBoard (`tensorboard --logdir DIR/logs`)

Running the same command again resumes from the last checkpoint and trains only the
steps left; an interrupted run and an uninterrupted one end with the same weights.
An --output holding anything but this run (another run's run.json, a fine-tuning
result, a prepared dataset, other files) is refused unless --overwrite, which empties
it and starts there; a folder holding this same run resumes with or without it.
In Python the same run is `keras_electra.pretrain(data, output, preset=..., ...)`.
"""

import argparse

from keras_electra.commands.flag_types import nonnegative_int, positive_float, positive_int
from keras_electra.training.pretraining_run import (
    DEFAULT_CHECKPOINT_EVERY,
    DEFAULT_LEARNING_RATE,
    DEFAULT_LEARNING_RATES,
    DEFAULT_WARMUP,
    DTYPE_POLICIES,
)


def add_parser(subparsers):
    from keras_electra.config import ElectraConfig

    parser = subparsers.add_parser(
        "pretrain",
        help="Pre-train an ELECTRA generator + discriminator on prepared examples.",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", required=True, metavar="DIR",
                        help="a folder written by `keras-electra prepare`.")
    parser.add_argument("--preset", choices=ElectraConfig.preset_names(),
                        help="model size (one of --preset, --config, --init-from).")
    parser.add_argument("--config", metavar="FILE.json",
                        help="ElectraConfig fields as JSON (missing ones take defaults).")
    parser.add_argument("--init-from", metavar="MODEL_DIR",
                        help="continue pre-training a model folder (its config and weights).")
    parser.add_argument("--steps", type=positive_int, metavar="N",
                        help="total optimizer steps of the run (resumed runs included); "
                        "or --budget-flops.")
    parser.add_argument("--budget-flops", type=positive_float, metavar="X",
                        help="as many steps as X FLOPs pay for (generator + discriminator, "
                        "forward and backward: keras_electra.training.pretraining_flops); "
                        "the FLOPs are logged and written to pretraining_flops.json.")
    parser.add_argument("--batch-size", type=positive_int, required=True, metavar="B")
    parser.add_argument("--output", required=True, metavar="DIR")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace an --output holding other files or another run "
                        "(this same run resumes anyway).")
    parser.add_argument("--learning-rate", type=positive_float, default=None, metavar="LR",
                        help="peak rate (default by preset: " + ", ".join(
                            f"{rate:g} {name}" for name, rate in DEFAULT_LEARNING_RATES.items())
                        + f"; else {DEFAULT_LEARNING_RATE:g}).")
    parser.add_argument("--warmup-steps", type=nonnegative_int, default=None, metavar="W",
                        help=f"linear warm-up (default: {DEFAULT_WARMUP}, at most steps/10).")
    parser.add_argument("--checkpoint-every", type=positive_int, default=None, metavar="K",
                        help=f"steps between checkpoints and metric lines "
                        f"(default: {DEFAULT_CHECKPOINT_EVERY}, at most --steps).")
    parser.add_argument("--jit", action=argparse.BooleanOptionalAction, default=None,
                        help="compile the train step with XLA (default: on a GPU or TPU "
                        "only; on CPUs XLA makes this step several times slower).")
    parser.add_argument("--seed", type=int, default=0, metavar="S",
                        help="seed of the initialization, masking, sampling, dropout and "
                        "data order.")
    parser.add_argument("--dtype", choices=DTYPE_POLICIES, default="float32",
                        help="Keras dtype policy: mixed_bfloat16 runs the matmuls in "
                        "bfloat16 (variables, losses and sampling stay float32), as the "
                        "original's TPU runs did; 1.3x faster for the small preset on a "
                        "2-core AVX512-BF16 CPU. The saved weights are float32.")
    objective = parser.add_argument_group(
        "objective options (of the original; each off by default, kept in the config)")
    objective.add_argument("--whole-word-masking", action="store_true", default=None,
                           help="mask all ## pieces of a word together (the 15%% still "
                           "counted in tokens; a word that does not fit is skipped).")
    objective.add_argument("--disc-weight-warmup-steps", type=nonnegative_int, default=None,
                           metavar="K", help="ramp the discriminator loss's weight "
                           "linearly from 0 to disc_weight over the first K steps.")
    objective.add_argument("--disallow-original", action="store_true", default=None,
                           help="the generator never samples the original token, so "
                           "every masked token is replaced (the original's "
                           "disallow_correct).")
    return parser


def run(args):
    from keras_electra.training import pretrain

    result = pretrain(
        args.data,
        args.output,
        steps=args.steps,
        budget_flops=args.budget_flops,
        batch_size=args.batch_size,
        preset=args.preset,
        config=args.config,
        init_from=args.init_from,
        config_overrides={name: value for name, value in (
            ("whole_word_masking", args.whole_word_masking),
            ("disc_weight_warmup_steps", args.disc_weight_warmup_steps),
            ("disallow_original", args.disallow_original),
        ) if value is not None},
        learning_rate=args.learning_rate,
        warmup_steps=args.warmup_steps,
        checkpoint_every=args.checkpoint_every,
        jit_compile=args.jit,
        seed=args.seed,
        dtype=args.dtype,
        overwrite=args.overwrite,
    )
    if result.history is not None and result.history.history:
        last = {k: v[-1] for k, v in result.history.history.items()}
        print("final epoch: " + "  ".join(f"{k} {v:.4f}" for k, v in last.items()))
    print(f"Wrote the model folder {args.output} (finetune --model {args.output}).")
