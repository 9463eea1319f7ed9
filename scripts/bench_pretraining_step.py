"""Benchmark: ELECTRA pre-training step throughput and model-FLOPs utilization (MFU).

    python scripts/bench_pretraining_step.py [--preset small] [--batch-size 32]
        [--seq-len 128] [--steps 10] [--dtypes float32,mixed_bfloat16] [--jit on,off]
        [--breakdown]

MFU = achieved FLOP/s of whole training steps / this machine's float32 matmul FLOP/s,
both measured in the same run. Training FLOPs are counted as 6 x (dense parameters used
per token) x tokens for both models, plus attention (QK^T and AV: 12 x S^2 x H per layer
and sequence), plus the generator head (dense and vocabulary projection) at the masked
positions only. Masking, sampling, losses and the optimizer are not counted (they are
overhead, which MFU is meant to expose).

Measured 2026-11-26 on the 2-core CPU (small, 32 x 128, 287.5 GFLOP a step, float32
matmul peak 203-209 GFLOP/s, bfloat16 400 GFLOP/s), without XLA:
    float32          2415 ms a step, 13.3 sequences/s, MFU 58.6%
    mixed_bfloat16   1842 ms a step, 17.4 sequences/s, MFU 76.9% (39.0% of the bf16 peak)
with XLA: float32 16755 ms, MFU 8.1%; mixed_bfloat16 19300 ms, 7.2% (dropout's random
numbers under XLA on CPU). The float32 breakdown: forward 1006 ms (739 without dropout),
forward + backward 2265 ms (2215), optimizer 57 ms.
"""

import argparse
import time

import numpy as np

import keras_electra  # noqa: F401  (TensorFlow backend first)
import keras
import tensorflow as tf

from keras_electra import ElectraConfig, ElectraPretrainer, pretraining_optimizer


def matmul_flops_per_second(n=2048, repeats=20, dtype=tf.float32):
    """The best matmul rate of this machine in `dtype`, with and without XLA."""
    a = tf.cast(tf.random.normal([n, n]), dtype)
    b = tf.cast(tf.random.normal([n, n]), dtype)
    best = 0.0
    for jit in (True, False):
        matmul = tf.function(lambda a, b: tf.matmul(a, b), jit_compile=jit)
        matmul(a, b).numpy()
        start = time.perf_counter()
        for _ in range(repeats):
            c = matmul(a, b)
        c.numpy()
        best = max(best, 2 * n**3 * repeats / (time.perf_counter() - start))
    return best


def encoder_flops_per_token(hidden, ffn, layers, embedding, seq_len):
    """Training FLOPs per token of one encoder (forward 2x, backward 4x)."""
    dense = layers * (4 * hidden * hidden + 2 * hidden * ffn)
    if embedding != hidden:
        dense += embedding * hidden
    attention = layers * 12 * seq_len * hidden  # 2 matmuls of S x S x H, x3 for training
    return 6 * dense + attention


def training_flops_per_step(config, batch_size, seq_len):
    c = config
    tokens = batch_size * seq_len
    disc = encoder_flops_per_token(
        c.hidden_size, c.intermediate_size, c.num_layers, c.embedding_size, seq_len
    )
    disc += 6 * (c.hidden_size * c.hidden_size + c.hidden_size)  # RTD head
    gen = encoder_flops_per_token(
        c.generator_hidden_size,
        c.generator_intermediate_size,
        c.num_layers,
        c.embedding_size,
        seq_len,
    )
    masked = batch_size * c.max_predictions_per_seq
    gen_head = 6 * masked * (c.generator_hidden_size * c.embedding_size + c.embedding_size * c.vocab_size)
    return tokens * (disc + gen) + gen_head


