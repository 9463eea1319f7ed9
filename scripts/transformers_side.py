"""The reference side of a learning-curve comparison: transformers' PyTorch ELECTRA.

`ElectraForPreTraining` + `ElectraForMaskedLM` with one embedding block and the
generator's output tied to it (`reference_pretraining_torch.build_models`), the paper's
masking drawn with NumPy (`reference_pretraining_torch.mask_batch`), Gumbel-max samples
and mlm + disc_weight x disc, all in plain PyTorch. The optimizer settings mirror
`keras_electra_side.OPTIMIZERS`:
    plain        torch.optim.AdamW with Keras's defaults (0.9/0.999/1e-7), decay 0.01 on
                 every parameter, constant rate, no clipping;
    pretraining  AdamW 0.9/0.999/1e-6, decay 0.01 except LayerNorm and biases, the rate
                 of `WarmupLinearDecay` (step s of N: min(1, s / (N // 10)) x (1 - s / N),
                 s counted from 0 as Keras counts its iterations), gradients clipped
                 to a global norm of 1.

Example:
>>> side = TransformersSide(config, "plain", learning_rate=2e-3, total_steps=1000,
...                         seed=0)  # doctest: +SKIP
>>> record = side.step(batch)  # the same record as KerasElectraSide.step's  # doctest: +SKIP
"""

import numpy as np
import tensorflow as tf
import torch

from keras_electra.pretraining import example_noise, mask_tokens
from reference_pretraining_torch import build_models, mask_batch


def _parameters(*models):
    """(name, parameter) of the models, each shared parameter once."""
    seen = {}
    for model in models:
        for name, parameter in model.named_parameters():
            seen.setdefault(id(parameter), (name, parameter))
    return list(seen.values())


