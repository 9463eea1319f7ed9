"""Writing an output folder all at once: refused when it holds something else, staged
in a temporary sibling, renamed into place when complete.

What `convert` and `finetune` write goes through `staged_folder`: a run that fails or
is killed never leaves a half-written folder where the output should be, and never
mixes its files with an earlier folder's. A folder that is not empty is refused unless
`overwrite`; it is then replaced whole, only once the new one is complete. Staging
folders left by killed runs (`.NAME.incomplete-*`) are removed by the next run.

Example:
>>> with staged_folder("runs/sst2", overwrite=False) as staging:  # doctest: +SKIP
...     write_everything(staging)
"""

import contextlib
import os
import shutil
import tempfile

import tensorflow as tf

from keras_electra.errors import UsageError

INCOMPLETE = ".incomplete-"


def check_output_folder(path, overwrite=False, argument="output"):
    """Refuses a `path` that is a file, or a non-empty folder unless `overwrite`."""
    if not tf.io.gfile.exists(path):
        return
    if not tf.io.gfile.isdir(path):
        raise UsageError(f"`{argument}` {path} is a file, not a folder.")
    names = sorted(n.rstrip("/") for n in tf.io.gfile.listdir(path))
    if names and not overwrite:
        raise UsageError(
            f"`{argument}` {path} is not empty (it has {', '.join(names[:3])}"
            f"{', ...' if len(names) > 3 else ''}); choose a new folder, or pass "
            "`overwrite` to replace it."
        )


def _stale(parent, name):
    prefix = f".{name}{INCOMPLETE}"
    return [os.path.join(parent, n) for n in os.listdir(parent) if n.startswith(prefix)]


@contextlib.contextmanager
def staged_folder(path, overwrite=False, argument="output"):
    """Yields a local folder that becomes `path` when the block succeeds.

    Local paths stage in a sibling (the same file system: one rename puts it in
    place); other tf.io.gfile URLs stage in a local temporary folder copied there at
    the end. On an error the staging folder is removed and `path` is left as it was.
    """
    check_output_folder(path, overwrite, argument)
    if "://" in str(path):
        local = tempfile.mkdtemp(prefix="keras-electra-")
        try:
            yield local
            if tf.io.gfile.exists(path):
                tf.io.gfile.rmtree(path)
            copy_tree(local, path)
        finally:
            shutil.rmtree(local, ignore_errors=True)
        return
    path = os.path.abspath(path)
    parent, name = os.path.dirname(path), os.path.basename(path)
    os.makedirs(parent, exist_ok=True)
    for stale in _stale(parent, name):  # Left by a killed run.
        shutil.rmtree(stale, ignore_errors=True)
    staging = tempfile.mkdtemp(prefix=f".{name}{INCOMPLETE}", dir=parent)
    os.chmod(staging, 0o755)  # mkdtemp's 0700 would hide the result from others
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    previous = None
    if os.path.exists(path):
        previous = tempfile.mkdtemp(prefix=f".{name}{INCOMPLETE}old-", dir=parent)
        os.replace(path, os.path.join(previous, name))
    os.replace(staging, path)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)


def copy_tree(source, destination):
    """Copies the local folder `source` to `destination`, local or any tf.io.gfile URL."""
    for folder, _, files in os.walk(source):
        target = os.path.join(destination, os.path.relpath(folder, source))
        tf.io.gfile.makedirs(target)
        for name in files:
            tf.io.gfile.copy(os.path.join(folder, name), os.path.join(target, name), overwrite=True)
