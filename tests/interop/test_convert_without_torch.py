"""`keras-electra convert --from hf` on a base install: no torch, no transformers.

The Hugging Face folder is written here with `safetensors.numpy` under the tensor names
transformers' `ElectraForPreTraining` saves, and the installed command runs in a process
in which importing torch or transformers fails, so the test fails if conversion ever
comes to need either.
"""

import json
import os
import subprocess
import sys

import numpy as np

import keras_electra
from installed_command import installed_command

HIDDEN, EMBEDDING, INTERMEDIATE, LAYERS, HEADS, POSITIONS = 16, 8, 32, 2, 2, 24
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"w{i}" for i in range(27)]

# Put first on the child's path: `site` imports it at start-up, before the command runs.
BLOCK_PARITY_PACKAGES = """
import sys

class _Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("torch", "transformers"):
            raise ImportError(f"{name} is not installed (base install)")
        return None

sys.meta_path.insert(0, _Refuse())
"""


def electra_for_pretraining_tensors(seed=0):
    """Random tensors named and shaped as transformers' ElectraForPreTraining saves them."""
    rng = np.random.default_rng(seed)
    shapes = {
        "electra.embeddings.word_embeddings.weight": (len(VOCAB), EMBEDDING),
        "electra.embeddings.position_embeddings.weight": (POSITIONS, EMBEDDING),
        "electra.embeddings.token_type_embeddings.weight": (2, EMBEDDING),
        "electra.embeddings.LayerNorm.weight": (EMBEDDING,),
        "electra.embeddings.LayerNorm.bias": (EMBEDDING,),
        "electra.embeddings_project.weight": (HIDDEN, EMBEDDING),
        "electra.embeddings_project.bias": (HIDDEN,),
        "discriminator_predictions.dense.weight": (HIDDEN, HIDDEN),
        "discriminator_predictions.dense.bias": (HIDDEN,),
        "discriminator_predictions.dense_prediction.weight": (1, HIDDEN),
        "discriminator_predictions.dense_prediction.bias": (1,),
    }
    for i in range(LAYERS):
        layer = f"electra.encoder.layer.{i}"
        for part in ("query", "key", "value"):
            shapes[f"{layer}.attention.self.{part}.weight"] = (HIDDEN, HIDDEN)
            shapes[f"{layer}.attention.self.{part}.bias"] = (HIDDEN,)
        shapes[f"{layer}.attention.output.dense.weight"] = (HIDDEN, HIDDEN)
        shapes[f"{layer}.attention.output.dense.bias"] = (HIDDEN,)
        shapes[f"{layer}.intermediate.dense.weight"] = (INTERMEDIATE, HIDDEN)
        shapes[f"{layer}.intermediate.dense.bias"] = (INTERMEDIATE,)
        shapes[f"{layer}.output.dense.weight"] = (HIDDEN, INTERMEDIATE)
        shapes[f"{layer}.output.dense.bias"] = (HIDDEN,)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            shapes[f"{layer}.{norm}.weight"] = (HIDDEN,)
            shapes[f"{layer}.{norm}.bias"] = (HIDDEN,)
    return {name: rng.normal(0, 0.2, shape).astype("float32") for name, shape in shapes.items()}


def write_hf_folder(folder, tensors):
    from safetensors.numpy import save_file

    os.makedirs(folder)
    save_file(tensors, os.path.join(folder, "model.safetensors"))
    config = {
        "architectures": ["ElectraForPreTraining"], "model_type": "electra",
        "vocab_size": len(VOCAB), "embedding_size": EMBEDDING, "hidden_size": HIDDEN,
        "num_hidden_layers": LAYERS, "num_attention_heads": HEADS,
        "intermediate_size": INTERMEDIATE, "hidden_act": "gelu",
        "max_position_embeddings": POSITIONS, "type_vocab_size": 2,
        "layer_norm_eps": 1e-12, "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
    }
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f)
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(VOCAB) + "\n")


def test_convert_hf_safetensors_needs_no_torch(tmp_path):
    tensors = electra_for_pretraining_tensors()
    hf = str(tmp_path / "hf")
    write_hf_folder(hf, tensors)
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(BLOCK_PARITY_PACKAGES)
    env = dict(os.environ, PYTHONPATH=str(blocker))
    out = str(tmp_path / "model")

    proof = subprocess.run([sys.executable, "-c", "import torch"], env=env,
                           capture_output=True, text=True)
    assert proof.returncode != 0 and "base install" in proof.stderr  # the block works
    result = subprocess.run([installed_command(), "convert", "--from", "hf", "--input", hf,
                             "--output", out], env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr

    backbone = keras_electra.ElectraBackbone.from_preset(out)
    np.testing.assert_array_equal(backbone.token_embedding.embeddings.numpy(),
                                  tensors["electra.embeddings.word_embeddings.weight"])
    # torch's Linear stores [out, in]; a Keras Dense kernel is [in, out].
    kernels = {w.path: w.numpy() for w in backbone.weights}
    query = [k for k in kernels if "query" in k and k.endswith("kernel")]
    assert len(query) == LAYERS, sorted(kernels)
    first = np.reshape(kernels[sorted(query)[0]], (HIDDEN, HIDDEN))
    np.testing.assert_array_equal(first, tensors["electra.encoder.layer.0.attention.self.query.weight"].T)

    discriminator = keras_electra.load_discriminator(out)
    token_ids = np.array([[2, 7, 8, 9, 3, 0]], "int32")
    logits = discriminator({"token_ids": token_ids, "segment_ids": np.zeros_like(token_ids),
                            "padding_mask": token_ids > 0})
    assert np.asarray(logits).shape[:2] == (1, 6) and np.all(np.isfinite(logits))