def torch_optimizer(name, named_parameters, learning_rate, total_steps):
    """(optimizer, scheduler or None, clip norm or None) of the setting `name`."""
    params = [p for _, p in named_parameters]
    if name == "plain":
        optimizer = torch.optim.AdamW(params, lr=learning_rate, betas=(0.9, 0.999),
                                      eps=1e-7, weight_decay=0.01)
        return optimizer, None, None
    if name == "pretraining":
        no_decay = [p for n, p in named_parameters if "LayerNorm" in n or n.endswith("bias")]
        decay = [p for n, p in named_parameters if not ("LayerNorm" in n or n.endswith("bias"))]
        optimizer = torch.optim.AdamW(
            [{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
            lr=learning_rate, betas=(0.9, 0.999), eps=1e-6)
        warmup = max(1, total_steps // 10)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda s: min(1.0, s / warmup) * max(0.0, 1 - s / total_steps))
        return optimizer, schedule, 1.0
    raise ValueError(f"unknown optimizer setting {name!r}")


class TransformersSide:
    """The reference pair; `step(batch)` trains once and returns the step's record.

    `seed` sets PyTorch's initialization, dropout and Gumbel noise, and the masks'
    NumPy generator. Call `torch.set_num_threads` before making one.

    `keras_epsilon` adds Adam's epsilon where Keras does, to the root of the
    uncorrected second moment rather than of the bias-corrected one, i.e. PyTorch's
    epsilon becomes eps / sqrt(1 - beta_2^t): 32x larger at the first step, 1.26x at
    the 1000th (a bisection swap).

    `our_noise` takes the masks and the Gumbel noise from `ElectraPretrainer`'s own
    functions with its seed and step counter instead of PyTorch's and NumPy's, so
    both sides mask and perturb alike (a bisection swap).

    `train_pad_row` drops transformers' `padding_idx`, which discards the gradient of
    every lookup of [PAD] (id 0 in every config here). [PAD] is looked up at real
    positions too, whenever the generator samples it as a replacement; our
    embeddings learn from those lookups, as the original's do (a bisection swap: with
    it, and the three above at dropout 0, one step of both sides agrees to 1e-7).
    """

    def __init__(self, config, optimizer, *, learning_rate, total_steps, seed,
                 keras_epsilon=False, our_noise=False, train_pad_row=False):
        torch.manual_seed(seed)
        self.config = config
        self.rng = np.random.default_rng(seed)
        self.generator, self.discriminator = build_models(config)
        # transformers' own default is 0.1 too; this makes the config's rate the one used.
        for model in (self.generator, self.discriminator):
            for module in model.modules():
                if isinstance(module, torch.nn.Dropout):
                    module.p = config.dropout
        if train_pad_row:
            self.discriminator.electra.embeddings.word_embeddings.padding_idx = None
        self.named_parameters = _parameters(self.discriminator, self.generator)
        self.optimizer, self.schedule, self.clip_norm = torch_optimizer(
            optimizer, self.named_parameters, learning_rate, total_steps)
        self.keras_epsilon = keras_epsilon
        self.our_noise = our_noise
        self.seed = seed
        self.epsilon = self.optimizer.defaults["eps"]
        self.steps = 0

    def save_initial(self, folder):
        """Writes the pair as Hugging Face folders (before any step: the initial weights).

        Returns (discriminator folder, generator folder), which
        `keras_electra.interop.load_hf_pretrainer` reads.
        """
        paths = (f"{folder}/discriminator", f"{folder}/generator")
        for model, path in zip((self.discriminator, self.generator), paths):
            model.save_pretrained(path)
        return paths

    def _our_masks_and_noise(self, ids, padding):
        config = self.config
        slots = config.max_predictions_per_seq
        batch, length = ids.shape
        select, keep, uniform = example_noise(
            self.seed, tf.constant(self.steps, tf.int64), tf.range(batch),
            [[length], [slots], [slots, config.vocab_size]])
        masked = mask_tokens(
            tf.constant(ids, tf.int32), tf.constant(padding, tf.int32), select, keep,
            mask_prob=config.mask_prob, max_predictions=slots,
            mask_token_rate=config.mask_token_rate, mask_token_id=config.mask_token_id,
            special_token_ids=config.special_token_ids_values())
        return (masked["masked_positions"].numpy().astype(np.int64),
                masked["masked_weights"].numpy(),
                masked["masked_token_ids"].numpy().astype(np.int64),
                torch.tensor(uniform.numpy()))

    def step(self, batch):
        config = self.config
        ids, segments, padding = (batch[k].astype(np.int64)
                                  for k in ("token_ids", "segment_ids", "padding_mask"))
        if self.our_noise:
            positions, weights, masked, uniform = self._our_masks_and_noise(ids, padding)
        else:
            positions, weights, masked = mask_batch(ids, padding, config, self.rng)
        ids_t, positions_t, weights_t = map(torch.tensor, (ids, positions, weights))
        inputs = dict(attention_mask=torch.tensor(padding), token_type_ids=torch.tensor(segments))

        logits = self.generator(input_ids=torch.tensor(masked), **inputs).logits
        slot_logits = torch.gather(logits, 1, positions_t[..., None].expand(-1, -1, logits.shape[-1]))
        targets = torch.gather(ids_t, 1, positions_t)
        per_slot = torch.nn.functional.cross_entropy(
            slot_logits.transpose(1, 2), targets, reduction="none")
        mlm = (per_slot * weights_t).sum() / weights_t.sum()

        with torch.no_grad():
            if self.our_noise:  # sampling.py's formula, epsilons included
                gumbel = -torch.log(-torch.log(uniform + 1e-9) + 1e-9)
            else:
                uniform = torch.rand_like(slot_logits).clamp(1e-9, 1 - 1e-9)
                gumbel = -torch.log(-torch.log(uniform))
            sampled = (slot_logits / config.temperature + gumbel).argmax(-1)
            # Unused slots point at position 0: they must write back its own token.
            sampled = torch.where(weights_t > 0, sampled, targets)
            corrupted = ids_t.scatter(1, positions_t, sampled)
            replaced = (corrupted != ids_t).float()
        disc_logits = self.discriminator(input_ids=corrupted, **inputs).logits
        tokens = inputs["attention_mask"].float()
        per_token = torch.nn.functional.binary_cross_entropy_with_logits(
            disc_logits, replaced, reduction="none")
        disc = (per_token * tokens).sum() / tokens.sum()

        self.optimizer.zero_grad()
        (config.generator_weight * mlm + config.disc_weight * disc).backward()
        if self.clip_norm:
            torch.nn.utils.clip_grad_norm_([p for _, p in self.named_parameters], self.clip_norm)
        self.steps += 1
        if self.keras_epsilon:
            beta_2 = self.optimizer.defaults["betas"][1]
            for group in self.optimizer.param_groups:
                group["eps"] = self.epsilon / np.sqrt(1 - beta_2**self.steps)
        self.optimizer.step()
        if self.schedule is not None:
            self.schedule.step()
        return {
            "disc_logits": disc_logits.detach().numpy(),
            "replaced": replaced.numpy().astype(np.int32),
            "padding_mask": padding,
            "mlm_hits": (slot_logits.argmax(-1) == targets).float().numpy(),
            "masked_weights": weights,
        }
