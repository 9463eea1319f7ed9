"""`keras-electra pretrain`: prepared examples -> a pre-trained ELECTRA model folder.

    keras-electra pretrain --data data/ --preset small --steps 100000 --batch-size 128 \\
        --output runs/small

The config is the preset (or --config FILE.json, or the --init-from model's), with the
vocabulary size, special token ids and sequence length taken from the data; a --config
that disagrees with the data is refused. Training runs in `model.fit` in "epochs" of
--checkpoint-every steps: each epoch ends with a checkpoint and a line of metrics.

--output DIR ends up holding:
    config.json, vocab.txt(.json), discriminator.weights.h5, generator.weights.h5
                    the model folder (written at the end): `finetune --model DIR`,
                    `keras_electra.load_pretrainer(DIR)` and --init-from read it
    run.json        the run's settings; a second run with other settings is refused
    checkpoints/    Keras BackupAndRestore: weights + optimizer state (step, schedule,
                    the pretrainer's noise_step) and the dropout seeds, every K steps
    logs/           TensorBoard (`tensorboard --logdir DIR/logs`)

Running the same command again resumes from the last checkpoint and trains only the
steps left; an interrupted run and an uninterrupted one end with the same weights.
"""

import argparse
import json
import math
import os
import shutil

from keras_electra.errors import DataError, UsageError

