"""Per-example random numbers that do not depend on how a batch is split."""

import tensorflow as tf

_GOLDEN = 0x9E3779B9  # 2^32 / golden ratio: spreads consecutive ids apart.


def _mix32(x):
    """A bijective 32-bit integer hash with full avalanche (lowbias32)."""
    x = tf.bitwise.bitwise_xor(x, tf.bitwise.right_shift(x, 16))
    x = x * tf.constant(0x7FEB352D, tf.uint32)
    x = tf.bitwise.bitwise_xor(x, tf.bitwise.right_shift(x, 15))
    x = x * tf.constant(0x846CA68B, tf.uint32)
    return tf.bitwise.bitwise_xor(x, tf.bitwise.right_shift(x, 16))


def _u32(value):
    return tf.cast(tf.bitwise.bitwise_and(tf.cast(value, tf.int64), 0xFFFFFFFF), tf.uint32)


def example_noise(seed, step, example_ids, shapes):
    """Uniform [0, 1) noise of the given shapes for each example.

    Each example's numbers are a pure function of (seed, step, example id,
    element index). So the masking and the samples an example gets are the
    same on one device or on eight (where each replica holds a slice of the
    global batch), and a resumed run continues the very same stream: this is
    what makes one-device/multi-device equivalence hold and testable.

    Written by hand because TensorFlow's stateless generators take one seed per
    call: per-example streams would need one call per example (unrolled, XLA
    compiles for minutes; as a while loop, XLA runs it 10x slower). A
    counter-based hash is one vectorized expression of a few integer ops.

    Args:
        seed: int, the run's seed.
        step: int64 scalar tensor, the step counter.
        example_ids: int32 [batch], each example's index in the global batch.
        shapes: list of per-example shapes, e.g. [[length], [n_slots]].

    Returns:
        a list of float32 tensors, [batch] + shape each, uniform on a 2^-24 grid.

    Example:
    >>> a, = example_noise(7, tf.constant(0, tf.int64), tf.range(2), [[3]])
    >>> a.shape
    TensorShape([2, 3])
    """
    run_key = _mix32(_u32(seed) ^ _mix32(_u32(step) ^ _u32(step // 2**32 + 0x5BD1E995)))
    example_key = _mix32(run_key ^ (_u32(example_ids) * tf.constant(_GOLDEN, tf.uint32)))
    outputs = []
    for stream, shape in enumerate(shapes):
        size = 1
        for dim in shape:
            size *= int(dim)
        stream_key = _mix32(example_key ^ _u32(0x68E31DA4 * (stream + 1)))
        element = _mix32(_u32(tf.range(size, dtype=tf.int64)) + _u32(_GOLDEN * (stream + 1)))
        bits = _mix32(stream_key[:, None] ^ element[None, :])
        # The top 24 bits, exactly representable in float32.
        uniform = tf.cast(tf.bitwise.right_shift(bits, 8), tf.float32) * (1.0 / 2**24)
        outputs.append(tf.reshape(uniform, [-1] + [int(d) for d in shape]))
    return outputs
