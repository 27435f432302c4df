"""Issue 23, item 10: the smaller points, each on the real stack."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.mark.parametrize("micro", [1, 123457, 999999, 500001])
def test_a_lock_says_15_min_not_16_R9(phone, demo, clock, micro):
    clock.now = clock.now.replace(microsecond=micro)
    p = phone("+15557770003")
    p.text("PLANS")
    said = [p.text(f"{8100 + i}") for i in range(5)]
    assert "locked for 15 min" in said[-1], said[-1]
    clock.advance(seconds=1)
    p.text("PLANS")
    again = p.text("8199")
    assert "locked for 15 min" in again, again
