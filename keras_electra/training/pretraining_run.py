"""Pre-training in one call: prepared examples in, a model folder out, resumable.

`pretrain` is the whole run that `keras-electra pretrain`, `keras-electra demo` and the
Colab notebook start: the config fitted to the data, the optimizer and its schedule,
`model.fit` in epochs of `checkpoint_every` steps (a checkpoint and a line of metrics
each), TensorBoard, and at the end the model folder.

Example:
>>> import keras_electra
>>> run = keras_electra.pretrain("data/", "runs/tiny", preset="tiny",
...                              steps=1000, batch_size=32)          # doctest: +SKIP
>>> run.step, run.history.history["disc_auc"][-1]                    # doctest: +SKIP
>>> encoder = keras_electra.load_discriminator(run.model_dir).encoder  # doctest: +SKIP

`output` ends up holding:
    the model folder  (`save_model_folder`, a keras-hub preset; written at the end):
                    `load_pretrainer(output)`, `ElectraBackbone.from_preset(output)`
                    and `init_from=output` read it
    run.json        the run's settings; a call with other settings is refused (unless
                    `overwrite`), and so is a folder holding anything else
    pretraining_flops.json  the FLOPs of one step and of the run
                    (`keras_electra.training.pretraining_flops`)
    checkpoints/    Keras BackupAndRestore: weights + optimizer state (step, schedule,
                    the pretrainer's noise_step) and the dropout seeds, every K steps
    logs/           TensorBoard (`tensorboard --logdir output/logs`), unless `log_dir`

Calling it again with the same arguments resumes from the last checkpoint and trains
only the steps left; an interrupted run and an uninterrupted one end with the same
weights.
"""

import dataclasses
import json
import math
import os

import keras
import tensorflow as tf

from keras_electra.data import pretraining_dataset, read_manifest
from keras_electra.data.manifest import VOCAB_NAME, check_dataset
from keras_electra.data.vocab import vocabulary_hash
from keras_electra.errors import DataError, UsageError
from keras_electra.pretraining.whole_words import continuation_ids
from keras_electra.pretraining.embedding_scale import normalize_embedding_scale
from keras_electra.training.pretraining_config import pretraining_config
from keras_electra.training.pretraining_flops import pretraining_step_flops, steps_for_budget
from keras_electra.training.pretraining_optimizer import pretraining_optimizer
from keras_electra.training.run_record import check_or_write_run
from keras_electra.training.seed_generator_backup import SeedGeneratorBackup
from keras_electra.training.stop_at_step import StopAtStep

# mixed_float16 is left out: it needs loss scaling, which bfloat16 does not.
DTYPE_POLICIES = ("float32", "mixed_bfloat16")
CHECKPOINT_DIR = "checkpoints"
LOG_DIR = "logs"
SEED_STATE_FILE = "seed_generators.json"
FLOPS_FILE = "pretraining_flops.json"
# The paper's peak rates: 5e-4 for small, 2e-4 for base and large (narrower models
# take higher rates). Our tiny preset (64 wide) is not in the paper; its rate is
# measured: on the fetched news text (32-token examples, batch 128, 12000 steps) 5e-4
# left the generator near unigram (mlm_accuracy 0.155, "the [MASK] of the company" ->
# "the , is of"), while 3e-3 taught it syntax (0.274; -> "number end country part");
# fine-tuned on Brown POS, the 3e-3 discriminator beat random init by 0.025, the 5e-4
# one by 0.006 (scripts/pretrain_news_tiny.sh).
DEFAULT_LEARNING_RATES = {"tiny": 3e-3, "small": 5e-4, "base": 2e-4, "large": 2e-4}
DEFAULT_LEARNING_RATE = 5e-4  # For a `config` or an `init_from` model: ELECTRA-Small's.
DEFAULT_WARMUP = 10_000  # The original's; shortened to a tenth of short runs.
DEFAULT_CHECKPOINT_EVERY = 1000


@dataclasses.dataclass(frozen=True)
class PretrainingRun:
    """What `pretrain` returns.

    Attributes:
        model_dir: str, the model folder it wrote (its `output`).
        pretrainer: the `ElectraPretrainer`, with the embeddings handed over at a
            fresh initialization's scale (the checkpoints keep the trained scale).
        history: the `keras.callbacks.History` of this call; None when the run had
            already finished.
        step: int, the optimizer steps of the run so far (earlier calls included).
    """

    model_dir: str
    pretrainer: keras.Model
    history: keras.callbacks.History | None
    step: int


