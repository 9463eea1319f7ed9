"""Answers REST-shaped requests with SavedModels loaded by TensorFlow and tensorflow-text's ops.

    python serve_without_keras.py requests.json responses.json

`requests.json` holds a list of `{"model": saved_model_dir, "request": body}`, each
body as TF Serving's REST predict API takes it (`{"signature_name": ..., "instances":
[...]}`, the row format, or `"inputs"`: a value or {input name: value}, the columnar
format); `responses.json` gets a list of the bodies TF Serving would answer
(`{"predictions": [...]}` or `{"outputs": ...}`), or `{"error": message}`. A job with `"raw": true`
sends its instances as one tensor of their own dtype (ints to a string signature). Importing keras, keras_hub
or keras_electra fails in this process, so a SavedModel that needs them cannot load;
tensorflow-text's kernels are registered from its op libraries (see `load_text_ops`).
"""

import importlib.abc
import importlib.machinery
import json
import sys

BLOCKED = ("keras", "keras_hub", "keras_electra", "tf_keras")


class BlockKeras(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds the blocked modules first, with a loader that refuses to load them.

    Refusing in the loader, not in `find_spec`, lets TensorFlow probe for keras
    (`importlib.util.find_spec`, which then sees no origin) while every import fails.
    """

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            return importlib.machinery.ModuleSpec(name, self)
        return None

    def create_module(self, spec):
        raise ImportError(f"{spec.name} may not be imported when serving")

    def exec_module(self, module):
        raise ImportError(f"{module.__name__} may not be imported when serving")


sys.meta_path.insert(0, BlockKeras())

import importlib.util  # noqa: E402
import os  # noqa: E402

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def load_text_ops():
    """Registers tensorflow-text's kernels, as TF Serving links them in.

    Not `import tensorflow_text`: its Python package defines Keras layers at
    import time (`tf.keras.layers.Layer`), which would import keras.
    """
    package = importlib.util.find_spec("tensorflow_text").submodule_search_locations[0]
    ops = os.path.join(package, "python", "ops")
    for name in sorted(os.listdir(ops)):
        if name.startswith("_") and name.endswith(".so"):
            tf.load_op_library(os.path.join(ops, name))


def predict(signature, body):
    """TF Serving's row format: `instances` in, one `predictions` entry a row out."""
    instances = body["instances"]
    names = sorted(signature.structured_input_signature[1])
    if instances and isinstance(instances[0], dict):
        columns = {name: [row[name] for row in instances] for name in names}
    else:
        (name,) = names
        columns = {name: instances}
    inputs = {}
    for name, spec in signature.structured_input_signature[1].items():
        inputs[name] = tf.constant(np.asarray(columns[name]), dtype=spec.dtype)
    outputs = {k: v.numpy() for k, v in signature(**inputs).items()}
    rows = len(next(iter(outputs.values())))
    predictions = [{k: _json(v[r]) for k, v in outputs.items()} for r in range(rows)]
    if len(outputs) == 1:
        predictions = [next(iter(p.values())) for p in predictions]
    return {"predictions": predictions}


def predict_columns(signature, body):
    """TF Serving's columnar format: each input a whole tensor, of any shape, in `inputs`."""
    specs = signature.structured_input_signature[1]
    inputs = body["inputs"]
    if not isinstance(inputs, dict):
        (name,) = specs
        inputs = {name: inputs}
    outputs = signature(**{name: tf.constant(np.asarray(inputs[name]), dtype=spec.dtype)
                           for name, spec in specs.items()})
    outputs = {k: _json(v.numpy()) for k, v in outputs.items()}
    return {"outputs": next(iter(outputs.values())) if len(outputs) == 1 else outputs}


def error_line(error):
    """The first line of what failed; of a graph error, the op's own message, as TF
    Serving answers it (not the Python runtime's "Graph execution error:" preface)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    if isinstance(error, tf.errors.OpError) and "<stack traces unavailable>" in lines:
        lines = lines[lines.index("<stack traces unavailable>") + 1:]
    return lines[0]


def _json(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray):
        return [_json(v) for v in value] if value.dtype == object else value.tolist()
    return value.item() if hasattr(value, "item") else value


def main(requests_path, responses_path):
    load_text_ops()
    assert not any(name.split(".")[0] in BLOCKED for name in sys.modules)
    with open(requests_path) as f:
        jobs = json.load(f)
    models, responses = {}, []
    for job in jobs:
        if job["model"] not in models:
            models[job["model"]] = tf.saved_model.load(job["model"])
        signatures = models[job["model"]].signatures
        body = job["request"]
        signature = signatures[body.get("signature_name", "serving_default")]
        try:
            if job.get("raw"):  # the instances as they are, whatever their dtype
                (name,) = signature.structured_input_signature[1]
                signature(**{name: tf.constant(body["instances"])})
            responses.append(predict_columns(signature, body) if "inputs" in body
                             else predict(signature, body))
        except (TypeError, ValueError, tf.errors.OpError) as e:
            responses.append({"error": error_line(e)})
    with open(responses_path, "w") as f:
        json.dump(responses, f)
    assert not any(name.split(".")[0] in BLOCKED for name in sys.modules)


if __name__ == "__main__":
    main(*sys.argv[1:])
