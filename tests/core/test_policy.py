"""The rules as pure functions: one table a rule, each case named after what it shows."""

from __future__ import annotations

import datetime as dt

import pytest

from core import policy
from core.policy import LineFacts, PlanFacts

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.timezone.utc)
D = dt.date

NUMBER = PlanFacts("Unlimited Monthly", kind="number", term_end=D(2026, 12, 15))
NUMBER_STORE = PlanFacts("Unlimited Annual", kind="number", channel="app_store", term_end=D(2027, 6, 1))
ARCHIVE = PlanFacts("Text Archive", term_end=D(2026, 12, 15))
RECORDING_STORE = PlanFacts("Call Recording", channel="app_store", term_end=D(2026, 12, 3))
TRANSCRIBE = PlanFacts("Voicemail Transcription", term_end=D(2026, 12, 15))
ACTIVE = LineFacts()


def cancelled(p: PlanFacts) -> PlanFacts:
    return PlanFacts(p.product, p.kind, p.channel, p.term_end, auto_renew=False)


@pytest.mark.parametrize("plans, terms", [
    pytest.param([], [], id="R1: an unverified caller hears the policy alone"),
    pytest.param([NUMBER, ARCHIVE], [D(2026, 12, 15), D(2026, 12, 15)],
                 id="R1: a verified caller hears their own term end dates"),
    pytest.param([NUMBER, PlanFacts("Old", ended=True)], [D(2026, 12, 15)],
                 id="R1: ended plans are not listed"),
])
def test_refund_is_never_offered(plans, terms):
    decision = policy.decide_refund(plans, NOW)
    assert not decision.allowed and decision.reason == "no_refund" and decision.rule == "R1"
    assert [t["term_end"] for t in decision.data["terms"]] == terms


@pytest.mark.parametrize("line, plan, allowed, reason", [
    pytest.param(ACTIVE, ARCHIVE, True, "cancel_at_term_end", id="R5: one add-on on its own"),
    pytest.param(ACTIVE, NUMBER, True, "cancel_at_term_end", id="R5: the number plan on its own"),
    pytest.param(ACTIVE, cancelled(ARCHIVE), False, "already_cancelled", id="R13: already cancelled says so"),
    pytest.param(ACTIVE, RECORDING_STORE, False, "app_store_plan", id="R6: App Store plan refused with Apple's steps"),
    pytest.param(ACTIVE, PlanFacts("X", ended=True), False, "plan_ended", id="R2: an ended plan"),
    pytest.param(ACTIVE, PlanFacts("X", term_end=D(2026, 11, 25)), False, "plan_ended",
                 id="R2: a plan past its term end"),
    pytest.param(LineFacts(status="released", status_reason="user"), ARCHIVE, False, "line_not_active",
                 id="R2: a released line"),
    pytest.param(LineFacts(status="suspended", status_reason="unpaid"), ARCHIVE, True, "cancel_at_term_end",
                 id="R5: a suspended line's plan can still be stopped"),
])
def test_cancel_plan(line, plan, allowed, reason):
    decision = policy.decide_cancel_plan(line, plan, NOW)
    assert (decision.allowed, decision.reason) == (allowed, reason)
    if allowed:
        assert decision.data["term_end"] == plan.term_end  # R2: runs to its term end
    if reason == "app_store_plan":
        assert decision.data["url"] == "https://support.apple.com/en-us/HT202039"


