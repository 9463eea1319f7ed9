"""run.json: the settings a pre-training folder was started with, so a resume cannot mix runs.

A folder's checkpoints only continue the run that wrote them: resumed with another seed,
batch size or config, training would go on from weights and an optimizer state that the
new settings never produced. The first call writes the settings; later calls must match.

Example:
>>> resuming = check_or_write_run("runs/tiny", {"steps": 1000, "seed": 0})  # doctest: +SKIP
"""

import json
import os

from keras_electra.errors import UsageError

RUN_FILE = "run.json"


def check_or_write_run(output, settings):
    """Writes `output`/run.json; True when it was already there with these `settings`.

    Refuses a folder that holds a run with other settings (naming the fields that
    differ) and a non-empty folder without run.json (someone else's files).
    """
    path = os.path.join(output, RUN_FILE)
    if os.path.exists(path):
        with open(path) as f:
            previous = json.load(f)
        differences = _differences(previous, settings)
        if differences:
            raise UsageError(
                f"`output` {output} holds another run (its {RUN_FILE} differs in "
                f"{', '.join(differences[:4])}); use a new `output`, or the same "
                "settings to resume it."
            )
        return True
    if os.path.isdir(output) and os.listdir(output):
        raise UsageError(
            f"`output` {output} is not empty and holds no {RUN_FILE}; choose an "
            "empty or new folder."
        )
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
            names.append(f"{prefix}{key} ({a.get(key)!r} -> {b.get(key)!r})")
    return names
