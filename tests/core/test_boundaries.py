"""Every dated rule at its edges (R9 15 min / 5 tries, R10 5:00, R12 the release day, R21 10
min, R23 the newest transaction): each case sits on the boundary or one microsecond on either
side of it, so that a rule written with > for >= (or a day off) fails here."""

from __future__ import annotations

import datetime as dt

import pytest

from core import policy
from core.policy import LineFacts, PlanFacts, StoreChange

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.timezone.utc)
TICK = dt.timedelta(microseconds=1)
MIN = dt.timedelta(minutes=1)


# R9 -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("oldest_age, locked", [
    pytest.param(policy.PIN_WINDOW - TICK, True, id="R9: five failures, the oldest just inside 15 min, lock"),
    pytest.param(policy.PIN_WINDOW, False, id="R9: a failure exactly 15 min old no longer counts"),
])
def test_r9_window_edge(oldest_age, locked):
    failures = [NOW - oldest_age] + [NOW - dt.timedelta(seconds=s) for s in (1, 2, 3, 4)]
    assert (not policy.decide_pin_lock(failures, NOW).allowed) is locked


@pytest.mark.parametrize("counted, locked, left", [
    pytest.param(3, False, 2, id="R9: three failures leave two tries"),
    pytest.param(4, False, 1, id="R9: four failures leave one try (R21 warns before it)"),
    pytest.param(5, True, None, id="R9: the fifth locks"),
    pytest.param(6, True, None, id="R9: more than five stays locked"),
])
def test_r9_tries_edge(counted, locked, left):
    decision = policy.decide_pin_failures(counted, NOW)
    assert (not decision.allowed) is locked
    if locked:
        assert decision.data["until"] == NOW + dt.timedelta(minutes=15)
    else:
        assert decision.data["remaining"] == left


def test_r9_the_lock_holds_for_exactly_15_minutes_in_redis(deps):
    """The mechanism (core/limits.py's atomic reservation) at the lock's end."""
    attempts, subjects = deps.attempts, ["line:boundary"]
    for i in range(policy.PIN_MAX_FAILURES):
        at = NOW + dt.timedelta(seconds=i)
        assert attempts.reserve(subjects, at).ok
        until, counted = attempts.failed(subjects, at)
    assert until == NOW + dt.timedelta(seconds=policy.PIN_MAX_FAILURES - 1) + policy.PIN_LOCK
    assert not attempts.reserve(subjects, until - dt.timedelta(milliseconds=1)).ok
    assert attempts.reserve(subjects, until).ok


# R10 ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("age, reason", [
    pytest.param(policy.CONFIRM_WINDOW - TICK, "confirmed", id="R10: a yes at 4:59.999999 confirms"),
    pytest.param(policy.CONFIRM_WINDOW, "confirmed", id="R10: a yes at exactly 5:00 still confirms"),
    pytest.param(policy.CONFIRM_WINDOW + TICK, "confirmation_expired", id="R10: a yes after 5:00 has expired"),
])
def test_r10_five_minutes_edge(age, reason):
    assert policy.decide_confirmation(True, NOW - age, NOW).reason == reason


# R12 ----------------------------------------------------------------------------------------
TERM_END = dt.date(2026, 10, 1)
ENDED_NUMBER = PlanFacts("Unlimited Monthly", kind="number", term_end=TERM_END, auto_renew=False, ended=True)
RELEASE_AT = dt.datetime.combine(TERM_END, dt.time(), tzinfo=dt.timezone.utc) + dt.timedelta(days=1) \
    + policy.RELEASE_GRACE


@pytest.mark.parametrize("now, reason", [
    pytest.param(RELEASE_AT - TICK, "grace_period", id="R12: the last moment of the grace period keeps the number"),
    pytest.param(RELEASE_AT, "release", id="R12: the release day releases it"),
    pytest.param(RELEASE_AT - dt.timedelta(days=1), "grace_period", id="R12: the day before the release day"),
])
def test_r12_release_day_edge(now, reason):
    line = LineFacts(status="cancelled", status_reason="unpaid")
    assert policy.decide_line_after_term(line, ENDED_NUMBER, now).reason == reason


@pytest.mark.parametrize("status, reason, allowed", [
    pytest.param("cancelled", "unpaid", True, id="R12: cancelled for an unpaid renewal, before release"),
    pytest.param("cancelled", "user", False, id="R12: its user's own Cancel Line is never reactivated"),
    pytest.param("released", "unpaid", False, id="R12: a released number is not reactivated"),
])
def test_r12_who_may_be_reactivated(status, reason, allowed):
    assert policy.decide_reactivate(LineFacts(status=status, status_reason=reason), NOW).allowed is allowed


# R21 (end to end: the code's validity is the database's) ------------------------------------
DANA, DANA_LINE = "+15557770001", "+15550100001"


@pytest.mark.parametrize("after, works", [
    pytest.param(dt.timedelta(minutes=10) - dt.timedelta(seconds=1), True, id="R21: a code at 9:59 works"),
    pytest.param(dt.timedelta(minutes=10), False, id="R21: a code at exactly 10:00 has expired"),
])
def test_r21_ten_minutes_edge(phone, deps, demo, clock, after, works):
    from tests.sms.test_forgot_pin import codes_to

    p = phone(DANA)
    p.text("PLANS")
    p.text("CODE")
    p.text(DANA_LINE)
    (code,) = codes_to(deps, DANA_LINE)
    clock.advance(seconds=after.total_seconds())
    assert p.text(code).startswith("PIN OK.") is works


# R23 ----------------------------------------------------------------------------------------
STORE_PLAN = PlanFacts("Call Recording", channel="app_store", term_end=dt.date(2026, 12, 3))


@pytest.mark.parametrize("order_at, older", [
    pytest.param(NOW - TICK, True, id="R23: a transaction signed before the applied one changes nothing"),
    pytest.param(NOW, False, id="R23: one signed at the same instant is weighed"),
    pytest.param(NOW + TICK, False, id="R23: a newer one is weighed"),
])
def test_r23_newest_transaction_edge(order_at, older):
    change = StoreChange("DID_CHANGE_RENEWAL_STATUS", "AUTO_RENEW_DISABLED", order_at)
    decision = policy.decide_store_change(LineFacts(), STORE_PLAN, change, NOW, NOW)
    assert (decision.reason == "older_than_applied") is older


def test_r23_a_plan_bought_elsewhere_is_not_apples_to_change():
    change = StoreChange("EXPIRED", None, NOW)
    plan = PlanFacts("Call Recording", channel="portal", term_end=dt.date(2026, 12, 3))
    assert policy.decide_store_change(LineFacts(), plan, change, None, NOW).reason == "not_an_app_store_plan"
