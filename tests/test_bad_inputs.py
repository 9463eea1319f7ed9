"""A battery of bad inputs across the six verbs: each ends in one line and exit 2.

Every case asserts exit code 2, exactly one `keras-electra: error:` line and no other
line that is not a log line, no traceback, and every file the module set up (the
vocabulary, the prepared data, the model folder, the task data, the foreign folders,
another live run's staging folders) unchanged byte for byte. An --output holding what
the verb did not write (a fine-tuning result, a prepared dataset, a model folder,
another run, other files) is refused with a pointer to --overwrite; --overwrite itself
is refused for the current folder (each case runs in one of the module's folders, with
HOME another), a folder above it, the home folder, and a folder holding or inside
what the run reads (the root is tested on check_replaceable alone: a broken guard would
write a run there). A damaged JSON file a verb reads is named with what to do.
The set-up is shared by all cases, and every case fails in validation before any model
trains, so the whole battery takes seconds a case.
Two cases run the installed command in a real process: a bad flag (no traceback from
the process itself) and Ctrl-C (exit 130).
"""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import time

import pytest

from installed_command import installed_command
from synthetic_language import write_synthetic_corpus
from keras_electra.cli import main
from keras_electra.output_folder import INCOMPLETE, staging_prefix

PREFIX = "keras-electra: error:"
# Lines TensorFlow, absl and Keras print on their own (not our message).
# `vocab` reports its progress ("Counted ... words") on stderr too.
LOG_PREFIXES = ("WARNING", "I0000", "W0000", "E0000", "INFO", "warnings.warn", "  warnings",
                "Counted ")


