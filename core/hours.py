"""Support hours: when a transfer can reach a person ("mon-fri 09:00-17:00 America/New_York")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class BadHours(ValueError):
    pass


@dataclass(frozen=True)
class Hours:
    days: frozenset[int]
    opens: dt.time
    closes: dt.time
    zone: ZoneInfo

    def open_at(self, now: dt.datetime) -> bool:
        local = now.astimezone(self.zone)
        return local.weekday() in self.days and self.opens <= local.time() < self.closes


def parse_hours(spec: str | None) -> Hours | None:
    """None (always open) for an empty spec; BadHours naming what is wrong otherwise."""
    if not spec or not spec.strip():
        return None
    parts = spec.split()
    if len(parts) != 3:
        raise BadHours(f"SUPPORT_HOURS: expected 'mon-fri 09:00-17:00 Area/City', got {spec!r}")
    days_text, times, zone = parts
    try:
        if "-" in days_text:
            a, b = (DAYS.index(x) for x in days_text.lower().split("-"))
            days = frozenset(range(a, b + 1)) if a <= b else frozenset([*range(a, 7), *range(0, b + 1)])
        else:
            days = frozenset(DAYS.index(x) for x in days_text.lower().split(","))
        opens, closes = (dt.time.fromisoformat(t) for t in times.split("-"))
        return Hours(days, opens, closes, ZoneInfo(zone))
    except (ValueError, ZoneInfoNotFoundError) as exc:
        raise BadHours(f"SUPPORT_HOURS: can't read {spec!r} ({exc})") from exc
