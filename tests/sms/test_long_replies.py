"""R19 end to end: a line with 13 plans (long, accented and emoji names), texted through
signed POST /sms; every message received is counted by the real GSM-7 / UCS-2 rules."""

from __future__ import annotations

import datetime as dt

import pytest

from core.account_data import import_document
from sms.gsm import segments
from sms.replies import MORE_HINT
from tests.conftest import TEST_PIN_SECRET

NUMBER, CONTACT, PIN = "+15550100077", "+15557770077", "8080"
PRODUCTS = [
    "Unlimited Annual Premium Plus", "Número Extra España \U0001F1EA\U0001F1F8", "Call Recording Élite",
    "Team Inbox \u2728", "Fax Plus", "Voicemail Transcription Professional", "International Calling Bundle",
    "Spam Shield {Advanced}", "Second Number Mañana", "Conference Bridge 50 Seats",
    "Visual Voicemail", "Business Hours Routing & Auto Attendant", "Llamadas Ilimitadas Súper",
]


@pytest.fixture
def busy_line(deps, clock):
    today = clock().date()
    plans = [{"product": name, "kind": "number" if i == 0 else "feature",
              "period": "annual" if i == 0 else "monthly",
              "channel": "app_store" if i % 4 == 3 else "portal",
              "term_end": (today + dt.timedelta(days=10 + 7 * ((i * 5) % 13))).isoformat(),
              "auto_renew": i % 3 != 2} for i, name in enumerate(PRODUCTS)]
    import_document(deps.db, {"accounts": [{"name": "Busy Line", "admin": "busy", "lines": [
        {"login_id": "busy", "number": NUMBER, "pin": PIN, "contacts": [CONTACT], "status": "active",
         "status_reason": None, "usage_credits": "7.25", "plans": plans, "blocked": []}]}]},
        pin_secret=TEST_PIN_SECRET)
    return plans


def received(p) -> list[str]:
    """The messages of the last reply, each checked against R19."""
    for message in p.messages:
        assert segments(message)[1] <= 3, (segments(message), message)
    return list(p.messages)


def verified(phone):
    p = phone(CONTACT)
    assert "PIN" in p.text("PLANS")
    received(p)
    return p


def test_plans_for_a_line_with_13_plans_pages_through_every_plan_within_3_segments_R19(phone, busy_line):
    p = verified(phone)
    p.text(PIN)
    shown = received(p)
    assert shown[0].startswith("PIN OK.")
    for _ in PRODUCTS:  # never more pages than plans
        if not shown[-1].endswith(MORE_HINT):
            break
        p.text("MORE")
        shown += received(p)
    assert not shown[-1].endswith(MORE_HINT)
    assert sum(MORE_HINT in m for m in shown) >= 1  # it did page
    for name in PRODUCTS:  # every plan, exactly once, its name as bought
        assert sum(m.count(name) for m in shown) == 1, (name, shown)
    assert "Credits 7.25" in shown[-1]


def test_refund_and_the_plan_choice_for_a_line_with_13_plans_fit_3_segments_R1_R19(phone, busy_line):
    p = verified(phone)
    p.text(PIN)
    received(p)
    p.text("REFUND")
    refund = " ".join(received(p))
    assert "No refunds" in refund and "more: text PLANS for their dates" in refund
    soonest = min(busy_line, key=lambda pl: pl["term_end"])
    assert soonest["product"] in refund
    choice = p.text("STOP PLAN")
    received(p)
    assert "Which plan? Reply 1 Unlimited Annual Premium Plus" in choice
    # A plan past the numbered ones is taken by its name.
    last = [pl for pl in busy_line if pl["auto_renew"] and pl["channel"] == "portal"][-1]["product"]
    assert last not in choice
    reply = p.text(last)
    received(p)
    assert f"Cancel {last}" in reply and "YES" in reply
