"""The held-out turns of issue 21 (tests/data/turns/README.md), as the measurements read them:
one ``Labelled`` a turn, one ``NearMiss`` a near miss. Reading only: what scores them is
vocabulary/evaluate.py; nothing here trains or tunes on a row, and nothing prints one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from core import languages

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "turns"
# Near misses written apart for development: read while choosing fixes, never trained on (its README).
NEAR_MISS_DEV = Path(__file__).resolve().parent / "phrases" / "near_miss_dev"
LANGUAGES = languages.CODES  # one held_out_<code>.tsv and near_miss_<code>.tsv a language
# Whole turns written apart for development (its README): read while choosing fixes, never trained on.
TURNS_DEV = Path(__file__).resolve().parent / "phrases" / "turns_dev"


@dataclass(frozen=True)
class Case:
    """One turn as the interpreter receives it (no label)."""

    text: str
    channel: str  # sms, voice
    step: str  # what the conversation was waiting for (tests/data/turns/README.md)
    prior: str  # the conversation's language before this turn


@dataclass(frozen=True)
class Labelled:
    case: Case
    lang: str
    act: str
    intent: str  # "-" for the acts that carry none
    slots: tuple[tuple[str, str], ...]
    source: str  # the file's name


@dataclass(frozen=True)
class NearMiss:
    case: Case
    resembles: str
    source: str


def _slots_of(field_: str) -> tuple[tuple[str, str], ...]:
    if field_.strip() in ("", "-"):
        return ()
    pairs = []
    for part in field_.split(";"):
        key, _, value = part.partition("=")
        if key.strip():
            pairs.append((key.strip(), value.strip()))
    return tuple(sorted(pairs))


def _lines(path: Path) -> Iterable[list[str]]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


def load_held_out(data: Path = DATA) -> list[Labelled]:
    rows = []
    for lang in LANGUAGES:
        path = data / f"held_out_{lang}.tsv"
        for n, cols in enumerate(_lines(path), 1):
            if len(cols) < 7 or cols[0] == "lang":
                continue
            row_lang, channel, step, act, intent, slots, text = cols[:6] + ["\t".join(cols[6:])]
            rows.append(Labelled(Case(text, channel, step, lang), row_lang, act, intent or "-", _slots_of(slots),
                                 path.name))
    return rows


def load_near_misses(data: Path = DATA, prefix: str = "near_miss") -> list[NearMiss]:
    rows = []
    for lang in LANGUAGES:
        path = data / f"{prefix}_{lang}.tsv"
        for cols in _lines(path):
            if len(cols) < 5 or cols[0] == "lang":
                continue
            row_lang, channel, step, resembles, text = cols[:4] + ["\t".join(cols[4:])]
            rows.append(NearMiss(Case(text, channel, step, lang), resembles, path.name))
    return rows


def load_dev_turns(data: Path = TURNS_DEV) -> list[Labelled]:
    """The development turns (``dev_<lang>.tsv``, the held-out schema), without any of three words
    or more that the held-out set also holds (the writers were briefed alike: such a row would
    let the held-out set be read)."""
    from vocabulary import fold

    held = {fold(row.case.text) for row in load_held_out()}
    rows = []
    for lang in LANGUAGES:
        path = data / f"dev_{lang}.tsv"
        for cols in _lines(path):
            if len(cols) < 7:
                continue
            row_lang, channel, step, act, intent, slots, text = cols[:6] + ["\t".join(cols[6:])]
            if len(text.split()) >= 3 and fold(text) in held:
                continue
            rows.append(Labelled(Case(text, channel, step, lang), row_lang, act, intent or "-", _slots_of(slots),
                                 path.name))
    return rows