@pytest.mark.parametrize("line, plans, allowed, reason, extra", [
    pytest.param(ACTIVE, [NUMBER], True, "cancel_line", {"app_store_plans": []},
                 id="R3: a line with only its number plan"),
    pytest.param(ACTIVE, [NUMBER, ARCHIVE], False, "addons_first", {"addons": ["Text Archive"]},
                 id="R4: Text Archive renewing blocks Cancel Line"),
    pytest.param(ACTIVE, [NUMBER, cancelled(ARCHIVE)], True, "cancel_line", {},
                 id="R4: once the add-on no longer renews, Cancel Line goes on"),
    pytest.param(ACTIVE, [NUMBER, RECORDING_STORE], False, "addons_first_app_store",
                 {"addons": ["Call Recording"]}, id="R4+R6: App Store add-on blocks Cancel Line"),
    pytest.param(ACTIVE, [NUMBER, ARCHIVE, RECORDING_STORE], False, "addons_first_app_store",
                 {"portal_addons": ["Text Archive"]}, id="R4+R6: App Store steps come with the portal list"),
    pytest.param(ACTIVE, [NUMBER, TRANSCRIBE], True, "cancel_line", {"plans": ["Unlimited Monthly", "Voicemail Transcription"]},
                 id="R3: other add-ons go with the line"),
    pytest.param(ACTIVE, [NUMBER_STORE], True, "cancel_line", {"app_store_plans": ["Unlimited Annual"]},
                 id="R3+R6: App Store number plan: cancelled here, with Apple's additional step"),
    pytest.param(LineFacts(status="cancel_pending", status_reason="user"), [cancelled(NUMBER)], False,
                 "already_cancelled", {}, id="R13: a second Cancel Line says so"),
    pytest.param(LineFacts(status="released", status_reason="user"), [], False, "line_not_active", {},
                 id="R3: a released line"),
])
def test_cancel_line(line, plans, allowed, reason, extra):
    decision = policy.decide_cancel_line(line, plans, NOW)
    assert (decision.allowed, decision.reason) == (allowed, reason)
    for key, value in extra.items():
        assert decision.data[key] == value
    if allowed:
        assert decision.data["term_end"] == next(p.term_end for p in plans if p.kind == "number")


@pytest.mark.parametrize("actor, admin, actor_acct, target, target_acct, reason", [
    pytest.param(1, False, 10, 1, 10, "self", id="R7: a user on their own line"),
    pytest.param(1, True, 10, 2, 10, "admin", id="R7: the admin on a line of the account"),
    pytest.param(1, False, 10, 2, 10, "not_authorised", id="R7: a user on a colleague's line"),
    pytest.param(1, True, 10, 3, 11, "not_authorised", id="R7: an admin on another account's line"),
])
def test_scope(actor, admin, actor_acct, target, target_acct, reason):
    assert policy.decide_scope(actor, admin, actor_acct, target, target_acct).reason == reason


def _mins(*minutes):
    return [NOW - dt.timedelta(minutes=m) for m in minutes]


@pytest.mark.parametrize("failures, locked", [
    pytest.param(_mins(1, 2, 3, 4), False, id="R9: four wrong PINs leave entry open"),
    pytest.param(_mins(0, 1, 2, 3, 4), True, id="R9: the fifth within 15 minutes locks"),
    pytest.param(_mins(1, 2, 3, 4, 16), False, id="R9: a failure older than 15 minutes does not count"),
])
def test_pin_lock(failures, locked):
    decision = policy.decide_pin_lock(failures, NOW)
    assert (not decision.allowed) == locked
    if locked:
        assert decision.data["until"] == NOW + dt.timedelta(minutes=15)


def test_a_confirmation_expires_after_five_minutes_R10():
    asked = NOW - dt.timedelta(minutes=5, seconds=1)
    assert policy.decide_confirmation(True, asked, NOW).reason == "confirmation_expired"
    assert policy.decide_confirmation(True, NOW - dt.timedelta(minutes=4), NOW).reason == "confirmed"


def test_only_an_explicit_yes_confirms_R18():
    assert policy.decide_confirmation(False, NOW, NOW).reason == "not_confirmed"


