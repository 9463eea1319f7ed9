"""An independent reference: the ELECTRA objective with transformers' PyTorch models.

    python scripts/reference_pretraining_torch.py --data DIR [--steps 400]
        [--batch-size 32] [--learning-rate 1e-3] [--warmup-steps W] [--seed 0]
        [--replacements generator|unigram] [--save-hf DIR --vocab VOCAB.txt]

Trains the `tiny` preset's shapes (discriminator 2 x 64, generator 2 x 32, embeddings 32,
shared) with `ElectraForPreTraining` + `ElectraForMaskedLM`, on the batches of
`keras_electra.data.pretraining_dataset(DIR)`, with the paper's recipe written out in
plain PyTorch: 15% masking (85% [MASK]), Gumbel-max samples, mlm + 50 x disc, AdamW
(0.9/0.999/1e-6, decay 0.01 on all but LayerNorm and biases), warm-up (default 10% of
the steps) then linear decay, clipping at 1.0. It prints the discriminator's exact
(rank) AUC and the MLM accuracy four times over the run.

`--save-hf DIR` writes the trained models as Hugging Face folders, DIR/discriminator and
DIR/generator (with --vocab copied in), so that `keras-electra convert --from hf` makes a
model folder of them: fine-tuning the reference's encoder with our `finetune` tells a
pre-training defect from a property of the recipe (compare_pretrained_vs_random.py).

It exists to tell a bug in keras-electra from a property of the objective: on the
fetched news text (`prepare --split-sentences`, an 8000-token vocabulary) both
implementations behave the same (400 steps, lr 1e-3; measured 2026-11-26):

    step                  100     200     300     400
    this script  disc_auc 0.610   0.702   0.563   0.549   mlm_acc 0.028 -> 0.048
    ElectraPretrainer     0.617   0.719   0.577   0.561   mlm_acc 0.025 -> 0.047

On Brown (vocab 8000, prepare --max-seq-length 32, batch 128, 6000 steps at 3e-3, warm-up
600; measured 2026-12-03, Intel Xeon family 6 model 167, one thread, 38 min loaded), this
script's disc_auc per 1500 steps 0.594, 0.582, 0.589, 0.598 and mlm_accuracy 0.246 at the
end; `keras-electra pretrain --preset tiny` on the same data: disc_auc 0.600, mlm_accuracy
0.247 over its last 1000 steps.

The discriminator first learns to spot rare (random) replacements, then, once the
generator samples by word frequency, must learn context, which a 2-layer, 64-wide
model does slowly. `--replacements unigram` replaces the generator's samples by draws
from the data's unigram distribution to measure that alone.
"""

import argparse
import os
import shutil
import time

import numpy as np

import keras_electra  # noqa: F401  (TensorFlow backend first)
import torch
from transformers import ElectraConfig as HFConfig
from transformers import ElectraForMaskedLM, ElectraForPreTraining

from keras_electra import ElectraConfig
from keras_electra.data import dataset_config_overrides, pretraining_dataset, read_manifest


