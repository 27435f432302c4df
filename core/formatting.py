"""Formatting shared by the channels' wording catalogues: dates and lists, per language
(Babel's CLDR data, so a month is "Dec" in English and "dic" in Spanish)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any, Iterable, Iterator

from babel.dates import format_date

LANGUAGES = ("en", "es")
_DAY = {"en": "MMM d, y", "es": "d 'de' MMM 'de' y"}
_AND = {"en": " and ", "es": " y "}
# Issue 22: the day a reply is said, so that today and tomorrow are said as such. Spanish
# templates put "el" before a day ("hasta el {day}"): "el día de hoy" reads right there too.
_RELATIVE = {"en": ("today", "tomorrow"), "es": ("día de hoy", "día de mañana")}
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


def day(value: Any, lang: str = "en") -> str:
    """'Dec 15, 2026' / '15 de dic de 2026' from a date, a datetime or an ISO string; inside
    ``said_on``, 'today' / 'tomorrow' for those days.

    Every date a reply names is a day something still works until, renews or starts on: none
    is said in the past tense. A term end already passed whose plan the scheduled job has not
    ended yet still works today, until the job runs (R2): it is said as today, never as a past
    date presented as a future one (issue 22)."""
    date = as_date(value)
    if date is None:
        return value if isinstance(value, str) else str(value)
    lang = lang if lang in _DAY else "en"
    now = _TODAY.get()
    if now is not None and (date - now).days <= 1:
        return _RELATIVE[lang][max(0, (date - now).days)]
    return _format(date, lang)


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
