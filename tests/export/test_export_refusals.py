"""`keras-electra export` refuses what cannot work in one line, exit 2, writing nothing."""

import os
import shutil
import subprocess
import sys

import pytest

from conftest import export
from test_bad_inputs import checksums


def test_a_model_folder_without_what_is_refused(model_folder, tmp_path, capsys):
    out = str(tmp_path / "out")
    assert export(["--model", model_folder, "--output", out]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert "no fine-tuned head" in error and "--what" in error and "--model" in error
    assert not os.path.exists(out)


def test_a_task_has_no_discriminator(task_presets, tmp_path, capsys):
    assert export(["--model", task_presets["classifier"], "--what", "discriminator",
                   "--output", str(tmp_path / "out")]) == 2
    assert "no discriminator head" in capsys.readouterr().err


def test_a_finetune_output_stands_for_the_preset_in_its_model_folder(task_presets, tmp_path,
                                                                     capsys):
    """A finetune --output is exported as its model/ (served end to end in
    tests/finetune/test_finetune_command.py); here, what is refused names that preset."""
    run = tmp_path / "run"
    shutil.copytree(task_presets["classifier"], run / "model")
    (run / "metrics.json").write_text("{}\n")
    assert export(["--model", str(run), "--what", "discriminator",
                   "--output", str(tmp_path / "out")]) == 2
    assert f"{run / 'model'} is a fine-tuned task" in capsys.readouterr().err


def test_a_non_empty_output_is_kept_unless_overwrite(task_presets, exported, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert export(["--model", task_presets["classifier"], "--output", str(out)]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "--output" in error and "--overwrite" in error
    assert os.listdir(out) == ["keep.txt"]
    assert export(["--model", task_presets["classifier"], "--output", str(out),
                   "--overwrite"]) == 0
    assert sorted(os.listdir(out)) == sorted(os.listdir(exported["classifier"]))
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".")]  # no staging left


def test_a_failed_export_leaves_no_folder(task_presets, tmp_path, monkeypatch):
    import keras

    def fail(self, path, **kwargs):
        open(os.path.join(path, "saved_model.pb"), "w").close()  # half-written
        raise OSError("disk full")

    # The backend's class: ExportArchive() returns an instance of it.
    monkeypatch.setattr(type(keras.export.ExportArchive()), "write_out", fail)
    from keras_electra.export import export_saved_model

    with pytest.raises(OSError, match="disk full"):
        export_saved_model(task_presets["classifier"], str(tmp_path / "out"))
    assert os.listdir(tmp_path) == []


def test_saved_model_cli_lists_the_signatures(exported):
    cli = os.path.join(os.path.dirname(sys.executable), "saved_model_cli")
    result = subprocess.run([cli, "show", "--dir", exported["classifier"], "--all"],
                            capture_output=True, text=True, timeout=300)
    shown = result.stdout
    for text in ("signature_def['serving_default']", "signature_def['serve_ids']",
                 "inputs['text']", "outputs['probabilities']", "outputs['label']",
                 "inputs['token_ids']"):
        assert text in shown, (text, shown[-2000:], result.stderr[-2000:])


@pytest.mark.parametrize("argv,expected", [
    (["--model", "{foreign}"], "electra_config.json"),
    (["--model", "{nowhere}"], "is not a folder"),
    (["--model", "{model}", "--what", "encoder", "--sequence-length", "65"], "64 positions"),
    (["--model", "{model}", "--what", "discriminator", "--sequence-length", "2"],
     "--sequence-length"),
], ids=["not-a-model-folder", "no-folder", "past-positions", "too-short"])
def test_a_bad_model_or_length_is_one_line_leaving_the_model_as_it_was(
        model_folder, tmp_path, capsys, argv, expected):
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "notes.txt").write_text("mine\n")
    paths = {"model": model_folder, "foreign": str(tmp_path / "foreign"),
             "nowhere": str(tmp_path / "nowhere")}
    before = checksums(model_folder)
    out = str(tmp_path / "out")
    assert export([arg.format(**paths) for arg in argv] + ["--output", out]) == 2
    captured = capsys.readouterr()
    (error,) = [line for line in captured.err.splitlines() if "keras-electra" in line]
    assert error.startswith("keras-electra: error:") and expected in error, error
    assert "Traceback" not in captured.out + captured.err
    assert checksums(model_folder) == before
    assert sorted(os.listdir(tmp_path)) == ["foreign"]  # no output, no staging
