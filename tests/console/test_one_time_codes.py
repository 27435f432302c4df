"""R21's one-time code: issued to the line's own number, kept as a keyed hash, valid 10
minutes, once, and counted with PINs against R9's limit."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core import one_time_codes, services
from core.models import AuditEvent, OutboundText
from tests.conftest import TEST_PIN_SECRET
from tests.helpers import count, line

REQ = services.Request(channel="voice", request_id="CA" + "1" * 32, caller="+15557770001")


def _issue(deps, clock, login="dana"):
    issued = one_time_codes.issue(deps.db, line_id=line(deps, login).id, secret=TEST_PIN_SECRET, now=clock(),
                                  req=REQ, text=lambda code, minutes: f"code {code}, {minutes} min")
    with deps.db() as s:
        body = s.get(OutboundText, issued.outbound_id).body
    return issued, re.search(r"\d{6}", body).group(0)


def _verify(deps, clock, code, login="dana"):
    return one_time_codes.verify(deps.db, deps.attempts, TEST_PIN_SECRET, line_ids=[line(deps, login).id],
                                 identity="from:+15557770001", code=code, now=clock(), req=REQ)


def test_a_code_goes_to_the_lines_own_number_and_verifies_once_R21(deps, demo, clock):
    issued, code = _issue(deps, clock)
    assert issued.to_number == "+15550100001" and issued.expires_at == clock() + one_time_codes.VALID_FOR
    first = _verify(deps, clock, code)
    assert first.ok and first.line.login_id == "dana"
    assert _verify(deps, clock, code).reason == "wrong_pin"  # used
    assert count(deps, AuditEvent, AuditEvent.action == "pin_verified") == 1
    assert count(deps, AuditEvent, AuditEvent.action == "one_time_code_sent", AuditEvent.outcome == "queued") == 1
    _, code = _issue(deps, clock)
    assert not _verify(deps, clock, f" {code}x").ok  # malformed: never verifies
    unknown = one_time_codes.verify(deps.db, deps.attempts, TEST_PIN_SECRET, line_ids=[], identity="from:+15550000000",
                                    code=code, now=clock(), req=REQ)
    assert unknown.reason == "wrong_pin"  # no line: the same answer (R8)


def test_a_code_lasts_10_minutes_only_the_newest_counts_and_three_an_hour_at_most_R21(deps, demo, clock):
    _, code = _issue(deps, clock)
    clock.advance(minutes=10)
    assert not _verify(deps, clock, code).ok  # expired
    _, old = _issue(deps, clock)
    _, new = _issue(deps, clock)
    clock.advance(minutes=9, seconds=59)
    assert old == new or not _verify(deps, clock, old).ok  # replaced by the newer one
    assert _verify(deps, clock, new).ok
    with pytest.raises(one_time_codes.TooManyCodes):  # three an hour at most
        _issue(deps, clock)
    assert count(deps, OutboundText) == 3
    clock.advance(hours=1, seconds=1)
    _issue(deps, clock)
    assert count(deps, AuditEvent, AuditEvent.action == "one_time_code_sent", AuditEvent.outcome == "refused") == 1


def test_wrong_codes_and_wrong_pins_share_one_limit_and_lock_the_line_R9_R21(deps, demo, clock):
    _, code = _issue(deps, clock)
    for pin in ("0000", "0001", "0002"):
        services.verify_pin(deps.db, deps.attempts, TEST_PIN_SECRET, line_ids=[line(deps, "dana").id],
                            identity="from:+15557770001", pin=pin, now=clock(), req=REQ)
    assert _verify(deps, clock, "999999").reason == "wrong_pin"
    assert _verify(deps, clock, "999998").reason == "locked"  # the fifth failure
    assert _verify(deps, clock, code).reason == "locked"  # even the right code, while locked
    assert line(deps, "dana").pin_locked_until is not None
    with deps.db() as s:
        failed = s.execute(select(AuditEvent.details).where(AuditEvent.action == "pin_failed")).scalars().all()
    assert [d.get("method") for d in failed] == [None, None, None, "one_time_code", "one_time_code"]
