"""Learning curves side by side: keras-electra's ElectraPretrainer against transformers'.

    python scripts/compare_learning_curves.py [--languages motif copy markov news]
        [--optimizers plain pretraining] [--seeds 0 1 2] [--steps 1000]
        [--work work/learning_curves] [--save curves.json]

Both sides train the `tiny` shapes (discriminator 2 x 64, generator 2 x 32, shared
embeddings 32, dropout 0.1) on the very same batches of 16 x 32 tokens with the same
recipe: 15% masking, 85% of it [MASK] (the rest kept), Gumbel-max samples from the
generator, loss mlm + 50 x disc. Each side draws its own masks and samples from its own
seeded generator. Two optimizer settings, each on both sides (see keras_electra_side.py
and transformers_side.py): `plain` AdamW at a constant 2e-3, weight decay 0.01, no
clipping; `pretraining`, `keras_electra.pretraining_optimizer(2e-3, N, N // 10)` and
its PyTorch equivalent. A seed changes both sides' initialization and noise, and the
stream of batches.

The data: three synthetic languages in which context gives a replacement away
(context_languages.py: a repeated motif, a copy of segment A into B, a Markov walk)
and the fetched news text, tokenized once into --work by the project's own `vocab
--vocab-size 8000` and `prepare --split-sentences --max-seq-length 32`.

Every 100 steps each side reports disc_auc (exact rank AUC of the raw logits over all
non-pad tokens of those 100 steps) and mlm_accuracy (argmax over the masked slots of
those steps), both computed by curve_window.py from the two sides' raw outputs. The
report is the median over seeds, then a summary at steps 400, 800 and the last, and a
PASS line when our median is within 0.03 of the reference's, or above, at each of them.

Measured 2026-12-01 (AMD EPYC family 25 model 1, AVX2, 2 cores, one thread per side):
3 seeds, 1000 steps, with the dense-gradient embeddings; disc_auc is at or above the
reference (or within 0.03) everywhere; mlm_accuracy still lags on copy/markov (plain):

    Summary: median of 3 seed(s), ours vs reference (diff)
    language optimizer    step |         disc_auc         |       mlm_accuracy      
    motif    plain         400 | 0.643 vs 0.609 (+0.034) | 0.956 vs 0.989 (-0.033) |
    motif    plain         800 | 0.731 vs 0.585 (+0.147) | 0.993 vs 0.994 (-0.001) |
    motif    plain        1000 | 0.702 vs 0.638 (+0.064) | 0.991 vs 0.994 (-0.003) |
    motif    pretraining   400 | 0.702 vs 0.708 (-0.006) | 0.121 vs 0.286 (-0.165) |
    motif    pretraining   800 | 0.732 vs 0.733 (-0.001) | 0.986 vs 0.993 (-0.007) |
    motif    pretraining  1000 | 0.740 vs 0.755 (-0.015) | 0.988 vs 0.993 (-0.005) |
    copy     plain         400 | 0.566 vs 0.556 (+0.010) | 0.207 vs 0.277 (-0.070) |
    copy     plain         800 | 0.564 vs 0.574 (-0.010) | 0.792 vs 0.835 (-0.043) |
    copy     plain        1000 | 0.566 vs 0.558 (+0.008) | 0.850 vs 0.886 (-0.036) |
    copy     pretraining   400 | 0.644 vs 0.635 (+0.009) | 0.135 vs 0.132 (+0.002) |
    copy     pretraining   800 | 0.594 vs 0.597 (-0.002) | 0.312 vs 0.333 (-0.020) |
    copy     pretraining  1000 | 0.592 vs 0.598 (-0.005) | 0.362 vs 0.380 (-0.018) |
    markov   plain         400 | 0.645 vs 0.617 (+0.028) | 0.300 vs 0.320 (-0.020) |
    markov   plain         800 | 0.609 vs 0.602 (+0.007) | 0.339 vs 0.378 (-0.039) |
    markov   plain        1000 | 0.593 vs 0.601 (-0.008) | 0.369 vs 0.430 (-0.061) |
    markov   pretraining   400 | 0.697 vs 0.678 (+0.018) | 0.260 vs 0.261 (-0.001) |
    markov   pretraining   800 | 0.624 vs 0.615 (+0.008) | 0.344 vs 0.350 (-0.006) |
    markov   pretraining  1000 | 0.625 vs 0.624 (+0.001) | 0.347 vs 0.364 (-0.017) |
    news     plain         400 | 0.560 vs 0.562 (-0.002) | 0.048 vs 0.050 (-0.002) |
    news     plain         800 | 0.570 vs 0.569 (+0.001) | 0.084 vs 0.089 (-0.005) |
    news     plain        1000 | 0.573 vs 0.575 (-0.002) | 0.102 vs 0.100 (+0.001) |
    news     pretraining   400 | 0.556 vs 0.553 (+0.003) | 0.049 vs 0.053 (-0.004) |
    news     pretraining   800 | 0.570 vs 0.568 (+0.003) | 0.073 vs 0.074 (-0.001) |
    news     pretraining  1000 | 0.568 vs 0.574 (-0.006) | 0.074 vs 0.074 (-0.000) |
    FAIL: 7 figure(s) more than 0.03 under the reference: motif/plain/mlm_accuracy@400, motif/pretraining/mlm_accuracy@400, copy/plain/mlm_accuracy@400, copy/plain/mlm_accuracy@800, copy/plain/mlm_accuracy@1000, markov/plain/mlm_accuracy@800, markov/plain/mlm_accuracy@1000

Bisection of that mlm_accuracy gap, 2026-12-02 (AMD EPYC family 25 model 17, Zen 4,
AVX-512-BF16, oneDNN on, 2 cores, one thread per side), copy / plain:
- One step, from one start (--same-init --same-noise --keras-epsilon --train-pad-row,
  --dropout 0): every variable's update agrees with the reference's to 1e-7 relative
  (attention key biases aside: their gradient is 0 in theory, so their update is
  rounding), and disc logits agree to 1e-5 for 120 steps, then drift apart as any two
  float computations of chaotic training do. Without --train-pad-row only the [PAD]
  row differed: the generator sometimes samples [PAD] as a replacement, and
  transformers' padding_idx drops that lookup's gradient; ours keeps it, as the original.
  So no defect in the step itself.
- 1000 steps, 3 seeds, mlm_accuracy ours vs reference at 400 / 800 / 1000:
      all four swaps, dropout 0        0.435/0.427  0.933/0.932  0.920/0.922  PASS
      --dropout 0 only                 0.351/0.805  0.931/0.928  0.922/0.929
  500 steps, dropout 0, one swap each, ours vs reference at 300 / 400:
      --same-init      0.293/0.315  0.435/0.805    --same-noise     0.242/0.304  0.351/0.527
      --keras-epsilon  0.242/0.296  0.351/0.575    --train-pad-row  0.242/0.303  0.351/0.513
  dropout 0.1, 1000 steps, 3 seeds, at 400 / 800 / 1000:
      no swap                          0.185/0.267  0.493/0.834  (FAIL @400, @800)
      --matched-init-scale             0.216/0.267  0.838/0.834  (FAIL @400 only)
      --matched-init-scale --same-noise 0.216/0.228 0.838/0.887  (FAIL @800, @1000)
  The one swap that moves our curve is the initialization's scale: our truncated
  normal (as the original's TF1 initializer) has 0.88 of transformers' plain normal's
  std; our side started from the reference's weights (--same-init) follows the
  reference's early curve. That is a faithful difference, not a defect, so the library
  keeps it. What is left (the step at which copy's generator jumps from 0.2 to 0.9)
  moves by hundreds of steps between seeds and noise streams: with 3 seeds the medians
  at 400-800 differ by more than 0.03 even with the init matched. Not measured for
  lack of time: more seeds, and the swaps on motif/pretraining and markov/plain.
"""

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

