"""Formatting shared by the channels' wording catalogues: dates and lists, per language
(Babel's CLDR data, so a month is "Dec" in English and "dic" in Spanish)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache
from typing import Any, Iterable

from babel.dates import format_date

LANGUAGES = ("en", "es")
_DAY = {"en": "MMM d, y", "es": "d 'de' MMM 'de' y"}
_AND = {"en": " and ", "es": " y "}


def day(value: Any, lang: str = "en") -> str:
    """'Dec 15, 2026' / '15 de dic de 2026' from a date, a datetime or an ISO string (state in
    Redis keeps strings)."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return _format(value, lang if lang in _DAY else "en")
    return str(value)


@lru_cache(maxsize=4096)
def _format(value: dt.date, lang: str) -> str:
    return format_date(value, _DAY[lang], locale=lang).replace(".", "")


def and_list(items: Iterable[str], lang: str = "en") -> str:
    """'a', 'a and b', 'a, b and c' (Spanish: 'a, b y c')."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + _AND.get(lang, " and ") + items[-1]


def fold(text: str) -> str:
    """Lower case, accents and punctuation removed, single spaces: for matching only."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w\s+]", " ", plain).replace("_", " ").split())
