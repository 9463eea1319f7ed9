"""The serving signatures of an `ElectraClassifier`: text in, probabilities and labels out."""

import tensorflow as tf

from keras_electra.export.endpoint import Endpoint, ids_endpoint, strings


def classifier_endpoints(classifier, labels=None, text_pair=False):
    """`serving_default` (raw text) and `serve_ids` (packed ids) of `classifier`.

    Outputs, per example: `probabilities` float32 [batch, classes] (the softmax
    of `classifier.predict`'s logits) and `label` string [batch] (the most
    probable class's name); a regression model gives `score` float32 [batch].
    Inputs: `text` string [batch], or `text_a` and `text_b` with `text_pair`.

    Args:
        classifier: an `ElectraClassifier` with its `ElectraTextPreprocessor`.
        labels: the class names, in class id order; None names them "0", "1", ...
        text_pair: whether the model reads sentence pairs.

    Example:
    >>> endpoints = classifier_endpoints(classifier, labels=["negative", "positive"])
    >>> [e.name for e in endpoints]
    ['serving_default', 'serve_ids']
    """
    if classifier.regression:
        outputs = _regression_outputs(classifier)
    else:
        outputs = _class_outputs(classifier, _label_names(labels, classifier.num_classes))
    preprocessor = classifier.preprocessor
    if text_pair:
        def serve_text(text_a, text_b):
            # A list: keras-hub reads a bare 2-tuple as (x, y).
            return outputs(preprocessor([text_a, text_b]))

        specs = [strings("text_a"), strings("text_b")]
    else:
        def serve_text(text):
            return outputs(preprocessor(text))

        specs = [strings("text")]
    return [Endpoint("serving_default", serve_text, specs), ids_endpoint(outputs)]


def _label_names(labels, num_classes):
    names = [str(i) for i in range(num_classes)] if labels is None else [str(l) for l in labels]
    if len(names) != num_classes:
        raise ValueError(
            f"`labels` names {len(names)} classes, but the classifier has {num_classes}."
        )
    return names


def _class_outputs(classifier, names):
    def outputs(features):
        logits = classifier(features, training=False)
        probabilities = tf.nn.softmax(tf.cast(logits, tf.float32), axis=-1)
        label = tf.gather(tf.constant(names), tf.argmax(probabilities, axis=-1))
        return {"probabilities": probabilities, "label": label}

    return outputs


def _regression_outputs(classifier):
    def outputs(features):
        return {"score": tf.cast(classifier(features, training=False), tf.float32)}

    return outputs
