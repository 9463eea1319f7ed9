"""spread_classes: a classifier head that gives random-weight models' texts several classes."""

import numpy as np
import tensorflow as tf


def spread_classes(classifier, texts):
    """Points the head of `classifier` along its [CLS] vectors' main variations over `texts`.

    A random (or barely trained) encoder gives the same class to every text (their
    [CLS] vectors differ little); this head gives several, so that label names are
    checked, with margins that rounding cannot flip.
    """
    features = classifier.preprocessor(tf.constant(texts))
    cls = np.asarray(classifier.backbone(features))[:, 0]
    centred = cls - cls.mean(0)
    _, scale, directions = np.linalg.svd(centred, full_matrices=False)
    classes = classifier.num_classes
    head = classifier.get_layer("classifier_logits")
    head.kernel.assign(directions[:classes].T / scale[:classes] * 2.0)
    head.bias.assign(-cls.mean(0) @ head.kernel.numpy())
