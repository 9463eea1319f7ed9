"""run.json: the settings a pre-training folder was started with, so a resume cannot mix runs.

A folder's checkpoints only continue the run that wrote them: resumed with another seed,
batch size or config, training would go on from weights and an optimizer state that the
new settings never produced. The first call writes the settings; later calls must match.

A pre-training folder is one that holds run.json; any other non-empty folder (a
fine-tuning result, a prepared dataset, a model folder from `convert`, someone's files)
is not ours and is refused, as is a run with other settings, unless `overwrite`: then
it is emptied and the run starts there afresh. A folder holding this very run resumes,
with or without `overwrite`.

Example:
>>> resuming = check_or_write_run("runs/tiny", {"steps": 1000, "seed": 0})  # doctest: +SKIP
"""

import json
import os
import shutil

from keras_electra.errors import DataError, UsageError
from keras_electra.json_file import read_json_object
from keras_electra.output_folder import check_replaceable

RUN_FILE = "run.json"
# Without its settings a run cannot be resumed (nor told from another): only replaced.
_UNREADABLE = ("the run in that folder cannot be resumed: pass `overwrite` to delete it "
               "and start afresh there, or choose another `output`")


def check_or_write_run(output, settings, overwrite=False, read_during_run=()):
    """Writes `output`/run.json; True when it was already there with these `settings`.

    Refuses a folder that holds a run with other settings (naming the fields that
    differ) and a non-empty folder without run.json (someone else's files), unless
    `overwrite`: it is then emptied first, but never when `check_replaceable`
    refuses it (the current or home folder, or one holding or inside one of the
    (argument, path) pairs `read_during_run`: the data, the `init_from` model). An
    unreadable run.json is refused naming it, or replaced with `overwrite`.
    """
    if os.path.isfile(output):
        raise UsageError(f"`output` {output} is a file, not a folder.")
    path = os.path.join(output, RUN_FILE)
    if os.path.exists(path):
        try:
            previous = read_json_object(path, _UNREADABLE)
        except DataError:
            if not overwrite:
                raise
            previous = {}  # No run to resume: replaced like any other folder.
        differences = _differences(previous, settings)
        if not differences:
            return True
        if not overwrite:
            raise UsageError(
                f"`output` {output} holds another run (its {RUN_FILE} differs in "
                f"{', '.join(differences[:4])}); use a new `output`, the same settings "
                "to resume it, or pass `overwrite` to replace it."
            )
    names = sorted(os.listdir(output)) if os.path.isdir(output) else []
    if names and not overwrite:
        raise UsageError(
            f"`output` {output} is not empty (it has {', '.join(names[:3])}"
            f"{', ...' if len(names) > 3 else ''}) and holds no pre-training run "
            f"({RUN_FILE}); choose another folder, or pass `overwrite` to replace it."
        )
    if names:
        check_replaceable(output, read_during_run)
        shutil.rmtree(output)
    os.makedirs(output, exist_ok=True)
    with open(path, "w") as f:
        json.dump(settings, f, indent=2, sort_keys=True)
    return False


def _differences(a, b, prefix=""):
    """Dotted names of the fields where nested dicts `a` and `b` differ, with both values."""
    names = []
    for key in sorted(set(a) | set(b)):
        if isinstance(a.get(key), dict) and isinstance(b.get(key), dict):
            names += _differences(a[key], b[key], f"{prefix}{key}.")
        elif a.get(key) != b.get(key):
            names.append(f"{prefix}{key} ({_short(a.get(key))} -> {_short(b.get(key))})")
    return names


def _short(value, limit=40):
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."
