"""The understanding model's learnt weights, kept on disk between processes.

Training is cheap (~0.5 s), but it needs scikit-learn, whose import alone costs a web process
about 3 s of start-up and tens of MB of memory it never uses again: serving needs only the
weights (``understand.Model.probabilities`` is plain Python). The first process to train
writes them here; every later one with the same inputs loads them in milliseconds, without
importing numpy, scipy or scikit-learn (about 12 MB a web worker: bench/README.md).

The key is a hash of everything the weights follow from: the training phrases, the source of
every module that makes the features (all of ``vocabulary/`` and ``core/``), and the versions
of scikit-learn and numpy that learnt them. A change to any of them makes a new key, so a
stale model is never loaded. A file is one line naming its format, one line of JSON (the
labels, the features in order, the biases, the weights' fixed-point shift and lane width),
then each feature's packed row of weights (``understand.Model``), in the features' order:
data only, no pickle (no code in a cache file can run), written atomically (a reader never
sees half a file). A cache that can't be read or written is skipped: the process trains, as
it would without one.

``SWITCHBOARD_MODEL_CACHE`` names the folder (default ``~/.cache/switchboard``); ``off`` turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterable

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


FORMAT = b"switchboard-model 1\n"


def load_or_train(make: Callable[[list[str]], "object"], train: Callable[[], "object"], name: str = "understanding",
                  names: Iterable[str] = ()):
    """The cached model for today's inputs, else ``train()`` (then cached for the next process).
    ``make(labels)`` builds an empty model to fill with the stored weights. ``names``: feature
    names another model already holds, whose strings the loaded model shares instead of
    keeping copies (the act model and the intent model share most of theirs: ~1 MB)."""
    where = folder()
    path = where / f"{name}-{key()}.model" if where else None
    if path is not None and path.is_file():
        try:
            return _read(path, make, names)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # unreadable: train, and write it anew below
    model = train()
    if path is not None:
        _write(path, model, name)
    return model


def _row_bytes(model) -> int:
    return -(-model.LANE * (len(model.labels) + 1) // 8)


def _read(path: Path, make, names: Iterable[str] = ()):
    data = path.read_bytes()
    if not data.startswith(FORMAT):
        raise ValueError("not a model file of this format")
    end = data.index(b"\n", len(FORMAT))
    head = json.loads(data[len(FORMAT):end])
    model = make([str(label) for label in head["labels"]])
    if head["lane"] != model.LANE or head["payload"] != model.PAYLOAD or len(head["bias"]) != len(model.labels):
        raise ValueError("another packing")
    size, features, rows = _row_bytes(model), head["features"], memoryview(data)[end + 1:]
    if len(rows) != size * len(features):
        raise ValueError("truncated")
    known = {name: name for name in names}
    features = [known.get(feature, feature) for feature in features]
    del known
    unpack = int.from_bytes
    model.rows = {feature: unpack(rows[i * size:(i + 1) * size], "little") for i, feature in enumerate(features)}
    model.bias = tuple(float(b) for b in head["bias"])
    model.shift = int(head["shift"])
    return model


def _write(path: Path, model, name: str = "understanding") -> None:
    features = list(model.rows)
    head = {"labels": model.labels, "features": features, "bias": list(model.bias), "shift": model.shift,
            "lane": model.LANE, "payload": model.PAYLOAD}
    size = _row_bytes(model)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-", suffix=".model")
    except OSError:
        return  # an unwritable folder: this process keeps what it trained
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(FORMAT + json.dumps(head).encode() + b"\n")
            out.write(b"".join(model.rows[f].to_bytes(size, "little") for f in features))
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


MODELS = ("understanding", "acts")  # vocabulary/understand.py's and vocabulary/act_model.py's names


def cached() -> bool:
    """Whether both models' weights for today's inputs are in the cache."""
    where = folder()
    if where is None:
        return False
    k = key()
    return all((where / f"{name}-{k}.model").is_file() for name in MODELS)


def warm(timeout: float = 300.0) -> bool:
    """Both models trained in a process of their own when the cache lacks them (gunicorn's master,
    once, before it starts its workers): a worker then loads the weights and never imports
    scikit-learn, numpy or scipy, whose memory would otherwise stay in every worker that trained
    (about 120 MB each: bench/README.md). True when the cache holds both afterwards."""
    if folder() is None or cached():
        return folder() is not None
    try:
        subprocess.run([sys.executable, "-m", "vocabulary.model_cache", "--build"], cwd=ROOT, timeout=timeout,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except (OSError, subprocess.SubprocessError):
        return False  # the workers train for themselves, as without a cache
    return cached()


def main(argv: list[str] | None = None) -> int:
    """``python -m vocabulary.model_cache --build``: train both models and cache their weights."""
    argv = sys.argv[1:] if argv is None else argv
    if argv != ["--build"]:
        print("usage: python -m vocabulary.model_cache --build", file=sys.stderr)
        return 2
    from vocabulary import act_model, understand

    understand.model()
    act_model.model()
    return 0 if cached() else 1


if __name__ == "__main__":  # pragma: no cover - run by warm() and by hand
    raise SystemExit(main())
