"""Formatting shared by the channels' wording catalogues: dates and lists, per language
(Babel's CLDR data, so a month is "Dec" in English and "dic" in Spanish), in the patterns
the language registry declares (core/languages.py)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache
from typing import Any, Iterable

from babel.dates import format_date
from babel.lists import format_list

from core import languages

LANGUAGES = languages.CODES


def day(value: Any, lang: str = languages.DEFAULT_CODE) -> str:
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
        return _format(value, languages.code_or_default(lang))
    return str(value)


@lru_cache(maxsize=4096)
def _format(value: dt.date, lang: str) -> str:
    language = languages.get(lang)
    return format_date(value, language.date_pattern, locale=language.babel_locale).replace(".", "")


def and_list(items: Iterable[str], lang: str = languages.DEFAULT_CODE) -> str:
    """'a', 'a and b', 'a, b and c' (Spanish: 'a, b y c')."""
    return format_list(list(items), locale=languages.get(lang).list_locale)


def fold(text: str) -> str:
    """Lower case, accents and punctuation removed, single spaces: for matching only."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w\s+]", " ", plain).replace("_", " ").split())
