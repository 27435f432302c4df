"""Formatting shared by the channels' wording tables: dates and lists, in one place."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable


def day(value: Any) -> str:
    """'Dec 15, 2026' from a date, a datetime or an ISO string (state in Redis keeps strings)."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value:%b} {value.day}, {value.year}"
    return str(value)


def and_list(items: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