@pytest.mark.parametrize("reason, offers, fix", [
    ("calling_problems", 0, "voice_network_mode"),
    ("number_cancelled", 0, "reactivate"),
    ("no_ring_or_texts", 0, "device_settings"),
    ("dislike_number", 0, "change_number"),
    ("spam_calls", 0, "block_spam"),
    ("spam_calls", 1, None),
    ("just_leaving", 0, None),
])
def test_at_most_one_matching_fix_is_offered_R11(reason, offers, fix):
    decision = policy.decide_fix_offer(reason, offers)
    assert decision.data.get("fix") == fix and decision.allowed == (fix is not None)


@pytest.mark.parametrize("line, reason", [
    pytest.param(LineFacts(status="suspended", status_reason="unpaid"), "reactivate", id="R12: unpaid"),
    pytest.param(LineFacts(status="cancelled", status_reason="inactivity"), "reactivate", id="R12: inactivity"),
    pytest.param(LineFacts(status="cancelled", status_reason="system"), "reactivate", id="R12: system action"),
    pytest.param(LineFacts(status="cancel_pending", status_reason="user"), "user_cancelled",
                 id="R12: its user's Cancel Line is never undone"),
    pytest.param(LineFacts(status="cancelled", status_reason="user"), "user_cancelled", id="R12+R3: user-cancelled"),
    pytest.param(LineFacts(status="released", status_reason="unpaid"), "number_released", id="R12: released"),
    pytest.param(ACTIVE, "already_active", id="R12: nothing to reactivate"),
])
def test_reactivation(line, reason):
    decision = policy.decide_reactivate(line, NOW)
    assert decision.reason == reason and decision.allowed == (reason == "reactivate")


@pytest.mark.parametrize("failed, person", [(1, False), (2, False), (3, True)])
def test_three_failed_inputs_lead_to_a_person_R15(failed, person):
    assert policy.decide_after_failed_input(failed).allowed is person


@pytest.mark.parametrize("current, pool, chosen", [
    ("+15550100001", ["+12125550190", "+15550100900"], "+15550100900"),
    ("+12125550001", ["+15550100900", "+12125550190"], "+12125550190"),
    ("+15550100001", ["+12125550190"], "+12125550190"),
])
def test_change_number_prefers_the_same_area_code(current, pool, chosen):
    assert policy.decide_change_number(LineFacts(number=current), pool, NOW).data["number"] == chosen


def test_change_number_with_an_empty_pool_is_refused():
    assert policy.decide_change_number(ACTIVE, [], NOW).reason == "no_numbers_available"


@pytest.mark.parametrize("kind, number, reason", [
    ("ok", "+15559990001", "block"),
    ("emergency_number", None, "emergency_number"),
    ("short_code", None, "short_code"),
    ("ok", "+15550100001", "own_number"),
    ("ok", "+15559990000", "already_blocked"),
])
def test_block_refuses_emergency_short_and_own_numbers(kind, number, reason):
    decision = policy.decide_block(kind, number, ["+15550100001"], ["+15559990000"])
    assert decision.reason == reason


@pytest.mark.parametrize("plan, now, ends", [
    pytest.param(cancelled(ARCHIVE), dt.datetime(2026, 12, 15, 23, 59, tzinfo=dt.timezone.utc), False,
                 id="R2: usable through the term-end day"),
    pytest.param(cancelled(ARCHIVE), dt.datetime(2026, 12, 16, 0, 0, tzinfo=dt.timezone.utc), True,
                 id="R2: ends once the term-end day has passed"),
    pytest.param(ARCHIVE, dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc), False,
                 id="R2: a renewing plan is not ended by the job"),
])
def test_plan_end(plan, now, ends):
    assert policy.decide_plan_end(plan, now).allowed is ends


def test_a_cancel_pending_line_is_released_when_its_number_plan_ends_R3():
    ended = PlanFacts("N", kind="number", auto_renew=False, ended=True)
    decision = policy.decide_line_after_term(LineFacts(status="cancel_pending", status_reason="user"), ended, NOW)
    assert decision.data == {"status": "released", "status_reason": "user"}
