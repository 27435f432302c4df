"""Issue 23, item 1 (R21, R17): a text the customer waits for (a one-time code, a receipt,
Apple's steps) leaves at once: the transaction that queues it wakes the worker after its
commit. A code that expired, was replaced by a newer one, or whose line's number changed is
never sent (checked at send time)."""

from __future__ import annotations

import time

from sqlalchemy import select, update

from core import outbox
from core.models import Line, OutboundText
from core.twilio_rest import TwilioSender
from tests.faults.test_floods import sms

MARIA_PHONE, MARIA_LINE = "+15557770011", "+15550100011"


def _rows(deps):
    with deps.db() as s:
        return s.execute(select(OutboundText).order_by(OutboundText.id)).scalars().all()


def _wait_for(api, to: str, timeout: float) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if any(m["to"] == to for m in api.messages):
            return time.monotonic() - start
        time.sleep(0.02)
    return None


def test_a_code_we_say_we_texted_reaches_twilio_within_seconds_R21(two_servers, worker, api, demo, deps):
    a, b = two_servers
    assert "PIN" in sms(a, MARIA_PHONE, "PLANS")
    sms(b, MARIA_PHONE, "CODE")
    said = sms(a, MARIA_PHONE, "5550100011")
    assert "6-digit code" in said, said
    took = _wait_for(api, MARIA_LINE, 10)
    assert took is not None and took < 3, (took, [(r.status, r.last_error) for r in _rows(deps)])


def _issue_codes(phone, n: int) -> None:
    p = phone(MARIA_PHONE)
    p.text("PLANS")
    p.text("CODE")
    assert "6-digit code" in p.text("5550100011")
    for _ in range(n - 1):  # at the code step, CODE asks for a new one for the same line
        assert "6-digit code" in p.text("CODE")


def test_a_code_replaced_by_a_newer_one_is_never_sent_R21(phone, deps, demo, clock, api):
    _issue_codes(phone, 2)
    first, second = _rows(deps)
    report = outbox.send_due(deps.db, TwilioSender("AC" + "1" * 32, "token", api_base=api.url), clock)
    assert [m["to"] for m in api.messages] == [MARIA_LINE]  # the newest code only
    first, second = _rows(deps)
    assert (first.status, second.status) == ("lapsed", "sent") and report.lapsed == 1
    assert first.body == outbox.REDACTED  # its words are not kept either


def test_an_expired_code_is_never_sent_R21(phone, deps, demo, clock, api):
    _issue_codes(phone, 1)
    clock.advance(minutes=10, seconds=1)
    outbox.send_due(deps.db, TwilioSender("AC" + "1" * 32, "token", api_base=api.url), clock)
    assert api.messages == []
    [row] = _rows(deps)
    assert row.status == "lapsed"


def test_a_code_for_a_number_the_line_no_longer_has_is_never_sent_R21(phone, deps, demo, clock, api):
    _issue_codes(phone, 1)
    with deps.db.begin() as s:  # the line's number changed (CHANGE NUMBER) before the worker came to it
        s.execute(update(Line).where(Line.number == MARIA_LINE).values(number="+15550100901"))
    outbox.send_due(deps.db, TwilioSender("AC" + "1" * 32, "token", api_base=api.url), clock)
    assert api.messages == []
    assert _rows(deps)[0].status == "lapsed"
