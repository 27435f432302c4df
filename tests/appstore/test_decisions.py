"""R23 as a pure decision: what Apple's notification makes of an App Store plan, table-driven."""

from __future__ import annotations

import datetime as dt

import pytest

from core.appstore import StoreChange, decide_store_change
from core.policy import LineFacts, PlanFacts

NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.timezone.utc)
T1 = NOW - dt.timedelta(hours=1)
T2 = NOW
TERM = dt.date(2026, 12, 3)
NEXT = dt.date(2027, 1, 3)

ACTIVE = LineFacts()
USER_CANCELLED = LineFacts(status="cancel_pending", status_reason="user")
RELEASED = LineFacts(status="released", status_reason="user")
RENEWING = PlanFacts("Call Recording", channel="app_store", term_end=TERM)
STOPPED = PlanFacts("Call Recording", channel="app_store", term_end=TERM, auto_renew=False)
ENDED = PlanFacts("Call Recording", channel="app_store", term_end=TERM, auto_renew=False, ended=True)
PORTAL = PlanFacts("Call Recording", term_end=TERM)


def change(kind, subtype=None, *, at=T2, expires=TERM, auto_renew=None, revoked=False, grace=None):
    return StoreChange(kind, subtype, at, expires, auto_renew, revoked, grace)


CASES = [
    # (id, line, plan, change, last weighed, allowed, reason, changes)
    ("R23 renewal turned off at Apple: stops renewing, runs to its term end", ACTIVE, RENEWING,
     change("DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_DISABLED", auto_renew=False), None,
     True, "store_renewal_off", {"auto_renew": False}),
    ("R23 the subtype alone when no renewal info came along", ACTIVE, RENEWING,
     change("DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_DISABLED"), None, True, "store_renewal_off", {"auto_renew": False}),
    ("R23 renewal turned on again", ACTIVE, STOPPED,
     change("DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_ENABLED", auto_renew=True), None,
     True, "store_renewal_on", {"auto_renew": True}),
    ("R23 renewed: a new term end", ACTIVE, RENEWING, change("DID_RENEW", expires=NEXT, auto_renew=True), None,
     True, "store_renewed", {"term_end": NEXT}),
    ("R23 expired (voluntary): ended", ACTIVE, STOPPED, change("EXPIRED", "VOLUNTARY", auto_renew=False), None,
     True, "store_expired", {"ended": True}),
    ("R23 expired (billing retry): ended", ACTIVE, RENEWING, change("EXPIRED", "BILLING_RETRY", auto_renew=True), None,
     True, "store_expired", {"ended": True, "auto_renew": False}),
    ("R23 grace period expired: ended", ACTIVE, RENEWING, change("GRACE_PERIOD_EXPIRED", auto_renew=True), None,
     True, "store_expired", {"ended": True, "auto_renew": False}),
    ("R23 refunded by Apple: ended now (R1: Apple's refund)", ACTIVE, RENEWING,
     change("REFUND", revoked=True, auto_renew=True), None, True, "store_refunded", {"ended": True, "auto_renew": False}),
    ("R23 revoked: ended now", ACTIVE, RENEWING, change("REVOKE", revoked=True), None,
     True, "store_revoked", {"ended": True, "auto_renew": False}),
    ("R23 refund reversed: running again", ACTIVE, ENDED, change("REFUND_REVERSED", expires=NEXT, auto_renew=True), None,
     True, "store_refund_reversed", {"ended": False, "auto_renew": True, "term_end": NEXT}),
    ("R23 subscribed again: running again", ACTIVE, ENDED, change("SUBSCRIBED", "RESUBSCRIBE", expires=NEXT, auto_renew=True),
     None, True, "store_subscribed", {"ended": False, "auto_renew": True, "term_end": NEXT}),
    ("R23 billing retry: recorded, the plan runs on", ACTIVE, RENEWING, change("DID_FAIL_TO_RENEW", auto_renew=True), None,
     True, "store_billing_retry", {}),
    ("R23 grace period: recorded, the plan runs on", ACTIVE, RENEWING,
     change("DID_FAIL_TO_RENEW", "GRACE_PERIOD", auto_renew=True, grace=dt.date(2026, 12, 19)), None,
     True, "store_grace_period", {}),
    ("R23 an older notification never overwrites a newer state", ACTIVE, STOPPED,
     change("DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_ENABLED", at=T1, auto_renew=True), T2,
     False, "older_than_applied", None),
    ("R23 the same signedDate is not older", ACTIVE, RENEWING,
     change("DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_DISABLED", at=T2, auto_renew=False), T2,
     True, "store_renewal_off", {"auto_renew": False}),
    ("R13 already so: nothing changes", ACTIVE, STOPPED,
     change("DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_DISABLED", auto_renew=False), None, False, "no_change", None),
    ("R3 a line its user cancelled never renews again", USER_CANCELLED, STOPPED,
     change("DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_ENABLED", auto_renew=True), None,
     False, "line_cancelled_by_user", None),
    ("R3 nor does its end move", USER_CANCELLED, STOPPED, change("DID_RENEW", expires=NEXT, auto_renew=True), None,
     False, "line_cancelled_by_user", None),
    ("R3 but what ends a plan still applies", USER_CANCELLED, STOPPED, change("REFUND", revoked=True), None,
     True, "store_refunded", {"ended": True}),
    ("R3 a released line is left alone", RELEASED, ENDED, change("SUBSCRIBED", expires=NEXT, auto_renew=True), None,
     False, "line_released", None),
    ("R23 renewal turned on for an ended plan changes nothing until Apple says SUBSCRIBED", ACTIVE, ENDED,
     change("DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_ENABLED", auto_renew=True), None, False, "no_change", None),
    ("R6 only App Store plans follow Apple", ACTIVE, PORTAL, change("EXPIRED"), None,
     False, "not_an_app_store_plan", None),
]


@pytest.mark.parametrize("line, plan, store_change, last, allowed, reason, changes",
                         [pytest.param(*case[1:], id=case[0]) for case in CASES])
def test_decide_store_change(line, plan, store_change, last, allowed, reason, changes):
    decision = decide_store_change(line, plan, store_change, last, NOW)
    assert (decision.allowed, decision.reason) == (allowed, reason)
    if changes is not None:
        assert decision.data["changes"] == changes


def test_a_refund_by_apple_is_apples_and_the_plan_ends_R1():
    decision = decide_store_change(ACTIVE, RENEWING, change("REFUND", revoked=True), None, NOW)
    assert decision.rule == "R23" and decision.data["ended"] is True and decision.data["renews"] is False


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("effect", ["store_renewal_off", "store_renewal_on", "store_expired", "store_refunded",
                                    "store_revoked", "store_refund_reversed", "store_subscribed", "store_renewed",
                                    "something_new"])
def test_every_receipt_fits_one_gsm7_segment_where_it_can_and_never_three_R17_R19(effect, lang):
    from appstore.wording import receipt_for
    from sms.gsm import fits, is_gsm7

    values = {"effect": effect, "product": "Voicemail Transcription",
              "effective": dt.date(2026, 11, 26), "term_end": dt.date(2026, 12, 31)}
    text = receipt_for("Second Line")("app_store_change", values, lang)
    assert is_gsm7(text) and fits(text), text
    assert "Voicemail Transcription" in text and ("Nov 26, 2026" in text or "26 de nov de 2026" in text)
    if effect == "store_refunded":
        assert ("no refunds" in text) if lang == "en" else ("no hace reembolsos" in text)  # R1