@pytest.fixture(scope="module")
def world(tmp_path_factory, prepared):
    """Paths of good and bad inputs, made once for every case."""
    from keras_electra.config import ElectraConfig
    from keras_electra.data import read_manifest
    from keras_electra.interop.hf_checkpoint import export_hf
    from keras_electra.model_folder import save_model_folder
    from keras_electra.models.electra_pretrainer import ElectraPretrainer
    from keras_electra.training import pretraining_config

    root = tmp_path_factory.mktemp("bad_inputs")
    p = {"root": str(root), "data": prepared, "vocab": os.path.join(prepared, "vocab.txt")}
    p["corpus"] = write_synthetic_corpus(root / "corpus.txt")
    (root / "empty.txt").write_text("")
    p["empty"] = str(root / "empty.txt")
    (root / "binary.txt").write_bytes(b"caf\xe9 \xff\xfe text\n" * 20)
    p["binary"] = str(root / "binary.txt")
    vocab = open(p["vocab"], encoding="utf-8").read().splitlines()
    for name, lines in (("dupvocab", vocab + [vocab[20]]),
                        ("nomask", [t for t in vocab if t != "[MASK]"]),
                        ("emptyvocab", [])):
        (root / f"{name}.txt").write_text("\n".join(lines) + ("\n" if lines else ""))
        p[name] = str(root / f"{name}.txt")
    # Damaged copies of the prepared data.
    for name in ("truncdata", "missdata", "vsdata", "badmanifest", "countdata"):
        shutil.copytree(prepared, root / name)
        p[name] = str(root / name)
    shard = os.path.join(p["truncdata"], read_manifest(prepared)["shards"][0]["file"])
    os.truncate(shard, os.path.getsize(shard) // 2)
    os.remove(os.path.join(p["missdata"], read_manifest(prepared)["shards"][1]["file"]))
    for name, change in (("vsdata", lambda m: {**m, "vocab_size": m["vocab_size"] + 1}),
                         ("countdata", lambda m: {**m, "example_count": 1})):
        manifest = read_manifest(prepared)
        with open(os.path.join(p[name], "manifest.json"), "w") as f:
            json.dump(change(manifest), f)
    with open(os.path.join(p["badmanifest"], "manifest.json"), "w") as f:
        f.write("{not json")
    # A folder holding someone else's file, and configs of the wrong shape.
    (root / "foreign").mkdir()
    (root / "foreign" / "notes.txt").write_text("mine\n")
    p["foreign"] = str(root / "foreign")
    for name, text in (("list", "[1, 2]"), ("string", '{"hidden_size": "64"}'),
                       ("badjson", '{"hidden_size": 64'), ("unknown", '{"hiden_size": 64}'),
                       ("negative", '{"num_layers": -1}')):
        (root / f"{name}.json").write_text(text)
        p[name] = str(root / f"{name}.json")
    # A tiny model folder (untrained weights are enough to be refused correctly).
    config = pretraining_config(prepared, preset="tiny")
    pretrainer = ElectraPretrainer(config, seed=0)
    p["model"] = str(root / "model")
    save_model_folder(p["model"], config, pretrainer.discriminator, pretrainer.generator,
                      p["vocab"])
    shutil.copytree(p["model"], root / "badh5")
    p["badh5"] = str(root / "badh5")
    weights = os.path.join(p["badh5"], "model.weights.h5")
    os.truncate(weights, os.path.getsize(weights) // 3)
    (root / "noconfig").mkdir()
    (root / "noconfig" / "model.weights.h5").write_bytes(b"")
    p["noconfig"] = str(root / "noconfig")
    # A Hugging Face folder whose safetensors file is not one; a corrupt TF1 checkpoint.
    p["hf"] = str(root / "hf")
    export_hf(pretrainer.discriminator, p["hf"], config=config, vocab_file=p["vocab"])
    with open(os.path.join(p["hf"], "model.safetensors"), "r+b") as f:
        f.truncate(100)
    (root / "tf1").mkdir()
    (root / "tf1" / "model.ckpt.index").write_bytes(b"\x00garbage" * 10)
    (root / "tf1" / "model.ckpt.data-00000-of-00001").write_bytes(b"\x00" * 64)
    p["tf1"] = str(root / "tf1")
    # Folders a verb must not take for its own: a fine-tuning result, another
    # pre-training run, a demo-like folder whose model/ is no run, a model folder
    # beside other files (the pre-training run's `init_from` inside its --output).
    for name in ("finetuned/model", "finetuned/seed_0", "otherrun", "demolike/model"):
        (root / name).mkdir(parents=True)
    for name in ("finetuned/best_model.keras", "finetuned/seed_0/best_model.keras",
                 "finetuned/model/config.json", "demolike/model/config.json"):
        (root / name).write_text("{}")
    (root / "finetuned" / "metrics.json").write_text('{"task": "tsv"}')
    (root / "otherrun" / "run.json").write_text('{"seed": 7, "steps": 9}')
    shutil.copytree(p["model"], root / "holder" / "model")
    for name in ("finetuned", "otherrun", "demolike", "holder"):
        p[name] = str(root / name)
    # What --overwrite must never delete: the current folder (`here`, a case's working
    # folder, inside `above`), the home folder, what the run reads or lies inside.
    # `holder`'s model folder holds an old output; `corpdir` a corpus and a vocabulary.
    for name in ("above/here/notes.txt", "above/notes.txt", "home/notes.txt",
                 "holder/model/old/notes.txt", "corpdir/old/notes.txt"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("mine\n")
    p.update(here=str(root / "above" / "here"), home=str(root / "home"),
             corpdir=str(root / "corpdir"), configholder=str(root / "configholder"))
    os.symlink(root / "holder", root / "holderlink")  # Another name for `holder`.
    p["holderlink"] = str(root / "holderlink")
    shutil.copy(p["corpus"], root / "corpdir")
    shutil.copy(p["vocab"], root / "corpdir")
    (root / "configholder").mkdir()
    (root / "configholder" / "tiny.json").write_text('{"hidden_size": 64, "num_layers": 1}')
    # Damaged JSON a verb reads from a folder, and demo folders made with other flags
    # (or none recorded: an older demo's).
    for name, file, text in (("badrun", "run.json", '{"seed": 7,'),
                             ("listrun", "run.json", "[]"),
                             ("badsidecar", "vocab.txt.json", "{"),
                             ("badhf", "config.json", '{"model_type": "electra"'),
                             ("listhf", "config.json", "[]"),
                             ("badconfig", "electra_config.json", '{"hidden_size": 6'),
                             ("badtask", "task.json", "{"),
                             ("baddemo", "demo.json", "{"),
                             ("demo3", "demo.json", '{"corpus_mb": 3.0, "vocab_size": 2000}')):
        (root / name).mkdir(exist_ok=True)
        (root / name / file).write_text(text)
        p[name] = str(root / name)
    shutil.copy(p["vocab"], root / "badsidecar")
    (root / "olddemo").mkdir()
    p["olddemo"] = str(root / "olddemo")
    for name in ("baddemo", "demo3", "olddemo"):
        for file in ("corpus.txt", "vocab.txt"):
            (root / name / file).write_text("made by an earlier demo\n")
    # Outputs another live run is writing now (its staging folder, named for the
    # process that started these tests).
    (root / "busy").mkdir()
    live = staging_prefix().replace(f"-{os.getpid()}-", f"-{os.getppid()}-")
    for name in ("data", "out"):
        (root / "busy" / f".{name}{live}abc123").mkdir()
        (root / "busy" / f".{name}{live}abc123" / "part.txt").write_text("being written")
    p["busy"] = str(root / "busy")
    # Sentence classification TSVs: good ones, one with a tab inside a sentence.
    words = ["good film", "bad film", "great plot", "dull plot"]
    rows = "".join(f"{w}\t{'pos' if i % 2 == 0 else 'neg'}\n" for i, w in enumerate(words * 4))
    for name, dev in (("tsv", "sentence\tlabel\n" + rows),
                      ("tabtsv", "sentence\tlabel\n" + rows + "a good\tfilm\tpos\n"),
                      ("noheader", rows)):
        (root / name).mkdir()
        (root / name / "train.tsv").write_text(("" if name == "noheader" else
                                                "sentence\tlabel\n") + rows)
        (root / name / "dev.tsv").write_text(dev)
        p[name] = str(root / name)
    return p


def checksums(root):
    sums = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                sums[path] = hashlib.sha256(f.read()).hexdigest()
    return sums


def _pretrain(*extra, data="{data}", output="{new}"):
    return ["pretrain", "--data", data, "--steps", "2", "--batch-size", "4",
            "--output", output, "--no-jit", *extra]


def _pretrain_into(output, *extra):
    return _pretrain("--preset", "tiny", *extra, output=output)


def _finetune(*extra, data="{tsv}", model="{model}", output="{new}"):
    return ["finetune", "--task", "tsv", "--data-dir", data, "--model", model,
            "--output", output, "--epochs", "1", *extra]


def _prepare(*extra, vocab="{vocab}", inputs="{corpus}", output="{new}"):
    return ["prepare", "--input", inputs, "--vocab", vocab, "--output", output,
            "--workers", "1", "--quiet", *extra]


def _vocab(*extra, inputs="{corpus}", output="{new}.txt"):
    return ["vocab", "--input", inputs, "--vocab-size", "100", "--output", output, *extra]


# (case id, argv, a piece of the expected message).
CASES = [
    # The command itself.
    ("no-verb", [], "required"),
    ("unknown-verb", ["train"], "invalid choice"),
    ("unknown-flag", _vocab("--bogus"), "unrecognized arguments"),
    # vocab
    ("vocab-missing-input", _vocab(inputs="{root}/nothing.txt"), "nothing.txt"),
    ("vocab-glob-matches-nothing", _vocab(inputs="{root}/*.none"), ".none"),
    ("vocab-empty-input", _vocab(inputs="{empty}"), "empty"),
    ("vocab-binary-input", _vocab(inputs="{binary}"), "UTF-8"),
    ("vocab-size-zero", _vocab("--vocab-size", "0"), "--vocab-size"),
    ("vocab-size-negative", _vocab("--vocab-size", "-5"), "--vocab-size"),
    ("vocab-size-text", _vocab("--vocab-size", "many"), "--vocab-size"),
    ("vocab-output-existing", _vocab(output="{vocab}"), "--overwrite"),
    ("vocab-output-folder", _vocab(output="{foreign}"), "is a folder"),
    # prepare
    ("prepare-missing-vocab", _prepare(vocab="{root}/none.txt"), "none.txt"),
    ("prepare-duplicate-vocab-line", _prepare(vocab="{dupvocab}"), "twice"),
    ("prepare-vocab-without-mask", _prepare(vocab="{nomask}"), "[MASK]"),
    ("prepare-empty-vocab", _prepare(vocab="{emptyvocab}"), "empty"),
    ("prepare-length-absurd", _prepare("--max-seq-length", "100000"), "512"),
    ("prepare-length-zero", _prepare("--max-seq-length", "0"), "--max-seq-length"),
    ("prepare-length-too-short", _prepare("--max-seq-length", "3"), "--max-seq-length"),
    ("prepare-shards-zero", _prepare("--num-shards", "0"), "--num-shards"),
    ("prepare-workers-zero", _prepare("--workers", "0"), "--workers"),
    ("prepare-output-foreign", _prepare(output="{foreign}"), "--overwrite"),
    ("prepare-output-other-dataset", _prepare("--max-seq-length", "64", output="{data}"),
     "different dataset"),
    ("prepare-output-fine-tuning-result", _prepare(output="{finetuned}"), "--overwrite"),
    ("prepare-output-is-a-file", _prepare(output="{corpus}"), "is a file"),
    ("prepare-output-being-written", _prepare(output="{busy}/data"), "another run"),
    ("prepare-missing-input", _prepare(inputs="{root}/nothing.txt"), "nothing.txt"),
    ("prepare-empty-input", _prepare(inputs="{empty}"), "empty"),
    ("prepare-binary-input", _prepare(inputs="{binary}"), "UTF-8"),
    # pretrain: flags
    ("pretrain-lr-nan", _pretrain("--preset", "tiny", "--learning-rate", "nan"), "--learning-rate"),
    ("pretrain-lr-negative", _pretrain("--preset", "tiny", "--learning-rate", "-1"),
     "--learning-rate"),
    ("pretrain-lr-inf", _pretrain("--preset", "tiny", "--learning-rate", "inf"), "--learning-rate"),
    ("pretrain-lr-zero", _pretrain("--preset", "tiny", "--learning-rate", "0"), "--learning-rate"),
    ("pretrain-steps-zero", _pretrain("--preset", "tiny", "--steps", "0"), "--steps"),
    ("pretrain-batch-zero", _pretrain("--preset", "tiny", "--batch-size", "0"), "--batch-size"),
    ("pretrain-warmup-negative", _pretrain("--preset", "tiny", "--warmup-steps", "-1"),
     "--warmup-steps"),
    ("pretrain-checkpoint-every-zero", _pretrain("--preset", "tiny", "--checkpoint-every", "0"),
     "--checkpoint-every"),
    ("pretrain-no-model", _pretrain(), "exactly one"),
    ("pretrain-two-models", _pretrain("--preset", "tiny", "--config", "{list}"), "exactly one"),
    ("pretrain-unknown-preset", _pretrain("--preset", "huge"), "invalid choice"),
    # pretrain: configs
    ("pretrain-config-list", _pretrain("--config", "{list}"), "JSON list"),
    ("pretrain-config-string-field", _pretrain("--config", "{string}"), "hidden_size"),
    ("pretrain-config-bad-json", _pretrain("--config", "{badjson}"), "not valid JSON"),
    ("pretrain-config-unknown-field", _pretrain("--config", "{unknown}"), "hiden_size"),
    ("pretrain-config-negative-field", _pretrain("--config", "{negative}"), "num_layers"),
    ("pretrain-config-missing", _pretrain("--config", "{root}/none.json"), "none.json"),
    ("pretrain-init-from-not-a-model", _pretrain("--init-from", "{noconfig}"), "noconfig"),
    # pretrain: data
    ("pretrain-truncated-shard", _pretrain("--preset", "tiny", data="{truncdata}"), "bytes"),
    ("pretrain-missing-shard", _pretrain("--preset", "tiny", data="{missdata}"), "missing"),
    ("pretrain-manifest-vocab-size", _pretrain("--preset", "tiny", data="{vsdata}"),
     "vocab_size"),
    ("pretrain-manifest-example-count", _pretrain("--preset", "tiny", data="{countdata}"),
     "example_count"),
    ("pretrain-manifest-bad-json", _pretrain("--preset", "tiny", data="{badmanifest}"),
     "not valid JSON"),
    ("pretrain-data-not-prepared", _pretrain("--preset", "tiny", data="{foreign}"),
     "manifest.json"),
    ("pretrain-data-missing", _pretrain("--preset", "tiny", data="{root}/nowhere"),
     "manifest.json"),
    # pretrain: --output (its own folder holds run.json; anything else is refused)
    ("pretrain-output-foreign", _pretrain_into("{foreign}"), "--overwrite"),
    ("pretrain-output-fine-tuning-result", _pretrain_into("{finetuned}"), "--overwrite"),
    ("pretrain-output-prepared-dataset", _pretrain_into("{data}"), "holds no pre-training run"),
    ("pretrain-output-model-folder", _pretrain_into("{model}"), "--overwrite"),
    ("pretrain-output-another-run", _pretrain_into("{otherrun}"), "another run"),
    ("pretrain-output-is-a-file", _pretrain_into("{corpus}"), "is a file"),
    ("pretrain-overwrite-would-delete-the-data", _pretrain_into("{data}", "--overwrite"),
     "--data"),
    ("pretrain-overwrite-would-delete-init-from",
     _pretrain("--init-from", "{holder}/model", "--overwrite", output="{holder}"),
     "--init-from"),
    # finetune
    ("finetune-epochs-zero", _finetune("--epochs", "0"), "--epochs"),
    ("finetune-epochs-negative", _finetune("--epochs", "-1"), "--epochs"),
    ("finetune-length-zero", _finetune("--max-seq-length", "0"), "--max-seq-length"),
    ("finetune-length-past-positions", _finetune("--max-seq-length", "10000"), "positions"),
    ("finetune-lr-nan", _finetune("--learning-rate", "nan"), "--learning-rate"),
    ("finetune-lr-negative", _finetune("--learning-rate", "-1"), "--learning-rate"),
    ("finetune-decay-zero", _finetune("--layerwise-decay", "0"), "--layerwise-decay"),
    ("finetune-decay-above-one", _finetune("--layerwise-decay", "2"), "--layerwise-decay"),
    ("finetune-seeds-zero", _finetune("--seeds", "0"), "--seeds"),
    ("finetune-batch-zero", _finetune("--batch-size", "0"), "--batch-size"),
    ("finetune-unknown-task", ["finetune", "--task", "mystery", "--data-dir", "{tsv}",
                               "--model", "{model}", "--output", "{new}"], "invalid choice"),
    ("finetune-model-missing", _finetune(model="{root}/nowhere"), "nowhere"),
    ("finetune-model-not-a-model", _finetune(model="{foreign}"), "foreign"),
    ("finetune-model-truncated-weights", _finetune(model="{badh5}"), "model.weights.h5"),
    ("finetune-data-missing", _finetune(data="{root}/nowhere"), "nowhere"),
    ("finetune-tab-inside-sentence", _finetune(data="{tabtsv}"), "line 18"),
    ("finetune-tsv-without-header", _finetune(data="{noheader}"), "header"),
    ("finetune-output-is-a-model-folder", _finetune(output="{model}"), "not empty"),
    ("finetune-output-foreign", _finetune(output="{foreign}"), "not empty"),
    ("finetune-output-being-written", _finetune(output="{busy}/out"), "another run"),
    # convert
    ("convert-hf-not-safetensors", ["convert", "--from", "hf", "--input", "{hf}", "--output",
                                    "{new}"], "model.safetensors"),
    ("convert-hf-missing", ["convert", "--from", "hf", "--input", "{root}/nowhere",
                            "--output", "{new}"], "nowhere"),
    ("convert-hf-not-a-folder", ["convert", "--from", "hf", "--input", "{foreign}",
                                 "--output", "{new}"], "config.json"),
    ("convert-hf-with-config", ["convert", "--from", "hf", "--input", "{hf}", "--output",
                                "{new}", "--config", "{list}"], "--config"),
    ("convert-tf1-corrupt", ["convert", "--from", "tf1", "--input", "{tf1}/model.ckpt",
                             "--output", "{new}"], "model.ckpt"),
    ("convert-tf1-missing", ["convert", "--from", "tf1", "--input", "{root}/none.ckpt",
                             "--output", "{new}"], "none.ckpt"),
    ("convert-tf1-config-list", ["convert", "--from", "tf1", "--input", "{tf1}/model.ckpt",
                                 "--output", "{new}", "--config", "{list}"], "list"),
    ("convert-output-is-a-model-folder", ["convert", "--from", "hf", "--input", "{hf}",
                                          "--output", "{model}"], "not empty"),
    ("convert-output-being-written", ["convert", "--from", "hf", "--input", "{hf}",
                                      "--output", "{busy}/out"], "another run"),
    ("convert-unknown-source", ["convert", "--from", "onnx", "--input", "{hf}", "--output",
                                "{new}"], "invalid choice"),
    # --overwrite never deletes more than an output: not the current folder (the cases
    # run in `here`), one above it, the home folder, the root, nor what the run reads.
    ("pretrain-overwrite-current-folder", _pretrain_into(".", "--overwrite"),
     "--output . is the current folder"),
    ("pretrain-overwrite-above-current-folder", _pretrain_into("..", "--overwrite"),
     "a folder above the current folder"),
    ("pretrain-overwrite-home-folder", _pretrain_into("{home}", "--overwrite"),
     "is the home folder"),
    ("pretrain-overwrite-would-delete-the-config",
     _pretrain("--config", "{configholder}/tiny.json", "--overwrite", output="{configholder}"),
     "holds the --config"),
    ("pretrain-overwrite-inside-init-from",
     _pretrain("--init-from", "{holder}/model", "--overwrite", output="{holder}/model/old"),
     "lies inside the --init-from"),
    ("demo-overwrite-current-folder", ["demo", "--output", ".", "--overwrite"],
     "--output . is the current folder"),
    ("demo-overwrite-home-folder", ["demo", "--output", "{home}", "--overwrite"],
     "is the home folder"),
    ("prepare-overwrite-above-current-folder", _prepare("--overwrite", output=".."),
     "a folder above the current folder"),
    ("prepare-overwrite-would-delete-the-input",
     _prepare("--overwrite", inputs="{corpdir}/corpus.txt", output="{corpdir}"),
     "holds the --input"),
    ("prepare-overwrite-would-delete-the-vocab",
     _prepare("--overwrite", vocab="{corpdir}/vocab.txt", output="{corpdir}"),
     "holds the --vocab"),
    ("prepare-overwrite-inside-the-input",
     _prepare("--overwrite", inputs="{corpdir}", output="{corpdir}/old"),
     "lies inside the --input"),
    ("finetune-overwrite-current-folder", _finetune("--overwrite", output="."),
     "is the current folder"),
    ("finetune-overwrite-would-delete-the-model",
     _finetune("--overwrite", model="{holder}/model", output="{holder}"), "holds the --model"),
    ("finetune-overwrite-model-through-a-link",
     _finetune("--overwrite", model="{holder}/model", output="{holderlink}"),
     "holds the --model"),
    ("finetune-overwrite-inside-the-model",
     _finetune("--overwrite", model="{holder}/model", output="{holder}/model/old"),
     "lies inside the --model"),
    ("convert-overwrite-would-delete-the-input",
     ["convert", "--from", "hf", "--input", "{holder}/model", "--output", "{holder}",
      "--overwrite"], "holds the --input"),
    ("export-overwrite-would-delete-the-model",
     ["export", "--model", "{holder}/model", "--what", "encoder", "--output", "{holder}",
      "--overwrite"], "holds the --model"),
    ("export-overwrite-home-folder",
     ["export", "--model", "{model}", "--what", "encoder", "--output", "{home}", "--overwrite"],
     "is the home folder"),
    # A damaged JSON file a verb reads is named, with what to do.
    ("pretrain-output-run-json-corrupt", _pretrain_into("{badrun}"), "badrun/run.json is not valid JSON"),
    ("pretrain-output-run-json-list", _pretrain_into("{listrun}"), "run.json holds a JSON list"),
    ("prepare-output-manifest-corrupt", _prepare(output="{badmanifest}"),
     "badmanifest/manifest.json is not valid JSON"),
    ("prepare-vocab-settings-corrupt", _prepare(vocab="{badsidecar}/vocab.txt"),
     "vocab.txt.json is not valid JSON"),
    ("convert-hf-config-corrupt", ["convert", "--from", "hf", "--input", "{badhf}", "--output",
                                   "{new}"], "badhf/config.json is not valid JSON"),
    ("convert-hf-config-list", ["convert", "--from", "hf", "--input", "{listhf}", "--output",
                                "{new}"], "config.json holds a JSON list"),
    ("finetune-model-config-corrupt", _finetune(model="{badconfig}"), "electra_config.json"),
    ("export-task-json-corrupt", ["export", "--model", "{badtask}", "--output", "{new}"],
     "badtask/task.json is not valid JSON"),
    ("demo-record-corrupt", ["demo", "--output", "{baddemo}"], "demo.json is not valid JSON"),
    # demo: a corpus and vocabulary made with other flags are not reused.
    ("demo-corpus-mb-changed", ["demo", "--output", "{demo3}", "--corpus-mb", "1"],
     "--corpus-mb 3.0 (not 1.0)"),
    ("demo-vocab-size-changed", ["demo", "--output", "{demo3}", "--vocab-size", "500"],
     "--vocab-size 2000 (not 500)"),
    ("demo-flags-not-recorded", ["demo", "--output", "{olddemo}"], "not recorded"),
    # demo (all refused while parsing or before the corpus is written)
    ("demo-minutes-negative", ["demo", "--output", "{new}", "--minutes", "-1"], "--minutes"),
    ("demo-minutes-zero", ["demo", "--output", "{new}", "--minutes", "0"], "--minutes"),
    ("demo-corpus-zero", ["demo", "--output", "{new}", "--corpus-mb", "0"], "--corpus-mb"),
    ("demo-corpus-nan", ["demo", "--output", "{new}", "--corpus-mb", "nan"], "--corpus-mb"),
    ("demo-steps-zero", ["demo", "--output", "{new}", "--steps", "0"], "--steps"),
    ("demo-dropout-one", ["demo", "--output", "{new}", "--dropout", "1.5"], "--dropout"),
    ("demo-vocab-size-zero", ["demo", "--output", "{new}", "--vocab-size", "0"], "--vocab-size"),
    ("demo-lr-nan", ["demo", "--output", "{new}", "--learning-rate", "nan"], "--learning-rate"),
    ("demo-output-foreign", ["demo", "--output", "{foreign}"], "notes.txt"),
    ("demo-output-fine-tuning-result", ["demo", "--output", "{finetuned}"], "--overwrite"),
    ("demo-output-prepared-dataset", ["demo", "--output", "{data}"], "manifest.json"),
    ("demo-output-model-not-a-run", ["demo", "--output", "{demolike}"], "model without run.json"),
    ("demo-output-is-a-file", ["demo", "--output", "{corpus}"], "is a file"),
]


def outcome(capsys, argv):
    try:
        code = main(argv)
    except SystemExit as e:  # argparse
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def deletions(world, tmp_path, monkeypatch):
    """Runs a case in `here` with HOME at `home`; lists what it tried to delete.

    shutil.rmtree deletes only staging folders and what is under the case's tmp_path:
    anything else is recorded, not deleted (so a broken guard cannot empty the root).
    """
    monkeypatch.chdir(world["here"])
    monkeypatch.setenv("HOME", world["home"])
    tried, rmtree = [], shutil.rmtree

    def guarded_rmtree(path, *args, **kwargs):
        path = str(path)
        if INCOMPLETE in os.path.basename(path) or path.startswith(str(tmp_path)):
            return rmtree(path, *args, **kwargs)
        tried.append(path)

    monkeypatch.setattr(shutil, "rmtree", guarded_rmtree)
    return tried


@pytest.mark.parametrize("argv,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_bad_input_is_one_line_and_exit_2(world, capsys, tmp_path, deletions, argv,
                                            expected):
    paths = {**world, "new": str(tmp_path / "new")}
    argv = [arg.format(**paths) for arg in argv]
    before = checksums(world["root"]), checksums(world["data"])
    code, out, err = outcome(capsys, argv)
    errors = [line for line in err.splitlines() if line.startswith(PREFIX)]
    others = [line for line in err.splitlines()
              if line.strip() and not line.startswith(PREFIX) and not line.startswith(LOG_PREFIXES)]
    assert code == 2, (out, err)
    assert len(errors) == 1 and not others, err
    assert "Traceback" not in out + err
    assert expected in errors[0], errors[0]
    assert (checksums(world["root"]), checksums(world["data"])) == before
    assert not [n for n in os.listdir(world["root"]) if "incomplete" in n]
    assert not deletions


@pytest.mark.parametrize("verb", ["pretrain", "demo", "prepare", "finetune"])
def test_a_refused_overwrite_deletes_nothing(world, capsys, tmp_path, monkeypatch, verb):
    """--overwrite of the current folder, here a finished run's, leaves every file."""
    for name in ("run.json", "checkpoints/ckpt.weights.h5", "logs/train/events", "notes.txt"):
        (tmp_path / "run" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "run" / name).write_text(name)
    monkeypatch.chdir(tmp_path / "run")
    rmtree = []
    monkeypatch.setattr(shutil, "rmtree", lambda path, *a, **k: rmtree.append(path))
    before = checksums(tmp_path)
    argv = {"pretrain": _pretrain_into(".", "--overwrite"),
            "demo": ["demo", "--output", ".", "--overwrite"],
            "prepare": _prepare("--overwrite", output="."),
            "finetune": _finetune("--overwrite", output=".")}[verb]
    code, _, err = outcome(capsys, [arg.format(**world) for arg in argv])
    assert code == 2 and "the current folder" in err, err
    assert checksums(tmp_path) == before and not rmtree


def test_a_damaged_serving_json_is_named(tmp_path):
    from keras_electra.errors import DataError
    from keras_electra.export import read_serving_settings

    (tmp_path / "serving.json").write_text('{"labels": ["neg",')
    with pytest.raises(DataError, match="serving.json is not valid JSON.*fine-tune again"):
        read_serving_settings(str(tmp_path))


def test_the_installed_command_prints_no_traceback(world, tmp_path):
    result = subprocess.run(
        [installed_command(), "pretrain", "--data", world["data"], "--config", world["string"],
         "--steps", "2", "--batch-size", "4", "--output", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith(PREFIX)]
    assert len(errors) == 1 and "hidden_size" in errors[0], result.stderr


def test_ctrl_c_is_exit_130_without_a_traceback(world, tmp_path):
    process = subprocess.Popen(
        [installed_command(), "demo", "--output", str(tmp_path / "demo"), "--steps", "100000"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    time.sleep(15)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err[-2000:]
    assert "Traceback" not in err and "keras-electra: interrupted." in err


def test_finetune_debug_shows_the_traceback(world, tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_ELECTRA_DEBUG", "1")
    with pytest.raises(ValueError, match="epochs|nowhere"):
        main(["finetune", "--task", "tsv", "--data-dir", os.path.join(world["root"], "nowhere"),
              "--model", world["model"], "--output", str(tmp_path / "o")])
