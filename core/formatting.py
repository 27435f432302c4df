"""Formatting shared by the channels' wording catalogues: dates and lists, per language
(Babel's CLDR data, so a month is "Dec" in English and "dic" in Spanish), in the patterns
the language registry declares (core/languages.py). The few tables of that data they use are
core/locale_tables.py, written from Babel by core/locale_source.py (a web worker never loads
Babel's locale data: ~5.6 MB); tests/core/test_locale_tables.py holds them to Babel's output."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any, Iterable, Iterator

from core import languages
from core.locale_tables import DAY_FORMATS, LIST_PATTERNS, MONTHS

LANGUAGES = languages.CODES
# Issue 22: the day a reply is said, so that today and tomorrow are said as such.
_TODAY: ContextVar[dt.date | None] = ContextVar("formatting_today", default=None)


def as_date(value: Any) -> dt.date | None:
    """A date from a date, a datetime or an ISO string (state in Redis keeps strings)."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


@contextmanager
def said_on(today: Any) -> Iterator[None]:
    """Words rendered inside say today's and tomorrow's dates as "today" and "tomorrow"
    (``today``: the UTC date of the turn, as the conversation gives it; None: dates only)."""
    token = _TODAY.set(as_date(today))
    try:
        yield
    finally:
        _TODAY.reset(token)


def day(value: Any, lang: str = languages.DEFAULT_CODE) -> str:
    """'Dec 15, 2026' / '15 de dic de 2026' from a date, a datetime or an ISO string; inside
    ``said_on``, 'today' / 'tomorrow' for those days.

    Every date a reply names is a day something still works until, renews or starts on: none
    is said in the past tense. A term end already passed whose plan the scheduled job has not
    ended yet still works today, until the job runs (R2): it is said as today, never as a past
    date presented as a future one (issue 22)."""
    date = as_date(value)
    if date is None:
        return value if isinstance(value, str) else str(value)
    lang = languages.code_or_default(lang)
    now = _TODAY.get()
    if now is not None and (date - now).days <= 1:
        return languages.get(lang).today_tomorrow[max(0, (date - now).days)]
    return _format(date, lang)


@lru_cache(maxsize=4096)
def _format(value: dt.date, lang: str) -> str:
    """Babel's ``format_date(value, language.date_pattern, locale=language.babel_locale)``
    without its dots, from core/locale_tables.py."""
    language = languages.get(lang)
    fields = {"MMM": MONTHS[language.babel_locale][value.month - 1], "d": value.day, "y": value.year}
    return (DAY_FORMATS[language.date_pattern] % fields).replace(".", "")


def format_list(items: list, style: str = "standard", lang: str = languages.DEFAULT_CODE) -> str:
    """Babel's ``format_list(items, style, locale=language.list_locale)`` (the same steps, on
    CLDR's patterns in core/locale_tables.py): the styles "standard" and "or"."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    patterns = LIST_PATTERNS[languages.get(lang).list_locale, style]
    if len(items) == 2 and "2" in patterns:
        return patterns["2"].format(*items)
    result = patterns["start"].format(items[0], items[1])
    for item in items[2:-1]:
        result = patterns["middle"].format(result, item)
    return patterns["end"].format(result, items[-1])


def and_list(items: Iterable[str], lang: str = languages.DEFAULT_CODE) -> str:
    """'a', 'a and b', 'a, b and c' (Spanish: 'a, b y c')."""
    return format_list(list(items), lang=lang)


def fold(text: str) -> str:
    """Lower case, accents and punctuation removed, single spaces: for matching only."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w\s+]", " ", plain).replace("_", " ").split())
