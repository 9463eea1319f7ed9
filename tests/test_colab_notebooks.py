"""The Colab notebooks run: their code cells, at a few steps, on this CPU.

Cells tagged `colab-only` (the pip install, the TensorBoard magic) are left out; the
settings cell runs, then the test shrinks the run (steps, sizes) before the rest.
"""

import json
import os

import pytest

from keras_electra import ElectraConfig, load_discriminator

NOTEBOOKS = os.path.join(os.path.dirname(__file__), os.pardir, "colab")

SMALL_RUN = {
    "CORPUS_BYTES": 200_000,
    "PRESET": "tiny",
    "VOCAB_SIZE": 600,
    "MAX_SEQ_LENGTH": 32,
    "BATCH_SIZE": 8,
    "STEPS": 6,
    "EPOCHS": 2,
}


def code_cells(name):
    with open(os.path.join(NOTEBOOKS, name)) as f:
        notebook = json.load(f)
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code" and "colab-only" not in cell["metadata"].get("tags", []):
            yield "".join(cell["source"])


def test_pretrain_notebook_writes_a_model_folder(tmp_path):
    cells = list(code_cells("pretrain_electra.ipynb"))
    assert not any(line.lstrip().startswith(("%", "!")) for c in cells for line in c.splitlines())
    namespace = {}
    exec(cells[0], namespace)  # settings
    assert "STEPS" in namespace and "WORK" in namespace
    namespace.update(SMALL_RUN, WORK=str(tmp_path / "work"))
    for source in cells[1:]:
        exec(source, namespace)

    assert namespace["DTYPE"] == "float32" and namespace["JIT"] is False  # a CPU
    history = namespace["history"].history
    assert len(history["loss"]) == SMALL_RUN["EPOCHS"]
    assert int(namespace["pretrainer"].optimizer.iterations) == SMALL_RUN["STEPS"]
    model_dir = tmp_path / "work" / "model"
    tiny = ElectraConfig.preset("tiny")
    assert load_discriminator(str(model_dir)).encoder.hidden_size == tiny.hidden_size
    assert os.listdir(tmp_path / "work" / "logs" / "train")  # TensorBoard events
