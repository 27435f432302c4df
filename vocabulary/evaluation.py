"""The held-out evaluation of understanding (vocabulary/understand.py), in one place: the set's
path, how an utterance's outcome is read, and the report — per intent, language, kind and
round, and how many near misses would be sent to a change they do not name. The test suite
(tests/test_understanding.py), the bench (bench/understanding.py) and ``switchboard phrases
check`` all use it.

``evaluate(model)`` measures any trained model (``understand.train(rows)``) without touching
the process's own: ``switchboard phrases check FILE`` measures the phrases with and without
FILE's rows.
"""

from __future__ import annotations

import collections
import contextlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from core import languages
from vocabulary import understand as u

ROOT = Path(__file__).resolve().parent.parent
# The held-out set, never trained on (a larger one may replace it: change it here only).
HELD_OUT = ROOT / "tests" / "data" / "understanding_eval.tsv"
KINDS = ("para", "typo", "short", "speech", "near")
FIX_JOURNEYS = {"reactivate": "reactivate", "change_number": "change_number", "block_spam": "block"}
_swap = threading.Lock()


def rows(path: Path = HELD_OUT) -> list[tuple[str, str, str, str, str]]:
    """(lang, label, kind, round, text) of the held-out set."""
    found = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            parts = line.split("\t")
            if len(parts) != 5 or parts[0] not in u.LANGUAGES or parts[2] not in KINDS:
                raise ValueError(f"{path.name} line {n}: want lang<TAB>label<TAB>kind<TAB>round<TAB>text")
            found.append(tuple(parts))
    return found


def outcome(got: u.Understanding) -> str:
    """What the caller meets: the journey label, ``cancel`` for "which: a plan or the line?",
    ``clarify`` for any other question back, ``unclear`` for "sorry, we didn't get that"."""
    if got.sure:
        return got.label
    if got.how == "clarify":
        return "cancel" if got.intent.slot("options") == [[name, {}] for name in u.VAGUE_CANCEL] else "clarify"
    return "unclear"


def reached(intent) -> str | None:
    """The change journey an intent starts at once (a question back starts none)."""
    if intent.kind != "journey":
        return None
    if intent.value == "troubleshoot":
        return FIX_JOURNEYS.get(intent.slot("fix"))
    return intent.value if intent.value in u.CHANGES.values() else None


@dataclass
class Report:
    totals: collections.Counter = field(default_factory=collections.Counter)
    hits: collections.Counter = field(default_factory=collections.Counter)
    misses: list[str] = field(default_factory=list)
    missed: dict[tuple[str, str], str] = field(default_factory=dict)  # (lang, text) -> its line in misses
    destructive: list[str] = field(default_factory=list)  # routed to a change it does not name
    near_changes: list[str] = field(default_factory=list)  # of them, the near misses

    @property
    def accuracy(self) -> float:
        return self.hits["all"] / self.totals["all"] if self.totals["all"] else 0.0

    def rate(self, key) -> float:
        return self.hits[key] / self.totals[key] if self.totals[key] else 0.0

    def keys(self) -> list:
        return sorted(k for k in self.totals if k != "all")


@contextlib.contextmanager
def using(model: u.Model | None) -> Iterator[None]:
    """``understand`` with this model for the block (None: the process's own)."""
    if model is None:
        yield
        return
    with _swap:
        before = u._model
        u._model = model
        try:
            yield
        finally:
            u._model = before


def evaluate(model: u.Model | None = None, data: Iterable | None = None) -> Report:
    report = Report()
    with using(model):
        for lang, label, kind, round_, text in (data if data is not None else rows()):
            got = u.understand(text, lang)
            seen = outcome(got)
            ok = seen == label or (label == "none" and seen == "unclear")
            for key in ("all", ("intent", label), ("lang", lang), ("kind", kind), ("round", round_)):
                report.totals[key] += 1
                report.hits[key] += ok
            if not ok:
                report.misses.append(f"  {lang} {label:24} {kind:6} → {seen:24} {got.score:.2f} "
                                     f"(runner-up {got.runner_up}): {text}")
                report.missed[(lang, text)] = report.misses[-1]
            change = reached(got.intent)
            if change and change != u.CHANGES.get(label):
                report.destructive.append(f"  {lang} {label} → {change}: {text}")
                if kind == "near":
                    report.near_changes.append(f"  {lang} {label} → {change}: {text}")
    return report


def refusals(before: Report, after: Report) -> list[str]:
    """Why rows that changed the evaluation from ``before`` to ``after`` are refused (none: ok):
    lower accuracy, overall or for any intent or language; a near miss (or any utterance)
    newly sent to a change it does not name."""
    why = ["overall accuracy drops"] if after.accuracy < before.accuracy else []
    why += [f"{key[0]} {key[1]} drops" for key in before.keys()
            if key[0] in ("intent", "lang") and after.rate(key) < before.rate(key)]
    why += [f"a near miss gets a change proposed: {x.strip()}" for x in after.near_changes
            if x not in before.near_changes]
    why += [f"sent to a change it does not name: {x.strip()}" for x in after.destructive
            if x not in before.destructive and x not in after.near_changes]
    return why


LANG_HEADER = "# lang: "


def read_phrase_rows(path: Path, lang: str = languages.DEFAULT_CODE) -> list[tuple[str, str, str]]:
    """Rows in the phrases format (label<TAB>text), as ``switchboard phrases export`` writes
    them: a ``# lang: xx`` line says the language of the rows after it (else ``lang``)."""
    found = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(LANG_HEADER):
            lang = line[len(LANG_HEADER):].strip()
            if lang not in u.LANGUAGES:
                raise ValueError(f"{path.name} line {n}: no such language {lang!r}")
            continue
        if not line.strip() or line.startswith("#"):
            continue
        label, sep, text = line.partition("\t")
        if not sep or not text.strip() or "\t" in text:
            raise ValueError(f"{path.name} line {n}: want label<TAB>text")
        found.append((lang, label.strip(), text.strip()))
    return found
