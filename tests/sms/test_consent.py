"""R16 under stress: an opt-out is recorded in the database even with Redis down, and the
replies to consent words are rate-limited while the consent itself is always recorded."""

from __future__ import annotations

from core.models import AuditEvent, TextOptOut
from tests.clients import Phone
from tests.conftest import Twilio
from tests.helpers import count

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens there


def test_stop_is_recorded_while_redis_is_down_R16(make_app, deps, demo):
    app = make_app(redis_url=DEAD_REDIS)
    p = Phone(Twilio(app.test_client()), "+15557770001")
    reply = p.text("STOP")
    assert "opted out" in reply.lower() or "won't get" in reply.lower() or "not cancel" in reply.lower(), reply
    assert count(deps, TextOptOut, TextOptOut.number == "+15557770001") == 1
    # Redis is back: the number stays opted out (nothing is sent to it).
    back = Phone(Twilio(make_app().test_client()), "+15557770001")
    assert back.text("HELP") == ""


def test_start_is_recorded_while_redis_is_down_R16(make_app, deps, demo):
    Phone(Twilio(make_app().test_client()), "+15557770001").text("STOP")
    p = Phone(Twilio(make_app(redis_url=DEAD_REDIS).test_client()), "+15557770001")
    assert p.text("START")
    assert count(deps, TextOptOut, TextOptOut.number == "+15557770001") == 0


def test_consent_words_are_recorded_but_their_replies_are_rate_limited(make_app, deps, demo):
    app = make_app(sms_rate_limit=(20, 60))
    p = Phone(Twilio(app.test_client()), "+15557770001")
    replies = [p.text("STOP" if i % 2 == 0 else "START") for i in range(60)]
    assert sum(1 for r in replies if r) <= 21
    # The last word wins: START, so the number is opted in; every change was audited (R14).
    assert count(deps, TextOptOut, TextOptOut.number == "+15557770001") == 0
    assert count(deps, AuditEvent, AuditEvent.action.in_(("text_opt_out", "text_opt_in"))) == 60
    p.text("STOP")
    assert count(deps, TextOptOut, TextOptOut.number == "+15557770001") == 1


def test_a_bare_cancel_mid_cancellation_opts_out_and_says_the_request_was_not_completed_R16(phone, deps, demo):
    """Observed: "cancel" mid-cancellation opted the texter out, then "YES" opted them back in
    while they believed it confirmed the cancellation."""
    from tests.helpers import line

    p = phone("+15557770003")
    p.text("CANCEL LINE")
    p.text("1357")
    p.text("SKIP")  # R11's question; the confirmation is next
    reply = p.text("cancel")
    assert "did not cancel" in reply and "NOT completed" in reply and "CANCEL LINE" in reply
    back = p.text("YES")
    assert "back on" in back and "Nothing was confirmed" in back
    assert line(deps, "sam").status == "active"
    # The request is gone, not waiting for a stray yes.
    assert "Nothing is waiting" in p.text("YES")
    assert line(deps, "sam").status == "active"
