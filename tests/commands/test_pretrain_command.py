"""`keras-electra pretrain` end to end: model folder, exact resume, --init-from, refusals,
--overwrite.

Runs are a few steps of the tiny preset without XLA (compiling dominates otherwise); the
checks are equalities of weights, which hold whatever the number of steps. Each run costs
its step's trace (seconds), so an interrupted run resumed mid-way is checked once, on
`pretrain` itself (tests/training/test_pretraining_run.py); here a finished run resumes.
"""

import json
import os

import numpy as np
import pytest

from keras_electra.cli import main
from keras_electra.config import ElectraConfig
from keras_electra.data import read_manifest
from keras_electra.model_folder import load_config, load_discriminator, load_pretrainer
from keras_electra.training import pretrain, pretraining_config
from keras_electra.training.pretraining_flops import pretraining_step_flops
from keras_electra.training.pretraining_run import DEFAULT_LEARNING_RATES

STEPS, EVERY, BATCH = 5, 2, 4


def pretrain_args(data, output, *extra):
    return ["pretrain", "--data", data, "--output", str(output), "--steps", str(STEPS),
            "--batch-size", str(BATCH), "--checkpoint-every", str(EVERY), "--no-jit",
            *extra]


def weights(model_dir):
    pretrainer = load_pretrainer(model_dir)
    return [w.numpy() for w in pretrainer.weights]


@pytest.fixture(scope="module")
def uninterrupted(prepared, tmp_path_factory):
    output = tmp_path_factory.mktemp("runs") / "uninterrupted"
    assert main(pretrain_args(prepared, output, "--preset", "tiny")) == 0
    return str(output)


def test_writes_a_model_folder_that_later_commands_read(uninterrupted, prepared):
    names = set(os.listdir(uninterrupted))
    assert {"config.json", "model.weights.h5", "tokenizer.json", "electra_config.json",
            "vocab.txt", "vocab.txt.json", "discriminator_head.weights.h5",
            "generator.weights.h5", "run.json", "checkpoints", "logs"} <= names
    config = load_config(uninterrupted)
    manifest = read_manifest(prepared)
    assert config.vocab_size == manifest["vocab_size"]
    assert config.max_seq_length == 32 and config.hidden_size == 64  # data + tiny preset
    assert config.mask_token_id == manifest["special_token_ids"]["mask_token_id"]
    assert load_discriminator(uninterrupted).encoder is not None
    with open(os.path.join(uninterrupted, "checkpoints", "training_metadata.json")) as f:
        assert json.load(f)["epoch"] == 3  # ceil(5 / 2) epochs, the last one cut at 1 step
    events = os.listdir(os.path.join(uninterrupted, "logs", "train"))
    assert any(name.startswith("events.out.tfevents") for name in events)


def test_running_a_finished_run_again_trains_nothing(uninterrupted, prepared, capsys):
    before = weights(uninterrupted)
    assert main(pretrain_args(prepared, uninterrupted, "--preset", "tiny")) == 0
    for again, first in zip(weights(uninterrupted), before):
        np.testing.assert_array_equal(again, first)


def test_overwrite_replaces_a_foreign_folder_but_this_same_run_resumes(uninterrupted, prepared,
                                                                       tmp_path, capsys):
    events = sorted(os.listdir(os.path.join(uninterrupted, "logs", "train")))
    capsys.readouterr()
    assert main(pretrain_args(prepared, uninterrupted, "--preset", "tiny", "--overwrite")) == 0
    out = capsys.readouterr().out
    assert f"Resuming {uninterrupted} at step {STEPS}" in out and "final epoch" not in out
    assert sorted(os.listdir(os.path.join(uninterrupted, "logs", "train"))) == events
    finetuned = tmp_path / "finetuned"  # What a fine-tuning result looks like.
    (finetuned / "model").mkdir(parents=True)
    (finetuned / "metrics.json").write_text("{}")
    assert main(pretrain_args(prepared, finetuned, "--preset", "tiny", "--overwrite")) == 0
    assert "metrics.json" not in os.listdir(finetuned)
    for replaced, straight in zip(weights(str(finetuned)), weights(uninterrupted)):
        np.testing.assert_array_equal(replaced, straight)  # a fresh run, not a mixed one


def test_init_from_starts_from_the_model_folder(uninterrupted, prepared, tmp_path):
    output = tmp_path / "continued"
    # A zero learning rate (weight decay is scaled by it too) leaves the weights as loaded;
    # the command line refuses it (a rate must be > 0), the library takes it.
    pretrain(prepared, str(output), steps=STEPS, batch_size=BATCH, checkpoint_every=EVERY,
             jit_compile=False, init_from=uninterrupted, learning_rate=0.0, verbose=0)
    assert load_config(str(output)) == load_config(uninterrupted)
    for continued, start in zip(weights(str(output)), weights(uninterrupted)):
        np.testing.assert_array_equal(continued, start)


