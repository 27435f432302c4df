"""R19: every reply, with its longest values, is GSM-7 and at most 3 segments; most fit one."""

from __future__ import annotations

import datetime as dt

import pytest

from core.policy import APPLE_SUBSCRIPTIONS_URL, FIXES
from sms.gsm import segments
from sms.replies import RECEIPTS, REPLIES, receipt_text, render

LONG_PRODUCT = "Voicemail Transcription"
NUMBER = "+15550100001"
TERM = dt.date(2026, 12, 31)
PLAN = {"product": LONG_PRODUCT, "kind": "feature", "channel": "app_store", "term_end": TERM,
        "renews": True, "ended": False}
LONGEST = {
    "number": NUMBER, "old": "+15550100002", "blocked": "+15559990000", "line": NUMBER,
    "product": LONG_PRODUCT, "kind": "feature", "term_end": TERM, "effective": TERM, "then_line": True,
    "plans": [dict(PLAN, product=p) for p in ("Unlimited Annual", "Text Archive", "Call Recording", LONG_PRODUCT)],
    "app_store_plans": ["Unlimited Annual", "Call Recording"], "url": APPLE_SUBSCRIPTIONS_URL,
    "addons": ["Text Archive", "Call Recording"], "portal_addons": ["Text Archive"],
    "lines": ["0010", "0011", "0012", "0013", "0014", "0015"], "minutes": 15, "ref": 123456,
    "terms": [{"product": p, "term_end": TERM} for p in ("Unlimited Annual", "Text Archive", "Call Recording")],
    "asked": "x" * 40, "choices": ["Unlimited Annual", "Text Archive", "Call Recording", LONG_PRODUCT, "Fax Plus"], "status": "cancel_pending", "credits": "1234.50", "action": "unblock",
}
FIT_ONE = {"help", "opted_out", "opted_in", "ask_pin", "pin_wrong", "pin_locked", "agent",
           "confirm_reactivate", "done_cancel_plan", "confirm_expired", "not_confirmed"}


def cases():
    for key in REPLIES:
        if key in ("offer_fix", "fix_guidance"):
            for fix in FIXES.values():
                if key == "fix_guidance" and fix not in ("voice_network_mode", "device_settings"):
                    continue
                yield key, {**LONGEST, "fix": fix}
        else:
            yield key, LONGEST


@pytest.mark.parametrize("key, values", list(cases()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_reply_is_gsm7_and_at_most_three_segments_R19(key, values):
    text = render(key, values, brand="Second Line")
    encoding, count = segments(text)
    assert encoding == "GSM-7", text
    assert count <= 3, (count, text)
    if key in FIT_ONE:
        assert count == 1, (len(text), text)


@pytest.mark.parametrize("kind", list(RECEIPTS))
def test_every_receipt_fits_R17_R19(kind):
    text = receipt_text(kind, LONGEST, brand="Second Line")
    assert segments(text) == ("GSM-7", segments(text)[1]) and segments(text)[1] <= 3
