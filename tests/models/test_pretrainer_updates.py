"""Whatever optimizer a user compiles with, every variable gets the update of its dense
summed gradient: plain AdamW, Adam, Lamb, SGD, `pretraining_optimizer`, loss scaling and
gradient accumulation (two replicas with a plain AdamW: test_pretrainer.py; the lookups'
dense gradient under XLA: tests/layers/test_dense_gradient_embedding.py).

The reference step computes the loss's gradient eagerly, turns every gradient into a
dense tensor (`tf.convert_to_tensor` sums repeated-index slices) and applies it with a
fresh optimizer of the same configuration. Before the embeddings' lookups had a dense
gradient, `fit` with an unclipped adaptive optimizer failed this on the word and segment
embeddings (tests/layers/test_dense_gradient_embedding.py shows why).
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from synthetic_language import synthetic_language
from keras_electra import ElectraConfig, ElectraPretrainer, pretraining_optimizer
from keras_electra.models.electra_classifier import ElectraClassifier

CONFIG = ElectraConfig.preset(
    "tiny", vocab_size=60, max_seq_length=16, embedding_size=16,
    cls_token_id=1, sep_token_id=2, mask_token_id=3, dropout=0.0,
)
BATCH = synthetic_language(8, CONFIG.max_seq_length, CONFIG, seed=3)

OPTIMIZERS = {
    "AdamW": lambda: keras.optimizers.AdamW(2e-3, weight_decay=0.01),
    "Adam": lambda: keras.optimizers.Adam(2e-3),
    "Lamb": lambda: keras.optimizers.Lamb(2e-3),
    "SGD": lambda: keras.optimizers.SGD(0.5, momentum=0.9),
    "pretraining_optimizer": lambda: pretraining_optimizer(2e-3, total_steps=10, warmup_steps=0),
    "LossScaleOptimizer(AdamW)": lambda: keras.optimizers.LossScaleOptimizer(
        keras.optimizers.AdamW(2e-3, weight_decay=0.01)
    ),
}


def dataset():
    return tf.data.Dataset.from_tensor_slices(BATCH).repeat().batch(8, drop_remainder=True)


def dense_reference_step(weights, make_optimizer):
    """The update of the dense summed gradient, computed outside `train_step`."""
    model = ElectraPretrainer(CONFIG, seed=0)
    model(BATCH)
    model.set_weights(weights)
    with tf.GradientTape() as tape:
        loss = model.objective_losses(model(BATCH, training=True))["loss"]
    grads = tape.gradient(loss, model.trainable_variables)
    dense = [tf.convert_to_tensor(g) for g in grads]
    optimizer = make_optimizer()
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        optimizer = optimizer.inner_optimizer
    optimizer.apply_gradients(zip(dense, model.trainable_variables))
    return model, [tf.convert_to_tensor(g).numpy() for g in grads]


def assert_same_update(model, reference, start, ref_grads):
    """Equal moves, elementwise, wherever the gradient is not float noise.

    Adam's first step is lr x g / (|g| + eps): for the entries whose true
    gradient is 0 (the attention key bias) it amplifies float noise, so entries
    under 1e-4 of their variable's largest gradient are left out.
    """
    for ours, theirs, before, grad in zip(model.trainable_weights, reference.trainable_weights,
                                          start, ref_grads):
        signal = np.abs(grad) >= 1e-4 * max(np.abs(grad).max(), 1e-12)
        move_ours, move_theirs = ours.numpy() - before, theirs.numpy() - before
        scale = np.abs(move_theirs).max()
        if scale < 1e-7:  # float noise only (the key bias's true gradient is 0)
            continue
        worst = np.abs(move_ours - move_theirs)[signal].max(initial=0.0)
        assert worst <= 2e-3 * scale, f"{ours.path}: {worst:.3g} vs scale {scale:.3g}"


def fit_one_step(make_optimizer, strategy=None, **compile_kwargs):
    strategy = strategy or tf.distribute.get_strategy()
    with strategy.scope():
        model = ElectraPretrainer(CONFIG, seed=0)
        model(BATCH)
        model.compile(optimizer=make_optimizer(), **compile_kwargs)
    start = [v.numpy() for v in model.trainable_weights]
    weights = model.get_weights()
    model.fit(dataset(), steps_per_epoch=1, epochs=1, verbose=0)
    return model, start, weights


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_one_device_step_is_the_dense_gradient_update(name):
    # Eager, to keep it quick; the compiled step is checked under XLA and two replicas.
    model, start, weights = fit_one_step(OPTIMIZERS[name], run_eagerly=True)
    reference, grads = dense_reference_step(weights, OPTIMIZERS[name])
    assert_same_update(model, reference, start, grads)


def test_gradient_accumulation_applies_the_dense_sum_of_both_batches():
    def accumulating():
        return keras.optimizers.AdamW(2e-3, weight_decay=0.0, gradient_accumulation_steps=2)

    model = ElectraPretrainer(CONFIG, seed=0)
    model(BATCH)
    model.compile(optimizer=accumulating(), run_eagerly=True)
    weights, start = model.get_weights(), [v.numpy() for v in model.trainable_weights]
    model.fit(dataset(), steps_per_epoch=2, epochs=1, verbose=0)

    reference = ElectraPretrainer(CONFIG, seed=0)
    reference(BATCH)
    reference.set_weights(weights)
    total = None
    for _ in range(2):  # two forward passes draw two masks, as fit's two steps did
        with tf.GradientTape() as tape:
            loss = reference.objective_losses(reference(BATCH, training=True))["loss"]
        grads = [tf.convert_to_tensor(g) for g in tape.gradient(loss, reference.trainable_variables)]
        total = grads if total is None else [a + b for a, b in zip(total, grads)]
    mean = [g / 2 for g in total]
    keras.optimizers.AdamW(2e-3, weight_decay=0.0).apply_gradients(
        zip(mean, reference.trainable_variables)
    )
    assert_same_update(model, reference, start, [g.numpy() for g in mean])


def test_every_gradient_of_the_pretrainer_and_a_task_is_dense():
    """No variable's gradient reaches an optimizer as IndexedSlices."""
    pretrainer = ElectraPretrainer(CONFIG, seed=0)
    with tf.GradientTape() as tape:
        loss = pretrainer.objective_losses(pretrainer(BATCH, training=True))["loss"]
    sparse = [v.path for v, g in zip(pretrainer.trainable_variables,
                                     tape.gradient(loss, pretrainer.trainable_variables))
              if isinstance(g, tf.IndexedSlices)]
    assert sparse == []

    classifier = ElectraClassifier(pretrainer.discriminator.encoder, num_classes=2)
    features = {k: BATCH[k] for k in ("token_ids", "segment_ids", "padding_mask")}
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(classifier(features, training=True))
    grads = tape.gradient(loss, classifier.trainable_variables)
    assert [v.path for v, g in zip(classifier.trainable_variables, grads)
            if isinstance(g, tf.IndexedSlices)] == []
