"""The understanding model's learnt weights, kept on disk between processes.

Training is cheap (~0.5 s), but it needs scikit-learn, whose import alone costs a web process
about 3 s of start-up and tens of MB of memory it never uses again: serving needs only the
weights (``understand.Model.probabilities`` is numpy). The first process to train writes
them here; every later one with the same inputs loads them in milliseconds.

The key is a hash of everything the weights follow from: the training phrases, the source of
every module that makes the features (all of ``vocabulary/`` and ``core/``), and the versions
of scikit-learn and numpy that learnt them. A change to any of them makes a new key, so a
stale model is never loaded. Files are ``.npz`` read with ``allow_pickle=False`` (no code in a
cache file can run), written atomically (a reader never sees half a file). A cache that can't
be read or written is skipped: the process trains, as it would without one.

``SWITCHBOARD_MODEL_CACHE`` names the folder (default ``~/.cache/switchboard``); ``off`` turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("vocabulary", "core")


def folder() -> Path | None:
    named = os.environ.get("SWITCHBOARD_MODEL_CACHE", "")
    if named.lower() == "off":
        return None
    if named:
        return Path(named)
    try:
        return Path.home() / ".cache" / "switchboard"
    except RuntimeError:  # no home directory to be found (a bare service account): no cache
        return None


def key() -> str:
    digest = hashlib.sha256()
    for package in SOURCES:
        for path in sorted((ROOT / package).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".tsv", ".txt"):
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    for dist in ("scikit-learn", "numpy"):
        try:
            digest.update(f"{dist}={metadata.version(dist)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{dist}=none\0".encode())
    return digest.hexdigest()[:32]


def load_or_train(make: Callable[[list[str]], "object"], train: Callable[[], "object"], name: str = "understanding"):
    """The cached model for today's inputs, else ``train()`` (then cached for the next process).
    ``make(labels)`` builds an empty model to fill with the stored weights."""
    import numpy as np

    where = folder()
    path = where / f"{name}-{key()}.npz" if where else None
    if path is not None and path.is_file():
        try:
            with np.load(path, allow_pickle=False) as stored:
                model = make([str(label) for label in stored["labels"]])
                model.index = {str(feature): i for i, feature in enumerate(stored["features"])}
                model.weights = np.ascontiguousarray(stored["weights"])
                model.bias = stored["bias"].copy()
            return model
        except (OSError, ValueError, KeyError):
            pass  # unreadable: train, and write it anew below
    model = train()
    if path is not None:
        _write(path, model, name)
    return model


def _write(path: Path, model, name: str = "understanding") -> None:
    import numpy as np

    features = sorted(model.index, key=model.index.__getitem__)  # each name at its column
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-", suffix=".npz")
    except OSError:
        return  # an unwritable folder: this process keeps what it trained
    try:
        with os.fdopen(fd, "wb") as out:
            np.savez(out, labels=np.array(model.labels), features=np.array(features),
                     weights=model.weights, bias=model.bias)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
