"""Selects Keras's TensorFlow backend before Keras is first imported.

keras-electra's training step uses tf.GradientTape, tf.distribute and tf.data, so it needs
the TensorFlow backend; importing keras_electra sets it when nothing else chose one.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

if keras.backend.backend() != "tensorflow":
    raise ImportError(
        f"keras_electra needs Keras's TensorFlow backend, but KERAS_BACKEND is "
        f"{keras.backend.backend()!r}; set KERAS_BACKEND=tensorflow before importing keras."
    )
