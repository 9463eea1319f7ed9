"""Original (TF1) ELECTRA checkpoints, built here from the random HF models.

The checkpoint's names are derived from the HF parameter names by the rules of
transformers' own TF-to-PyTorch converter (`load_tf_weights_in_electra`, in
transformers 4.x), written out independently of keras_electra's table: so our
loader and transformers' agree on what each original variable is.
"""

import os
import re

import pytest
import tensorflow as tf

from interop_helpers import PARITY_EXTRA, TOLERANCE, max_diffs, our_outputs, write_vocab
from keras_electra.interop import hf_electra_config, load_tf1_checkpoint, tf1_electra_config

pytest.importorskip("torch", reason=PARITY_EXTRA)


def tf1_name(hf_name, role):
    """The original variable that transformers' converter loads into `hf_name`."""
    name = re.sub(r"\.layer\.(\d+)\.", r".layer_\1.", hf_name)
    scopes = name.split(".")
    if scopes[-2].endswith("_embeddings"):  # word_embeddings.weight -> word_embeddings
        scopes.pop()
    elif scopes[-1] in ("weight", "bias"):
        norm = scopes[-2] == "LayerNorm"
        scopes[-1] = {"weight": "gamma" if norm else "kernel", "bias": "beta" if norm else "bias"}[
            scopes[-1]
        ]
    name = "/".join(scopes)
    name = name.replace("dense_prediction", "dense_1")
    name = name.replace("generator_lm_head/bias", "generator_predictions/output_bias")
    # The converter reads a generator's encoder from generator/, and its
    # embeddings from electra/embeddings/, the block both models share.
    if role == "generator" and name.startswith("electra/") and "/embeddings/" not in name + "/":
        name = "generator/" + name[len("electra/"):]
    return name


def tf1_variables(hf_models, parts=("discriminator", "generator")):
    """{original name: numpy value} of the pair, TF1 layout (kernels [in, out])."""
    variables = {}
    for role, model in zip(("discriminator", "generator"), hf_models):
        if role not in parts:
            continue
        for hf_name, tensor in model.state_dict().items():
            if hf_name == "generator_lm_head.weight":  # tied to the word embeddings
                continue
            value = tensor.numpy()
            name = tf1_name(hf_name, role)
            variables[name] = value.T if name.endswith("/kernel") else value
    return variables


def save_tf1_checkpoint(variables, folder, optimizer_slots=True):
    """Writes `variables` as a TF1 checkpoint with tf.compat.v1 variables and a Saver."""
    with tf.Graph().as_default():
        for name, value in variables.items():
            tf.compat.v1.get_variable(name, initializer=tf.constant(value))
            if optimizer_slots:  # the original's AdamWeightDecayOptimizer state
                for slot in ("adam_m", "adam_v"):
                    tf.compat.v1.get_variable(f"{name}/{slot}", initializer=tf.zeros_like(value))
        tf.compat.v1.train.get_or_create_global_step()
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer())
            return saver.save(session, os.path.join(folder, "model.ckpt"), global_step=1000)


@pytest.fixture(scope="module")
def tf1_checkpoint(hf_models, tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("tf1"))
    save_tf1_checkpoint(tf1_variables(hf_models), folder)
    write_vocab(folder)  # the released archives ship vocab.txt beside the checkpoint
    return folder


@pytest.fixture(scope="module")
def config(hf_folders):
    return hf_electra_config(hf_folders["discriminator"], hf_folders["generator"])


def test_fixture_names_are_the_originals(tf1_checkpoint):
    names = set(tf.train.load_checkpoint(tf1_checkpoint).get_variable_to_shape_map())
    for name in (
        "electra/embeddings/word_embeddings",
        "electra/embeddings_project/kernel",
        "electra/encoder/layer_1/attention/self/query/kernel",
        "generator/encoder/layer_0/output/LayerNorm/gamma",
        "generator_predictions/output_bias",
        "discriminator_predictions/dense_1/kernel",
        "electra/encoder/layer_0/intermediate/dense/kernel/adam_m",
        "global_step",
    ):
        assert name in names, name
    assert not any(n.startswith("generator/embeddings") for n in names)


@pytest.mark.parametrize("part", ["discriminator", "generator"])
def test_tf1_part_gives_transformers_outputs(part, tf1_checkpoint, config, batch, hf_reference):
    model = load_tf1_checkpoint(tf1_checkpoint, part=part, config=config)
    diffs = max_diffs(our_outputs(model, batch), hf_reference[part])
    assert max(diffs) < TOLERANCE, diffs


def test_tf1_both_into_a_pretrainer(tf1_checkpoint, config, batch, hf_reference):
    pretrainer = load_tf1_checkpoint(tf1_checkpoint, config=config, seed=0)
    assert pretrainer.discriminator.encoder.embeddings is pretrainer.generator.encoder.embeddings
    for role in ("discriminator", "generator"):
        diffs = max_diffs(our_outputs(getattr(pretrainer, role), batch), hf_reference[role])
        assert max(diffs) < TOLERANCE, (role, diffs)


def test_tf1_config_from_shapes(tf1_checkpoint, config):
    inferred = tf1_electra_config(tf1_checkpoint)
    # Head counts are not in the shapes: the original's 64-wide heads rule.
    assert (inferred.num_heads, inferred.generator_num_heads) == (1, 1)
    expected = config.replace(num_heads=1, generator_num_heads=1)
    assert inferred == expected


def test_tf1_discriminator_only_checkpoint(hf_models, config, batch, hf_reference, tmp_path):
    variables = tf1_variables(hf_models, parts=("discriminator",))
    save_tf1_checkpoint(variables, str(tmp_path), optimizer_slots=False)
    with pytest.raises(ValueError, match=r"missing tensor 'generator/encoder/layer_0"):
        load_tf1_checkpoint(str(tmp_path), part="both", config=config)
    model = load_tf1_checkpoint(str(tmp_path), config=config)  # default: what it holds
    assert model.name == "discriminator"
    diffs = max_diffs(our_outputs(model, batch), hf_reference["discriminator"])
    assert max(diffs) < TOLERANCE, diffs