def test_mixed_bfloat16_follows_the_float32_run_and_saves_float32(uninterrupted, prepared,
                                                                  tmp_path):
    output = tmp_path / "mixed"
    assert main(pretrain_args(prepared, output, "--preset", "tiny",
                              "--dtype", "mixed_bfloat16")) == 0
    mixed, full = weights(str(output)), weights(uninterrupted)
    floats = [(m, f) for m, f in zip(mixed, full) if f.dtype != np.int64]
    assert all(m.dtype == np.float32 for m, _ in floats)
    # Same seed, data and schedule; Adam moves a weight by at most ~lr a step, so the
    # runs stay within 2 x steps x lr of each other, yet bfloat16 makes them differ.
    gap = max(float(np.abs(m - f).max()) for m, f in floats)
    assert 0 < gap < 2 * STEPS * DEFAULT_LEARNING_RATES["tiny"], gap


def refusal(capsys, argv):
    assert main(argv) == 2
    message = capsys.readouterr().err.strip()
    assert len(message.splitlines()) == 1, message
    return message


def test_a_config_that_disagrees_with_the_data_is_refused(prepared, tmp_path, capsys):
    config_file = tmp_path / "config.json"
    ElectraConfig.preset("tiny", vocab_size=999).to_json(str(config_file))
    message = refusal(capsys, pretrain_args(prepared, tmp_path / "out", "--config",
                                            str(config_file)))
    assert "vocab_size=999" in message and "vocab_size=" in message
    assert not os.path.exists(tmp_path / "out")


def test_an_output_holding_another_run_is_refused(uninterrupted, prepared, capsys):
    message = refusal(capsys, pretrain_args(prepared, uninterrupted, "--preset", "tiny",
                                            "--seed", "1"))
    assert "another run" in message and "seed" in message
    message = refusal(capsys, pretrain_args(prepared, uninterrupted, "--preset", "small"))
    assert "config.generator_hidden_size" in message  # names the fields that differ


def test_bad_invocations_are_refused(prepared, tmp_path, capsys):
    assert "exactly one of" in refusal(capsys, pretrain_args(prepared, tmp_path / "a"))
    assert "exactly one of" in refusal(capsys, pretrain_args(
        prepared, tmp_path / "b", "--preset", "tiny", "--config", "x.json"))
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    assert "not empty" in refusal(capsys, pretrain_args(prepared, foreign, "--preset", "tiny"))
    assert "manifest.json" in refusal(capsys, pretrain_args(str(tmp_path), tmp_path / "c",
                                                            "--preset", "tiny"))


def test_refusals_name_the_flags_not_the_library_arguments(prepared, tmp_path, capsys):
    message = refusal(capsys, pretrain_args(prepared, tmp_path / "a", "--preset", "tiny",
                                            "--batch-size", "0"))
    assert "--batch-size: must be an integer >= 1" in message
    message = refusal(capsys, pretrain_args(prepared, tmp_path / "b", "--preset", "tiny",
                                            "--init-from", str(tmp_path)))
    assert "--preset, --config or --init-from (got --preset, --init-from)" in message
    assert not os.path.exists(tmp_path / "a") and not os.path.exists(tmp_path / "b")


def test_objective_option_flags_and_a_flop_budget(prepared, tmp_path, capsys):
    options = ("--whole-word-masking", "--disc-weight-warmup-steps", "7", "--disallow-original")
    step = pretraining_step_flops(pretraining_config(prepared, preset="tiny"), BATCH)["step"]
    output = tmp_path / "options"
    assert main(pretrain_args(prepared, output, "--preset", "tiny", *options,
                              "--steps", "2", "--budget-flops", str(2.5 * step))) == 0
    assert f"Compute: {step:.3g} FLOPs a step" in capsys.readouterr().out
    with open(os.path.join(output, "pretraining_flops.json")) as f:
        summary = json.load(f)
    assert summary["steps"] == 2 and summary["run_flops"] == pytest.approx(2 * step)
    config = load_config(str(output))
    assert (config.whole_word_masking, config.disc_weight_warmup_steps,
            config.disallow_original) == (True, 7, True)
    with open(os.path.join(prepared, "vocab.txt")) as f:
        pieces = [i for i, token in enumerate(f) if token.startswith("##")]
    assert pieces and load_pretrainer(str(output)).continuation_ids == pieces


def test_a_flop_budget_of_no_step_or_against_steps_is_refused(prepared, tmp_path, capsys):
    step = pretraining_step_flops(pretraining_config(prepared, preset="tiny"), BATCH)["step"]
    base = ["pretrain", "--data", prepared, "--preset", "tiny", "--batch-size", str(BATCH)]
    assert main([*base, "--output", str(tmp_path / "a"), "--budget-flops",
                 str(0.5 * step)]) == 2
    assert "--budget-flops" in capsys.readouterr().err.splitlines()[-1]
    assert main([*base, "--output", str(tmp_path / "b"), "--budget-flops", str(3.5 * step),
                 "--steps", "5"]) == 2
    line = capsys.readouterr().err.splitlines()[-1]
    assert "--steps 5 disagrees with --budget-flops" in line and "(3 steps" in line
    assert main([*base, "--output", str(tmp_path / "c")]) == 2
    assert "--steps or --budget-flops" in capsys.readouterr().err
    assert not any(os.listdir(tmp_path))  # refused before any folder was made