import keras_electra  # noqa: F401  (selects Keras's TensorFlow backend)
import tensorflow as tf
import torch

from context_languages import LANGUAGES, language_batches, language_config_overrides
from curve_window import CurveWindow
from keras_electra import ElectraConfig
from keras_electra.data import dataset_config_overrides, pretraining_dataset, read_manifest
from keras_electra_side import OPTIMIZERS, KerasElectraSide
from transformers_side import TransformersSide

# Config -------------------------------------------------------------------------------
LEARNING_RATE = 2e-3
BATCH_SIZE = 16
SEQ_LEN = 32
NEWS_VOCAB_SIZE = 8000
WINDOW = 100
TOLERANCE = 0.03
# The std of a unit normal truncated at +-2 (Keras's TruncatedNormal, TF1's too).
TRUNCATED_NORMAL_STD = 0.8796
DATA_DIR = os.environ.get("ELECTRA_DATA_DIR", os.path.expanduser("~/.cache/electra-data"))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", nargs="+", choices=[*LANGUAGES, "news"],
                        default=[*LANGUAGES, "news"])
    parser.add_argument("--optimizers", nargs="+", choices=OPTIMIZERS, default=list(OPTIMIZERS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--steps", type=int, default=1000,
                        help="steps a run (a multiple of 100)")
    parser.add_argument("--report-at", nargs="+", type=int, default=[400, 800],
                        help="steps of the summary and the verdict, besides the last")
    parser.add_argument("--work", default="work/learning_curves",
                        help="where the news text is tokenized (once)")
    parser.add_argument("--news", default=os.path.join(DATA_DIR, "pretrain", "news_articles.txt"))
    parser.add_argument("--save", help="write every seed's curves to this JSON file")
    parser.add_argument("--jit", action="store_true",
                        help="XLA-compile our step (measured 5x slower on this CPU)")
    # Bisection swaps: one piece made the same on both sides.
    parser.add_argument("--same-init", action="store_true",
                        help="our side starts from the reference's initial weights")
    parser.add_argument("--keras-epsilon", action="store_true",
                        help="the reference adds Adam's epsilon as Keras does")
    parser.add_argument("--same-noise", action="store_true",
                        help="the reference takes our masks and Gumbel noise")
    parser.add_argument("--matched-init-scale", action="store_true",
                        help="our truncated normal gets the reference's plain normal's std")
    parser.add_argument("--train-pad-row", action="store_true",
                        help="the reference's [PAD] row learns from its lookups, as ours")
    parser.add_argument("--dropout", type=float, default=0.1, help="both sides' dropout")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads of each framework (tiny models gain little from more)")
    args = parser.parse_args(argv)
    if args.steps < WINDOW or args.steps % WINDOW:
        parser.error(f"--steps must be a positive multiple of {WINDOW}")
    return args


def limit_threads(threads):
    """Before any TensorFlow op: afterwards TensorFlow refuses to change its pools."""
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    torch.set_num_threads(threads)


# Data ---------------------------------------------------------------------------------
def prepared_news(work, news_text):
    """The news text as `keras-electra prepare` output under `work`, made on first use."""
    folder = os.path.join(work, "news")
    vocab, data = os.path.join(folder, "vocab.txt"), os.path.join(folder, "data")
    cli = [sys.executable, "-m", "keras_electra.cli"]
    if not os.path.exists(vocab):
        os.makedirs(folder, exist_ok=True)
        subprocess.run([*cli, "vocab", "--input", news_text, "--vocab-size",
                        str(NEWS_VOCAB_SIZE), "--output", vocab], check=True)
    # Does nothing on a finished folder.
    subprocess.run([*cli, "prepare", "--input", news_text, "--vocab", vocab, "--output", data,
                    "--max-seq-length", str(SEQ_LEN), "--split-sentences", "--workers", "1",
                    "--quiet"], check=True)
    return data


def news_batches(folder, config, seed):
    dataset = pretraining_dataset(folder, BATCH_SIZE, config=config, seed=seed)
    options = tf.data.Options()
    options.threading.private_threadpool_size = 1
    return dataset.with_options(options).as_numpy_iterator()


def language_data(language, seed, args):
    """(config, batch iterator) of one run; the iterator is shared by both sides."""
    config, batches = _language_data(language, seed, args)
    if args.matched_init_scale:
        # A normal truncated at 2 std has 0.88 of its std: the original's TF1
        # initializer and ours draw 12% smaller weights than transformers' normal.
        config = dataclasses.replace(
            config, initializer_range=config.initializer_range / TRUNCATED_NORMAL_STD)
    return config, batches


def _language_data(language, seed, args):
    if language == "news":
        folder = prepared_news(args.work, args.news)
        config = ElectraConfig.preset("tiny", dropout=args.dropout,
                                      **dataset_config_overrides(read_manifest(folder)))
        return config, news_batches(folder, config, seed)
    config = ElectraConfig.preset("tiny", dropout=args.dropout,
                                  **language_config_overrides(language, SEQ_LEN))
    return config, language_batches(language, BATCH_SIZE, SEQ_LEN, seed)


# Models and loop ------------------------------------------------------------------------
def train_side_by_side(language, optimizer, seed, steps, args):
    """Trains both sides on the same batches; {side: [(disc_auc, mlm_accuracy)] a window}.

    `args` are `parse_args`'s: the data's (`work`, `news`), `jit`, and the swaps.
    """
    config, batches = language_data(language, seed, args)
    common = dict(learning_rate=LEARNING_RATE, total_steps=steps, seed=seed)
    models = {"reference": TransformersSide(config, optimizer, keras_epsilon=args.keras_epsilon,
                                            our_noise=args.same_noise,
                                            train_pad_row=args.train_pad_row, **common)}
    with tempfile.TemporaryDirectory() as folder:
        hf_folders = models["reference"].save_initial(folder) if args.same_init else None
        models["ours"] = KerasElectraSide(config, optimizer, jit_compile=args.jit,
                                          hf_folders=hf_folders, **common)
    windows = {side: CurveWindow() for side in models}
    curves = {side: [] for side in models}
    for step in range(1, steps + 1):
        batch = next(batches)
        for side, model in models.items():
            windows[side].add(model.step(batch))
        if step % WINDOW == 0:
            for side in models:
                curves[side].append(windows[side].result())
    return curves


def run_all(args):
    """{(language, optimizer): {side: array [seeds, windows, 2]}}, printing each run."""
    results = {}
    for language in args.languages:
        for optimizer in args.optimizers:
            per_seed = {"ours": [], "reference": []}
            for seed in args.seeds:
                start = time.time()
                curves = train_side_by_side(language, optimizer, seed, args.steps, args)
                for side in per_seed:
                    per_seed[side].append(curves[side])
                (auc_o, acc_o), (auc_r, acc_r) = curves["ours"][-1], curves["reference"][-1]
                print(f"{language} {optimizer} seed {seed}: step {args.steps} disc_auc "
                      f"{auc_o:.3f} vs {auc_r:.3f}, mlm_accuracy {acc_o:.3f} vs {acc_r:.3f} "
                      f"(ours vs reference, {time.time() - start:.0f} s)", flush=True)
            results[language, optimizer] = {k: np.array(v) for k, v in per_seed.items()}
            print_curves(language, optimizer, results[language, optimizer], args)
    return results


# Report ---------------------------------------------------------------------------------
def print_curves(language, optimizer, result, args):
    ours, reference = (np.median(result[side], axis=0) for side in ("ours", "reference"))
    print(f"\n{language}, {optimizer}: median of {len(args.seeds)} seed(s)\n"
          f"{'step':>6} | disc_auc ours   ref   diff | mlm_acc ours   ref   diff")
    for i, ((auc_o, acc_o), (auc_r, acc_r)) in enumerate(zip(ours, reference)):
        print(f"{(i + 1) * WINDOW:>6} | {auc_o:13.3f} {auc_r:5.3f} {auc_o - auc_r:+6.3f} | "
              f"{acc_o:12.3f} {acc_r:5.3f} {acc_o - acc_r:+6.3f}")
    print(flush=True)


def summary(results, args):
    """Prints the table at the report steps; returns the failed checks."""
    steps = sorted({s for s in args.report_at if s <= args.steps} | {args.steps})
    print(f"Summary: median of {len(args.seeds)} seed(s), ours vs reference (diff)")
    print(f"{'language':<9}{'optimizer':<12}{'step':>5} | {'disc_auc':^24} | {'mlm_accuracy':^24}")
    failures = []
    for (language, optimizer), result in results.items():
        ours, reference = (np.median(result[side], axis=0) for side in ("ours", "reference"))
        for step in steps:
            row = f"{language:<9}{optimizer:<12}{step:>5} |"
            for metric, name in ((0, "disc_auc"), (1, "mlm_accuracy")):
                mine, theirs = ours[step // WINDOW - 1, metric], reference[step // WINDOW - 1, metric]
                # NaN (a window without replacements) fails: nothing was shown.
                if not mine >= theirs - TOLERANCE:
                    failures.append(f"{language}/{optimizer}/{name}@{step}")
                row += f" {mine:.3f} vs {theirs:.3f} ({mine - theirs:+.3f}) |"
            print(row)
    return failures


def save(results, path):
    with open(path, "w") as f:
        json.dump({f"{language}/{optimizer}": {side: curves.tolist()
                                                for side, curves in result.items()}
                   for (language, optimizer), result in results.items()}, f)


def main(argv=None):
    args = parse_args(argv)
    limit_threads(args.threads)
    print(f"tiny shapes, batch {BATCH_SIZE} x {SEQ_LEN}, lr {LEARNING_RATE}, "
          f"{args.steps} steps, seeds {args.seeds}", flush=True)
    results = run_all(args)
    if args.save:
        save(results, args.save)
    failures = summary(results, args)
    if failures:
        print(f"FAIL: {len(failures)} figure(s) more than {TOLERANCE} under the reference: "
              + ", ".join(failures))
        return 1
    print(f"PASS: every median within {TOLERANCE} of the reference's, or above")
    return 0


if __name__ == "__main__":
    sys.exit(main())