def pretrain(
    data,
    output,
    *,
    steps=None,
    batch_size,
    preset=None,
    config=None,
    init_from=None,
    config_overrides=None,
    learning_rate=None,
    warmup_steps=None,
    checkpoint_every=None,
    jit_compile=None,
    seed=0,
    dtype="float32",
    strategy=None,
    callbacks=(),
    log_dir=None,
    allow_early_stop=False,
    verbose=1,
    overwrite=False,
    budget_flops=None,
):
    """Pre-trains (or resumes pre-training) and writes the model folder `output`.

    Args:
        data: str, a folder written by `write_pretraining_examples`.
        output: str, the run's folder: new, empty, or holding this same run (then
            resumed); one holding anything else is refused unless `overwrite`.
        steps: int, optimizer steps of the whole run (resumed calls included).
        budget_flops: float, instead of `steps` (or agreeing with it): as many
            steps as this many FLOPs pay for (`pretraining_flops.steps_for_budget`).
        batch_size: int, the global batch.
        preset, config, init_from: the model, exactly one of them (see
            `pretraining_config`); `init_from` also starts from that folder's weights.
        config_overrides: dict of `ElectraConfig` fields set on top of that model's,
            e.g. the objective options `{"whole_word_masking": True,
            "disc_weight_warmup_steps": 1000, "disallow_original": True}`.
        learning_rate: float, the peak rate; default by preset (3e-3 tiny, the paper's
            5e-4 small, 2e-4 base and large), 5e-4 otherwise.
        warmup_steps: int, linear warm-up; default 10000, at most a tenth of `steps`.
        checkpoint_every: int, steps between checkpoints and metric lines; default 1000,
            at most `steps`.
        jit_compile: bool, XLA; default on a GPU or TPU only (on CPUs XLA makes this
            step several times slower: dropout's random numbers).
        seed: int, of the initialization, masking, sampling, dropout and data order.
        dtype: "float32" or "mixed_bfloat16" (matmuls in bfloat16; variables, losses
            and sampling stay float32; the saved weights are float32).
        strategy: a `tf.distribute.Strategy` to build the model under; default the
            current one.
        callbacks: more Keras callbacks for `fit`. One that stops training early
            needs `allow_early_stop`; the model folder then holds the last step's
            weights and a later call goes on from the last checkpoint.
        log_dir: str, TensorBoard's folder; default `output`/logs.
        verbose: Keras's `fit` verbosity; 0 also silences the resume lines.
        overwrite: empty an `output` that holds other files or a run with other
            settings and start there; a run with these settings is resumed anyway.

    Returns a `PretrainingRun`. Argument names appear in messages between backticks.
    """
    if steps is None and budget_flops is None:
        raise UsageError("give `steps` or `budget_flops`: how long to pre-train.")
    if budget_flops is not None and not 0 < budget_flops < math.inf:
        raise UsageError(f"`budget_flops` must be a finite number > 0, got {budget_flops!r}.")
    _check_arguments(1 if steps is None else steps, batch_size, learning_rate, warmup_steps, checkpoint_every,
                     dtype)
    check_dataset(data)  # Shards, manifest and vocab.txt agree: before any model is built.
    # What `overwrite` must not delete (the config, while it is still a path).
    read = [(name, path) for name, path in (
        ("data", data), ("init_from", init_from), ("config", config))
        if isinstance(path, (str, os.PathLike))]
    config = pretraining_config(data, preset=preset, config=config, init_from=init_from)
    if config_overrides:
        try:
            config = config.replace(**config_overrides)
        except (TypeError, ValueError) as error:
            raise UsageError(f"`config_overrides`: {error}") from None
    if budget_flops is not None:
        steps = steps_for_budget(budget_flops, config, batch_size, steps)
    flops = pretraining_step_flops(config, batch_size)
    if learning_rate is None:
        learning_rate = DEFAULT_LEARNING_RATES.get(preset, DEFAULT_LEARNING_RATE)
    if warmup_steps is None:
        warmup_steps = min(DEFAULT_WARMUP, steps // 10)
    if checkpoint_every is None:
        checkpoint_every = min(DEFAULT_CHECKPOINT_EVERY, steps)
    if jit_compile is None:
        jit_compile = _accelerator_present()
    vocab = _data_vocabulary(data, init_from)
    settings = _run_settings(
        data, config, steps=steps, batch_size=batch_size, learning_rate=learning_rate,
        warmup_steps=warmup_steps, checkpoint_every=checkpoint_every, seed=seed,
        init_from=os.path.abspath(init_from) if init_from else None,
    )
    resuming = check_or_write_run(output, settings, overwrite, read_during_run=read)
    _write_flops(output, flops, steps, batch_size)
    if verbose:
        print(f"Compute: {flops['step']:.3g} FLOPs a step (generator + discriminator, "
              f"forward and backward), {flops['step'] * steps:.3g} for {steps} steps.")

    checkpoints = os.path.join(output, CHECKPOINT_DIR)
    # Keras's own resume: weights + optimizer state (its iterations drive the
    # schedule) + noise_step, saved at the end of every epoch of K steps.
    restoring = [
        keras.callbacks.BackupAndRestore(checkpoints, save_freq="epoch",
                                         delete_checkpoint=False),
        SeedGeneratorBackup(os.path.join(checkpoints, SEED_STATE_FILE)),
    ]
    pretrainer = _restored_pretrainer(
        config, init_from, seed, dtype, strategy, restoring,
        lambda: pretraining_optimizer(learning_rate, steps, warmup_steps), jit_compile,
        vocab,
    )
    done = int(pretrainer.optimizer.iterations.numpy())
    if resuming and done and verbose:
        print(f"Resuming {output} at step {done} of {steps}.")
    history = None
    if done < steps:
        history = _fit(pretrainer, data, batch_size, config, seed, done, steps,
                       checkpoint_every, checkpoints, verbose, [
                           *restoring,
                           StopAtStep(steps),
                           keras.callbacks.TensorBoard(log_dir or os.path.join(output, LOG_DIR)),
                           *callbacks,
                       ])
    trained = int(pretrainer.optimizer.iterations.numpy())
    if trained < steps and not allow_early_stop:
        raise RuntimeError(f"training ended at step {trained}, not `steps`={steps}.")
    if trained < steps and verbose:
        print(f"Stopped at step {trained} of {steps}; run again to go on from there.")
    _write_model_folder(output, config, pretrainer, vocab)
    return PretrainingRun(output, pretrainer, history, trained)


def _check_arguments(steps, batch_size, learning_rate, warmup_steps, checkpoint_every, dtype):
    for name, value in (("steps", steps), ("batch_size", batch_size)):
        if not isinstance(value, int) or value < 1:
            raise UsageError(f"`{name}` must be a positive integer, got {value!r}.")
    # 0 is allowed in Python (the weights stay as loaded); the command line wants > 0.
    if learning_rate is not None and not 0 <= learning_rate < math.inf:
        raise UsageError(f"`learning_rate` must be a finite number > 0, got {learning_rate!r}.")
    if checkpoint_every is not None and checkpoint_every < 1:
        raise UsageError(f"`checkpoint_every` must be >= 1, got {checkpoint_every!r}.")
    if warmup_steps is not None and warmup_steps < 0:
        raise UsageError(f"`warmup_steps` must be >= 0, got {warmup_steps!r}.")
    if dtype not in DTYPE_POLICIES:
        raise UsageError(f"`dtype` must be one of {', '.join(DTYPE_POLICIES)}, got {dtype!r}.")


def _accelerator_present():
    """True when TensorFlow sees a GPU or TPU.

    XLA is the point on accelerators; on CPUs it slows the pre-training step
    down (small preset, batch 32 x 128, 2 cores: 16.8 s a step with XLA,
    2.35 s without, measured by scripts/bench_pretraining_step.py; dropout's
    random numbers are the main cost under XLA there).
    """
    return bool(tf.config.list_physical_devices("GPU") or tf.config.list_physical_devices("TPU"))


def _data_vocabulary(data, init_from):
    """The data's vocab.txt (copied there by prepare), checked against the manifest."""
    from keras_electra.model_folder import VOCAB_FILE  # models/ imports training/

    vocab = os.path.join(data, VOCAB_NAME)
    if not os.path.exists(vocab):
        raise DataError(
            f"{data} has no {VOCAB_NAME} (data prepared by an older keras-electra); "
            "run `keras-electra prepare` again into a new folder."
        )
    if init_from:
        model_vocab = os.path.join(init_from, VOCAB_FILE)
        if os.path.exists(model_vocab) and vocabulary_hash(model_vocab) != vocabulary_hash(vocab):
            raise DataError(
                f"the `init_from` model {init_from} has another vocabulary than the data "
                f"in {data}; prepare the data with {model_vocab}."
            )
    return vocab


def _run_settings(data, config, **settings):
    manifest = read_manifest(data)
    return {
        "config": config.to_dict(),
        "data": {
            "path": os.path.abspath(data),
            "vocab_sha256": manifest["vocab_sha256"],
            "example_count": manifest["example_count"],
        },
        **settings,
    }


def _restored_pretrainer(config, init_from, seed, dtype, strategy, restoring, new_optimizer,
                         jit_compile, vocab):
    """A compiled pretrainer, at the last checkpoint's state when there is one."""
    from keras_electra.model_folder import load_pretrainer  # models/ imports training/
    from keras_electra.models.electra_pretrainer import ElectraPretrainer

    # The one place the run meets tf.distribute: the model, the optimizer (which
    # keeps the strategy it was created under, for its slots) and the metrics are
    # created, and restored, under the strategy `fit` will run with.
    with (strategy or tf.distribute.get_strategy()).scope():
        # Seeds the initialization and the dropout seed generators; masking and
        # sampling are a function of (seed, step, example) inside the pretrainer.
        keras.utils.set_random_seed(seed)
        if init_from:
            pretrainer = load_pretrainer(init_from, seed=seed, dtype=dtype, config=config)
        else:
            pretrainer = ElectraPretrainer(
                config, seed=seed, dtype=dtype,
                continuation_ids=continuation_ids(vocab) if config.whole_word_masking else None,
            )
        pretrainer.compile(optimizer=new_optimizer(), jit_compile=jit_compile)
        for callback in restoring:  # Restore now (fit does it again) to learn the step.
            callback.set_model(pretrainer)
            callback.on_train_begin()
    return pretrainer


def _fit(pretrainer, data, batch_size, config, seed, done, steps, checkpoint_every,
         checkpoints, verbose, callbacks):
    # The same seeded order every time; a resumed run skips the batches it already
    # trained on, so it sees exactly what an uninterrupted run would (skipping costs
    # a read of those records, far less than training on them).
    dataset = pretraining_dataset(data, batch_size, config=config, seed=seed).skip(done)
    # BackupAndRestore starts fit at the saved epoch count; StopAtStep ends it at
    # exactly `steps` (an epoch cut short by an early stop counts as a whole one).
    epochs = _completed_epochs(checkpoints) + math.ceil((steps - done) / checkpoint_every)
    return pretrainer.fit(
        dataset, epochs=epochs, steps_per_epoch=checkpoint_every,
        callbacks=callbacks, verbose=verbose,
        shuffle=False,  # The dataset shuffles, seeded; Keras would only warn.
    )


def _completed_epochs(checkpoints):
    path = os.path.join(checkpoints, "training_metadata.json")
    if not os.path.exists(path):
        return 0
    with open(path) as f:
        return int(json.load(f)["epoch"])


def _write_flops(output, flops, steps, batch_size):
    summary = {
        "step_flops": flops["step"],
        "run_flops": flops["step"] * steps,
        "steps": steps,
        "batch_size": batch_size,
        "generator_forward_flops_per_sequence": flops["generator_forward"],
        "discriminator_forward_flops_per_sequence": flops["discriminator_forward"],
        "counted": "matmuls and attention, 2 FLOPs a multiply-add, backward = 2x forward, "
                   "the generator's vocabulary projection at the masked slots only",
    }
    with tf.io.gfile.GFile(os.path.join(output, FLOPS_FILE), "w") as f:
        f.write(json.dumps(summary, indent=2) + "\n")


def _write_model_folder(output, config, pretrainer, vocab):
    from keras_electra.model_folder import save_model_folder  # models/ imports training/

    # The same functions, with embeddings as plastic as fresh ones for fine-tuning
    # (checkpoints keep the trained scale, so a resumed run is unaffected).
    normalize_embedding_scale(pretrainer)
    save_model_folder(output, config, pretrainer.discriminator, pretrainer.generator,
                      vocab_file=vocab)
