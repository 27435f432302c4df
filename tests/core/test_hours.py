"""Support hours for transfers."""

from __future__ import annotations

import datetime as dt

import pytest

from core.hours import BadHours, parse_hours

UTC = dt.timezone.utc


@pytest.mark.parametrize("spec, when, open_", [
    ("mon-fri 09:00-17:00 America/New_York", dt.datetime(2026, 11, 26, 15, 0, tzinfo=UTC), True),  # Thu 10:00 NY
    ("mon-fri 09:00-17:00 America/New_York", dt.datetime(2026, 11, 26, 23, 0, tzinfo=UTC), False),  # 18:00 NY
    ("mon-fri 09:00-17:00 America/New_York", dt.datetime(2026, 11, 28, 15, 0, tzinfo=UTC), False),  # Saturday
    ("sat,sun 10:00-12:00 UTC", dt.datetime(2026, 11, 29, 11, 0, tzinfo=UTC), True),
    ("fri-mon 00:00-23:59 UTC", dt.datetime(2026, 11, 30, 8, 0, tzinfo=UTC), True),  # wraps the week
])
def test_open_at(spec, when, open_):
    assert parse_hours(spec).open_at(when) is open_


def test_no_hours_means_always_open():
    assert parse_hours(None) is None and parse_hours("  ") is None


@pytest.mark.parametrize("spec", ["weekdays", "mon-fri 9-5 UTC", "mon-fri 09:00-17:00 Mars/Base", "xyz 09:00-10:00 UTC"])
def test_bad_hours_are_named(spec):
    with pytest.raises(BadHours, match="SUPPORT_HOURS"):
        parse_hours(spec)
