"""Writing an output folder all at once: refused when it holds something else, staged
in a temporary sibling, renamed into place when complete.

What `prepare`, `convert`, `finetune` and `export` write goes through `staged_folder`:
a run that fails or is killed never leaves a half-written folder where the output
should be, and never mixes its files with an earlier folder's. A folder that is not
empty is refused unless `overwrite`; it is then replaced whole, only once the new one
is complete.

A staging folder is named for its writer, `.NAME.incomplete-HOST-PID-XXXX`: the next
run removes it only when that process is gone (a killed run's), and refuses to start
while it lives (two runs writing one folder would replace each other's result). A
folder of another host, whose process cannot be asked, is left for the user to remove.

`overwrite` never replaces (or, for `pretrain` and `demo`, empties) a folder whose loss
would not be the output's alone: the current folder or one above it, the home folder,
the filesystem root, or one holding, or lying inside, a path the run reads
(`check_replaceable`).

Example:
>>> with staged_folder("runs/sst2", overwrite=False) as staging:  # doctest: +SKIP
...     write_everything(staging)
"""

import contextlib
import os
import re
import shutil
import socket
import tempfile

import tensorflow as tf

from keras_electra.errors import UsageError

INCOMPLETE = ".incomplete-"


def check_output_folder(path, overwrite=False, argument="output", reads=()):
    """Refuses a `path` that is a file, or a non-empty folder unless `overwrite`.

    Also refuses one that another live run is writing (see `clear_stale_staging`),
    and a non-empty one that `overwrite` may not replace (see `check_replaceable`;
    `reads` are the (argument, path) pairs the run reads).
    """
    if "://" not in str(path):
        parent, name = os.path.split(os.path.abspath(path))
        clear_stale_staging(parent, f".{name}{INCOMPLETE}", path, argument)
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
    if names:
        check_replaceable(path, reads, argument)


def check_replaceable(path, reads=(), argument="output"):
    """Refuses to let `overwrite` delete the folder `path` when more than an output goes.

    Refused: the current folder or a folder above it, the home folder or one above it,
    the filesystem root, and a folder that holds, or lies inside, one of `reads`
    ((argument, path) pairs: what the run reads, deleted with the folder or from it).
    Paths are compared resolved (symbolic links, `..`), so another name for the same
    folder is caught too.
    """
    folder = _resolved(path)
    what = _shared_place(folder) if "://" not in folder else None
    if what:
        raise UsageError(
            f"`{argument}` {path} is {what}: `overwrite` would delete everything in it; "
            "choose a folder of its own."
        )
    for name, read in reads:
        inside = _resolved(read)
        if _within(inside, folder):
            raise UsageError(
                f"`{argument}` {path} holds the `{name}` {read}, which the run reads: "
                "`overwrite` would delete it; choose another folder."
            )
        if _within(folder, inside):
            raise UsageError(
                f"`{argument}` {path} lies inside the `{name}` {read}, which the run "
                "reads: `overwrite` would delete part of it; choose a folder outside it."
            )


def _shared_place(folder):
    """How a message names the resolved local `folder` if it is not an output's to lose."""
    if folder == os.path.dirname(folder):
        return "the filesystem root"
    for place, where in ((os.getcwd(), "the current folder"),
                         (os.path.expanduser("~"), "the home folder")):
        place = _resolved(place)
        if _within(place, folder):
            return where if place == folder else f"a folder above {where}"
    return None


def _resolved(path):
    path = os.fspath(path)
    return path.rstrip("/") if "://" in path else os.path.realpath(path)


def _within(path, folder):
    """`path` is `folder` or below it (both resolved)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def staging_prefix():
    """`INCOMPLETE` + this host and process: whose staging folder it is."""
    return f"{INCOMPLETE}{_host()}-{os.getpid()}-"


def _host():
    return re.sub(r"[^A-Za-z0-9.]", "_", socket.gethostname()) or "host"


def _writer(name, prefix):
    """(host, pid) of the run that made the staging folder `name`; None if unnamed."""
    match = re.fullmatch(re.escape(prefix) + r"([^-]+)-(\d+)-[^-]+", name)
    return (match[1], int(match[2])) if match else None


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # Another user's process: alive.
        return True
    return True


def clear_stale_staging(parent, prefix, path, argument="output", own=None):
    """Removes the staging folders `parent`/`prefix`* whose writer is gone.

    One whose process still runs (or runs on another host, or is this process) is
    left alone, and `path` refused: another run is writing it. `own`, the caller's
    staging folder, is skipped. Folders named before writers were named in them (no
    host and pid) are a killed older run's: removed.
    """
    if not os.path.isdir(parent):
        return
    live = []
    for name in sorted(os.listdir(parent)):
        if not name.startswith(prefix) or os.path.join(parent, name) == own:
            continue
        writer = _writer(name, prefix)
        if writer is None or (writer[0] == _host() and writer[1] != os.getpid()
                              and not _alive(writer[1])):
            shutil.rmtree(os.path.join(parent, name), ignore_errors=True)
        else:
            live.append((name, *writer))
    if live:
        name, host, pid = live[0]
        raise UsageError(
            f"`{argument}` {path} is being written by another run (process {pid} on "
            f"{host}, into {os.path.join(parent, name)}); wait for it to end, or "
            "choose another folder (if that run is gone, delete its folder)."
        )


@contextlib.contextmanager
def staged_folder(path, overwrite=False, argument="output", reads=()):
    """Yields a local folder that becomes `path` when the block succeeds.

    `path` is checked first by `check_output_folder` (with `overwrite` and `reads`).

    Local paths stage in a sibling (the same file system: one rename puts it in
    place); other tf.io.gfile URLs stage in a local temporary folder copied there at
    the end. On an error the staging folder is removed and `path` is left as it was.
    """
    check_output_folder(path, overwrite, argument, reads)
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
    staging = _staging_folder(parent, name)
    try:
        # After making ours: of two runs starting together, at least one sees the other.
        clear_stale_staging(parent, f".{name}{INCOMPLETE}", path, argument, own=staging)
    except UsageError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    previous = None
    if os.path.exists(path):
        previous = _staging_folder(parent, name)
        os.replace(path, os.path.join(previous, name))
    os.replace(staging, path)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)


def _staging_folder(parent, name):
    staging = tempfile.mkdtemp(prefix=f".{name}{staging_prefix()}", dir=parent)
    os.chmod(staging, 0o755)  # mkdtemp's 0700 would hide the result from others
    return staging


def copy_tree(source, destination):
    """Copies the local folder `source` to `destination`, local or any tf.io.gfile URL."""
    for folder, _, files in os.walk(source):
        relative = os.path.relpath(folder, source)
        # Not destination/./name: object stores (gs://, ram://) take "." literally.
        target = destination if relative == "." else os.path.join(destination, relative)
        tf.io.gfile.makedirs(target)
        for name in files:
            tf.io.gfile.copy(os.path.join(folder, name), os.path.join(target, name), overwrite=True)