def batch(config, batch_size, seq_len, seed=0):
    rng = np.random.default_rng(seed)
    ids = rng.integers(1000, config.vocab_size, size=(batch_size, seq_len)).astype("int32")
    ids[:, 0] = config.cls_token_id
    ids[:, seq_len // 2] = config.sep_token_id
    ids[:, -1] = config.sep_token_id
    segments = np.zeros_like(ids)
    segments[:, seq_len // 2 + 1 :] = 1
    return {"token_ids": ids, "segment_ids": segments, "padding_mask": np.ones_like(ids)}


class StepTimes(keras.callbacks.Callback):
    """Wall time of each training batch as `fit` runs it (start-up left out)."""

    def __init__(self):
        super().__init__()
        self.seconds = []

    def on_train_batch_begin(self, batch, logs=None):
        self._start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def time_steps(config, data, steps, jit_compile, dtype="float32"):
    """Median seconds of a training step inside `fit`, and the first two steps' time.

    The median over steady-state batches, not the whole `fit` call divided by the steps:
    each `fit` call also sets up its iterator and callbacks, and over a few steps that
    set-up inflated the time a step by up to 60%.
    """
    pretrainer = ElectraPretrainer(config, seed=0, dtype=dtype)
    pretrainer.compile(
        optimizer=pretraining_optimizer(5e-4, total_steps=10_000, warmup_steps=100),
        jit_compile=jit_compile,
    )
    dataset = tf.data.Dataset.from_tensors(data).repeat().prefetch(2)
    start = time.perf_counter()
    pretrainer.fit(dataset, steps_per_epoch=2, epochs=1, verbose=0)  # trace + compile
    compile_seconds = time.perf_counter() - start
    times = StepTimes()
    pretrainer.fit(dataset, steps_per_epoch=steps, epochs=1, verbose=0, callbacks=[times])
    return float(np.median(times.seconds)), compile_seconds


def step_breakdown(config, data, repeats=5):
    """Milliseconds of the parts of a (non-XLA) step: where the time outside matmuls goes.

    forward with and without dropout, forward + backward with and without dropout
    (the difference is dropout's random numbers), and the optimizer update alone.
    """
    results = {}
    for dropout in (config.dropout, 0.0):
        model = ElectraPretrainer(config.replace(dropout=dropout), seed=0)
        model.compile(optimizer=pretraining_optimizer(5e-4, total_steps=10_000, warmup_steps=100))
        model(data)
        variables = model.trainable_variables
        model.optimizer.build(variables)

        @tf.function
        def forward():
            return model.objective_losses(model(data, training=True))["loss"]

        @tf.function
        def forward_backward():
            with tf.GradientTape() as tape:
                loss = model.objective_losses(model(data, training=True))["loss"]
            return [tf.convert_to_tensor(g) for g in tape.gradient(loss, variables)]

        zeros = [tf.zeros_like(v) for v in variables]

        @tf.function
        def update():
            model.optimizer.apply_gradients(zip(zeros, variables))

        for name, fn in (("forward", forward), ("forward+backward", forward_backward),
                         ("optimizer update", update)):
            fn()
            start = time.perf_counter()
            for _ in range(repeats):
                out = fn()
            tf.nest.map_structure(lambda t: t.numpy() if hasattr(t, "numpy") else t, out)
            results[f"{name}, dropout {dropout}"] = (time.perf_counter() - start) / repeats * 1e3
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="small")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seq-len", type=int, default=128)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--dtypes", default="float32,mixed_bfloat16",
                        help="comma-separated Keras dtype policies to time.")
    parser.add_argument("--jit", default="on,off", help="XLA settings to time: on, off or both.")
    parser.add_argument("--breakdown", action="store_true",
                        help="also time the parts of the step (forward, backward, dropout, "
                        "optimizer).")
    args = parser.parse_args()

    config = ElectraConfig.preset(args.preset, max_seq_length=args.seq_len)
    data = batch(config, args.batch_size, args.seq_len)
    flops = training_flops_per_step(config, args.batch_size, args.seq_len)
    peak = matmul_flops_per_second()
    peak_bf16 = matmul_flops_per_second(dtype=tf.bfloat16)
    print(f"preset {args.preset}, batch {args.batch_size} x {args.seq_len}, threads: "
          f"{tf.config.threading.get_intra_op_parallelism_threads() or 'default'}")
    print(f"matmul peak (float32, 2048^3, best of XLA and oneDNN): {peak / 1e9:.1f} GFLOP/s")
    print(f"matmul peak (bfloat16, same): {peak_bf16 / 1e9:.1f} GFLOP/s")
    print(f"model FLOPs per training step: {flops / 1e9:.1f} GFLOP")
    print("MFU is against the float32 peak, as defined above; for mixed_bfloat16 the "
          "share of the bfloat16 peak follows in brackets.")
    for dtype in args.dtypes.split(","):
        for jit in [j == "on" for j in args.jit.split(",")]:
            seconds, compile_seconds = time_steps(config, data, args.steps, jit, dtype)
            achieved = flops / seconds
            of_bf16 = f" [{achieved / peak_bf16:.1%} of bf16]" if "bfloat16" in dtype else ""
            print(
                f"{dtype:>14} jit_compile={jit!s:5}: {seconds * 1e3:7.1f} ms/step, "
                f"{args.batch_size / seconds:6.1f} sequences/s, {achieved / 1e9:6.1f} GFLOP/s, "
                f"MFU {achieved / peak:5.1%}{of_bf16} "
                f"(first 2 steps incl. compile: {compile_seconds:.1f} s)"
            )
    if args.breakdown:
        for name, ms in step_breakdown(config, data).items():
            print(f"{name:>32}: {ms:7.1f} ms")
    peak_after = matmul_flops_per_second()
    print(f"matmul peak again at the end: {peak_after / 1e9:.1f} GFLOP/s")


if __name__ == "__main__":
    main()