def rank_auc(labels, scores):
    """Exact ROC AUC (Mann-Whitney U) of float scores for 0/1 labels."""
    ranks = np.empty(len(scores))
    ranks[np.argsort(scores, kind="stable")] = np.arange(1, len(scores) + 1)
    positive = labels == 1
    n_pos, n_neg = positive.sum(), (~positive).sum()
    return (ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def build_models(config):
    shared = dict(vocab_size=config.vocab_size, embedding_size=config.embedding_size,
                  max_position_embeddings=config.max_position_embeddings,
                  hidden_act="gelu", layer_norm_eps=config.layer_norm_epsilon)
    disc = ElectraForPreTraining(HFConfig(
        hidden_size=config.hidden_size, num_hidden_layers=config.num_layers,
        num_attention_heads=config.num_heads, intermediate_size=config.intermediate_size,
        **shared))
    gen = ElectraForMaskedLM(HFConfig(
        hidden_size=config.generator_hidden_size, num_hidden_layers=config.num_layers,
        num_attention_heads=config.generator_num_heads,
        intermediate_size=config.generator_intermediate_size, **shared))
    # One embedding block for both, and the generator's output tied to its words.
    gen.electra.embeddings = disc.electra.embeddings
    gen.generator_lm_head.weight = disc.electra.embeddings.word_embeddings.weight
    return gen, disc


def mask_batch(ids, padding, config, rng):
    """The paper's masking, per sequence: positions, weights and the masked ids."""
    batch, length = ids.shape
    slots = config.max_predictions_per_seq
    special = set(config.special_token_ids_values())
    positions = np.zeros((batch, slots), np.int64)
    weights = np.zeros((batch, slots), np.float32)
    masked = ids.copy()
    for i in range(batch):
        candidates = [j for j in range(length) if padding[i, j] and ids[i, j] not in special]
        n = min(len(candidates), max(1, min(slots, round(config.mask_prob * padding[i].sum()))))
        chosen = rng.choice(candidates, size=n, replace=False)
        positions[i, :n], weights[i, :n] = chosen, 1.0
        for j in chosen:
            if rng.random() < config.mask_token_rate:
                masked[i, j] = config.mask_token_id
    return positions, weights, masked


def unigram_log_probs(data, config):
    counts = np.ones(config.vocab_size)
    for batch in pretraining_dataset(data, 256, config=config, seed=0).take(40):
        ids, padding = batch["token_ids"].numpy(), batch["padding_mask"].numpy()
        np.add.at(counts, ids[padding == 1], 1)
    counts[list(config.special_token_ids_values())] = 1e-9
    return torch.tensor(np.log(counts / counts.sum()), dtype=torch.float32)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--warmup-steps", type=int, help="default: a tenth of --steps")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--replacements", choices=["generator", "unigram"], default="generator")
    parser.add_argument("--save-hf", metavar="DIR", help="write DIR/discriminator, DIR/generator")
    parser.add_argument("--vocab", help="the data's vocab.txt, copied into the --save-hf folders")
    args = parser.parse_args()
    if args.save_hf and not args.vocab:
        parser.error("--save-hf needs --vocab (the vocab.txt the data was prepared with)")

    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    config = ElectraConfig.preset("tiny", **dataset_config_overrides(read_manifest(args.data)))
    gen, disc = build_models(config)
    named = {id(p): (n, p) for n, p in [*disc.named_parameters(), *gen.named_parameters()]}
    params = [p for _, p in named.values()]
    # As the original: no weight decay on LayerNorm scales and offsets, nor on biases.
    no_decay = [p for n, p in named.values() if "LayerNorm" in n or n.endswith("bias")]
    decay = [p for n, p in named.values() if not ("LayerNorm" in n or n.endswith("bias"))]
    optimizer = torch.optim.AdamW(
        [dict(params=decay, weight_decay=0.01), dict(params=no_decay, weight_decay=0.0)],
        lr=args.learning_rate, betas=(0.9, 0.999), eps=1e-6)
    warmup = max(1, args.warmup_steps or args.steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, 1.0) * max(0.0, 1 - s / args.steps))
    unigram = unigram_log_probs(args.data, config) if args.replacements == "unigram" else None

    batches = iter(pretraining_dataset(args.data, args.batch_size, config=config, seed=args.seed))
    labels_seen, scores_seen, accuracies = [], [], []
    start = time.time()
    for step in range(1, args.steps + 1):
        batch = {k: v.numpy().astype(np.int64) for k, v in next(batches).items()}
        ids, segments, padding = batch["token_ids"], batch["segment_ids"], batch["padding_mask"]
        positions, weights, masked = mask_batch(ids, padding, config, rng)
        ids_t, positions_t, weights_t = map(torch.tensor, (ids, positions, weights))
        inputs = dict(attention_mask=torch.tensor(padding), token_type_ids=torch.tensor(segments))

        # The LM head only at the masked slots (as the original's gathered head; the same
        # logits as gathering the full [batch, length, vocab] output, several times cheaper).
        hidden = gen.electra(input_ids=torch.tensor(masked), **inputs).last_hidden_state
        slot_hidden = torch.gather(
            hidden, 1, positions_t[..., None].expand(-1, -1, hidden.shape[-1]))
        slot_logits = gen.generator_lm_head(gen.generator_predictions(slot_hidden))
        targets = torch.gather(ids_t, 1, positions_t)
        per_slot = torch.nn.functional.cross_entropy(
            slot_logits.transpose(1, 2), targets, reduction="none")
        mlm = (per_slot * weights_t).sum() / weights_t.sum()

        with torch.no_grad():
            source = slot_logits if unigram is None else unigram.expand_as(slot_logits)
            uniform = torch.rand_like(source).clamp(1e-9, 1 - 1e-9)
            sampled = (source / config.temperature - torch.log(-torch.log(uniform))).argmax(-1)
            sampled = torch.where(weights_t > 0, sampled, targets)  # empty slots: unchanged
            corrupted = ids_t.scatter(1, positions_t, sampled)
            replaced = (corrupted != ids_t).float()
        disc_logits = disc(input_ids=corrupted, **inputs).logits
        per_token = torch.nn.functional.binary_cross_entropy_with_logits(
            disc_logits, replaced, reduction="none")
        tokens = inputs["attention_mask"].float()
        disc_loss = (per_token * tokens).sum() / tokens.sum()

        optimizer.zero_grad()
        (mlm + config.disc_weight * disc_loss).backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        schedule.step()

        real = padding == 1
        labels_seen.append(replaced.numpy()[real])
        scores_seen.append(disc_logits.detach().numpy()[real])
        correct = (slot_logits.argmax(-1) == targets).float()
        accuracies.append(float((correct * weights_t).sum() / weights_t.sum()))
        if step % max(1, args.steps // 4) == 0:
            auc = rank_auc(np.concatenate(labels_seen), np.concatenate(scores_seen))
            print(f"step {step}: disc_auc {auc:.3f}  mlm_accuracy {np.mean(accuracies):.3f}"
                  f"  ({time.time() - start:.0f} s)", flush=True)
            labels_seen, scores_seen, accuracies = [], [], []

    if args.save_hf:
        for name, model in (("discriminator", disc), ("generator", gen)):
            folder = os.path.join(args.save_hf, name)
            model.save_pretrained(folder)
            shutil.copy(args.vocab, os.path.join(folder, "vocab.txt"))
        print(f"saved {args.save_hf}/discriminator and {args.save_hf}/generator")


if __name__ == "__main__":
    main()