RUN_FILE = "run.json"
# mixed_float16 is left out: it needs loss scaling, which bfloat16 does not.
DTYPE_POLICIES = ("float32", "mixed_bfloat16")
CHECKPOINT_DIR = "checkpoints"
LOG_DIR = "logs"
SEED_STATE_FILE = "seed_generators.json"
# The paper's peak rates: 5e-4 for small, 2e-4 for base and large (narrower models
# take higher rates). Our tiny preset (64 wide) is not in the paper; its rate is
# measured: on the fetched news text (32-token examples, batch 128, 12000 steps) 5e-4
# left the generator near unigram (mlm_accuracy 0.155, "the [MASK] of the company" ->
# "the , is of"), while 3e-3 taught it syntax (0.274; -> "number end country part");
# fine-tuned on Brown POS, the 3e-3 discriminator beat random init by 0.025, the 5e-4
# one by 0.006 (scripts/pretrain_news_tiny.sh).
DEFAULT_LEARNING_RATES = {"tiny": 3e-3, "small": 5e-4, "base": 2e-4, "large": 2e-4}
DEFAULT_WARMUP = 10_000  # The original's; shortened to a tenth of short runs.
DEFAULT_CHECKPOINT_EVERY = 1000


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
    parser.add_argument("--steps", type=int, required=True, metavar="N",
                        help="total optimizer steps of the run (resumed runs included).")
    parser.add_argument("--batch-size", type=int, required=True, metavar="B")
    parser.add_argument("--output", required=True, metavar="DIR")
    parser.add_argument("--learning-rate", type=float, default=None, metavar="LR",
                        help="peak rate (default: 3e-3 tiny; the paper's 5e-4 small, 2e-4 base/large).")
    parser.add_argument("--warmup-steps", type=int, default=None, metavar="W",
                        help=f"linear warm-up (default: {DEFAULT_WARMUP}, at most steps/10).")
    parser.add_argument("--checkpoint-every", type=int, default=None, metavar="K",
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
    return parser


def accelerator_present():
    """True when TensorFlow sees a GPU or TPU.

    XLA is the point on accelerators; on CPUs it slows the pre-training step
    down (small preset, batch 32 x 128, 2 cores: 16.8 s a step with XLA,
    2.35 s without, measured by scripts/bench_pretraining_step.py; dropout's
    random numbers are the main cost under XLA there).
    """
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU") or tf.config.list_physical_devices("TPU"))


def run(args):
    config, init_from = resolve_config(args.data, args.preset, args.config, args.init_from)
    history = pretrain(
        args.data,
        config,
        args.output,
        steps=args.steps,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        warmup_steps=args.warmup_steps,
        checkpoint_every=args.checkpoint_every,
        jit_compile=accelerator_present() if args.jit is None else args.jit,
        seed=args.seed,
        dtype=args.dtype,
        init_from=init_from,
        preset=args.preset,
    )
    if history is not None and history.history:
        last = {k: v[-1] for k, v in history.history.items()}
        print("final epoch: " + "  ".join(f"{k} {v:.4f}" for k, v in last.items()))
    print(f"Wrote the model folder {args.output} (finetune --model {args.output}).")


def resolve_config(data_dir, preset=None, config_path=None, init_from=None):
    """The run's ElectraConfig: preset, JSON or model folder, fitted to the data.

    Returns (config, init_from). Vocabulary size, special ids and sequence length
    come from the data's manifest; a --config or --init-from model that sets them
    otherwise is refused, naming the field.

    Example:
    >>> config, _ = resolve_config("data/", preset="tiny")   # doctest: +SKIP
    """
    from keras_electra.config import ElectraConfig
    from keras_electra.data import dataset_config_overrides, read_manifest
    from keras_electra.model_folder import load_config

    given = [f for f, v in (("--preset", preset), ("--config", config_path),
                            ("--init-from", init_from)) if v]
    if len(given) != 1:
        raise UsageError(
            "give exactly one of --preset, --config or --init-from "
            f"(got {', '.join(given) or 'none'})."
        )
    manifest = read_manifest(data_dir)
    if manifest is None:
        raise DataError(
            f"{data_dir} holds no manifest.json: not a folder written by "
            "`keras-electra prepare` (or a run that did not finish)."
        )
    overrides = dataset_config_overrides(manifest)
    # A new model gets as many positions as its examples are long: positions
    # that pre-training never reaches keep their random initialization, and a
    # model fine-tuned on them does worse than one never pre-trained (Brown ->
    # R8, tiny, 32-token examples: fine-tuned at 128 tokens, pre-trained 0.741
    # vs random init 0.778; at 32 tokens, 0.759 vs 0.750).
    trained_positions = {"max_position_embeddings": overrides["max_seq_length"]}
    if preset:
        return ElectraConfig.preset(preset, **trained_positions, **overrides), None
    if config_path:
        with open(config_path) as f:
            try:
                values = json.load(f)
            except json.JSONDecodeError as e:
                raise UsageError(f"--config {config_path} is not valid JSON ({e}).") from None
        source = f"--config {config_path}"
    else:
        values = load_config(init_from).to_dict()
        source = f"the --init-from model {init_from}"
    _refuse_disagreement(values, overrides, source, data_dir)
    if config_path and "max_position_embeddings" not in values:
        values = {**values, **trained_positions}
    return ElectraConfig.from_dict({**values, **overrides}), init_from


def _refuse_disagreement(values, overrides, source, data_dir):
    for field, data_value in overrides.items():
        if field in values and values[field] != data_value:
            raise DataError(
                f"{source} sets {field}={values[field]} but the data in {data_dir} has "
                f"{field}={data_value}; remove {field} from the config or prepare the data "
                "with the model's vocabulary and --max-seq-length."
            )


def _run_settings(data_dir, config, **settings):
    from keras_electra.data import read_manifest

    manifest = read_manifest(data_dir)
    return {
        "config": config.to_dict(),
        "data": {
            "path": os.path.abspath(data_dir),
            "vocab_sha256": manifest["vocab_sha256"],
            "example_count": manifest["example_count"],
        },
        **settings,
    }


def _check_or_write_run(output_dir, settings):
    """Writes run.json, or refuses when `output_dir` holds a run with other settings."""
    path = os.path.join(output_dir, RUN_FILE)
    if os.path.exists(path):
        with open(path) as f:
            previous = json.load(f)
        differences = _differences(previous, settings)
        if differences:
            raise UsageError(
                f"--output {output_dir} holds another run (its {RUN_FILE} differs in "
                f"{', '.join(differences[:4])}); use a new --output, or the same flags "
                "to resume it."
            )
        return True
    if os.path.isdir(output_dir) and os.listdir(output_dir):
        raise UsageError(
            f"--output {output_dir} is not empty and holds no {RUN_FILE}; choose an "
            "empty or new folder."
        )
    os.makedirs(output_dir, exist_ok=True)
    with open(path, "w") as f:
        json.dump(settings, f, indent=2, sort_keys=True)
    return False


def _differences(a, b, prefix=""):
    names = []
    for key in sorted(set(a) | set(b)):
        if isinstance(a.get(key), dict) and isinstance(b.get(key), dict):
            names += _differences(a[key], b[key], f"{prefix}{key}.")
        elif a.get(key) != b.get(key):
            names.append(f"{prefix}{key} ({a.get(key)!r} -> {b.get(key)!r})")
    return names


def _data_vocabulary(data_dir, init_from):
    """The data's vocab.txt (copied there by prepare), checked against the manifest."""
    from keras_electra.data import read_manifest
    from keras_electra.data.vocab import vocabulary_hash
    from keras_electra.model_folder import VOCAB_FILE

    vocab = os.path.join(data_dir, VOCAB_FILE)
    if not os.path.exists(vocab):
        raise DataError(
            f"{data_dir} has no {VOCAB_FILE} (data prepared by an older keras-electra); "
            "run `keras-electra prepare` again into a new folder."
        )
    if vocabulary_hash(vocab) != read_manifest(data_dir)["vocab_sha256"]:
        raise DataError(f"{vocab} is not the vocabulary {data_dir} was prepared with.")
    if init_from:
        model_vocab = os.path.join(init_from, VOCAB_FILE)
        if os.path.exists(model_vocab) and vocabulary_hash(model_vocab) != vocabulary_hash(vocab):
            raise DataError(
                f"the --init-from model {init_from} has another vocabulary than the data "
                f"in {data_dir}; prepare the data with {model_vocab}."
            )
    return vocab


def pretrain(
    data_dir,
    config,
    output_dir,
    *,
    steps,
    batch_size,
    learning_rate=None,
    warmup_steps=None,
    checkpoint_every=None,
    jit_compile=True,
    seed=0,
    dtype="float32",
    init_from=None,
    preset=None,
    verbose=1,
    extra_callbacks=(),
    stop_early_ok=False,
):
    """Pre-trains (or resumes pre-training) and writes the model folder `output_dir`.

    Returns the Keras `History` of this call (None when the run had already finished).
    `extra_callbacks` may stop training early (demo's time budget) only with
    `stop_early_ok`; the model folder then holds the weights of the last step.

    Example:
    >>> config, _ = resolve_config("data/", preset="tiny")            # doctest: +SKIP
    >>> pretrain("data/", config, "runs/tiny", steps=1000, batch_size=32)  # doctest: +SKIP
    """
    import keras

    from keras_electra.data import pretraining_dataset
    from keras_electra.model_folder import VOCAB_FILE, load_pretrainer, save_model_folder
    from keras_electra.pretraining.embedding_scale import normalize_embedding_scale
    from keras_electra.models.electra_pretrainer import ElectraPretrainer
    from keras_electra.training.pretraining_optimizer import pretraining_optimizer
    from keras_electra.data.vocab import settings_path

    for name, value in (("--steps", steps), ("--batch-size", batch_size)):
        if not isinstance(value, int) or value < 1:
            raise UsageError(f"{name} must be a positive integer, got {value!r}.")
    if learning_rate is None:
        learning_rate = DEFAULT_LEARNING_RATES.get(preset, 5e-4)
    if warmup_steps is None:
        warmup_steps = min(DEFAULT_WARMUP, steps // 10)
    if checkpoint_every is None:
        checkpoint_every = min(DEFAULT_CHECKPOINT_EVERY, steps)
    if checkpoint_every < 1 or warmup_steps < 0:
        raise UsageError("--checkpoint-every must be >= 1 and --warmup-steps >= 0.")
    vocab = _data_vocabulary(data_dir, init_from)

    settings = _run_settings(
        data_dir, config, steps=steps, batch_size=batch_size, learning_rate=learning_rate,
        warmup_steps=warmup_steps, checkpoint_every=checkpoint_every, seed=seed,
        init_from=os.path.abspath(init_from) if init_from else None,
    )
    resuming = _check_or_write_run(output_dir, settings)
    checkpoints = os.path.join(output_dir, CHECKPOINT_DIR)

    # Seeds the initialization and the dropout seed generators; masking and sampling
    # are a function of (seed, step, example) inside the pretrainer.
    keras.utils.set_random_seed(seed)
    if init_from:
        pretrainer = load_pretrainer(init_from, seed=seed, dtype=dtype)
    else:
        pretrainer = ElectraPretrainer(config, seed=seed, dtype=dtype)
    pretrainer.compile(
        optimizer=pretraining_optimizer(learning_rate, steps, warmup_steps),
        jit_compile=jit_compile,
    )
    # Keras's own resume: weights + optimizer state (its iterations drive the
    # schedule) + noise_step, saved at the end of every epoch of K steps.
    backup = keras.callbacks.BackupAndRestore(checkpoints, save_freq="epoch",
                                              delete_checkpoint=False)
    seeds = SeedGeneratorBackup(os.path.join(checkpoints, SEED_STATE_FILE))
    for callback in (backup, seeds):  # Restore now (fit does it again) to learn the step.
        callback.set_model(pretrainer)
        callback.on_train_begin()
    done = int(pretrainer.optimizer.iterations.numpy())
    if resuming and done:
        print(f"Resuming {output_dir} at step {done} of {steps}.")
    # The same seeded order every time; a resumed run skips the batches it already
    # trained on, so it sees exactly what an uninterrupted run would (skipping costs
    # a read of those records, far less than training on them).
    dataset = pretraining_dataset(data_dir, batch_size, config=config, seed=seed)
    dataset = dataset.skip(done)

    callbacks = [
        backup,
        seeds,
        StopAtStep(steps),
        keras.callbacks.TensorBoard(os.path.join(output_dir, LOG_DIR)),
        *extra_callbacks,
    ]
    history = None
    if done < steps:
        # BackupAndRestore starts fit at the saved epoch count; StopAtStep ends it at
        # exactly `steps` (an epoch cut short by --minutes counts as a whole one).
        epochs = _completed_epochs(checkpoints) + math.ceil((steps - done) / checkpoint_every)
        history = pretrainer.fit(
            dataset, epochs=epochs, steps_per_epoch=checkpoint_every,
            callbacks=callbacks, verbose=verbose,
            shuffle=False,  # The dataset shuffles, seeded; Keras would only warn.
        )
    trained = int(pretrainer.optimizer.iterations.numpy())
    if trained < steps and not stop_early_ok:
        raise RuntimeError(f"training ended at step {trained}, not {steps}.")
    if trained < steps:
        print(f"Stopped at step {trained} of {steps}; run again to go on from there.")
    # The same functions, with embeddings as plastic as fresh ones for fine-tuning
    # (checkpoints keep the trained scale, so a resumed run is unaffected).
    normalize_embedding_scale(pretrainer)
    save_model_folder(output_dir, config, pretrainer.discriminator, pretrainer.generator,
                      vocab_file=vocab)
    if os.path.exists(settings_path(vocab)):  # How the text is normalized, for finetune.
        shutil.copyfile(settings_path(vocab), settings_path(os.path.join(output_dir, VOCAB_FILE)))
    return history


def _completed_epochs(checkpoints):
    path = os.path.join(checkpoints, "training_metadata.json")
    if not os.path.exists(path):
        return 0
    with open(path) as f:
        return int(json.load(f)["epoch"])


def _keras_callback_base():
    import keras

    return keras.callbacks.Callback


class StopAtStep(_keras_callback_base()):
    """Stops `fit` once the optimizer has made `steps` steps.

    Epochs are K steps long, so the last one may be cut short: that keeps --steps
    exact whatever K is.
    """

    def __init__(self, steps):
        super().__init__()
        self.steps = steps

    def on_train_batch_end(self, batch, logs=None):
        if int(self.model.optimizer.iterations.numpy()) >= self.steps:
            self.model.stop_training = True


class SeedGeneratorBackup(_keras_callback_base()):
    """Saves and restores the state of the model's dropout seed generators.

    Keras's weights files leave out `SeedGenerator` states, so without this a resumed
    run would replay the dropout masks of its first steps and drift from an
    uninterrupted one. Saved beside BackupAndRestore's files at each epoch end.
    """

    def __init__(self, path):
        super().__init__()
        self.path = path

    def _states(self):
        return [v for v in self.model.variables if "seed_generator_state" in v.path]

    def on_train_begin(self, logs=None):
        if not os.path.exists(self.path):
            return
        with open(self.path) as f:
            saved = json.load(f)
        states = self._states()
        if len(saved) != len(states):
            raise DataError(f"{self.path} does not fit this model; use a new --output.")
        for variable, value in zip(states, saved):
            variable.assign(value)

    def on_epoch_end(self, epoch, logs=None):
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        with open(self.path + ".tmp", "w") as f:
            json.dump([v.numpy().tolist() for v in self._states()], f)
        os.replace(self.path + ".tmp", self.path)
