"""POLICY.md in code: pure decisions, one function a rule, each with a reason code.

No I/O and no clock: every function that depends on time takes ``now`` (an aware UTC
datetime). Inputs are plain facts (``PlanFacts``/``LineFacts`` or any object with the same
attributes, such as the SQLAlchemy models).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Protocol, Sequence

from dateutil.relativedelta import relativedelta

from core import phone

APPLE_SUBSCRIPTIONS_URL = "https://support.apple.com/en-us/HT202039"
# R4: these add-ons must be cancelled on their own before Cancel Line.
ADDONS_FIRST = ("text archive", "call recording")
# R9
PIN_MAX_FAILURES = 5
PIN_WINDOW = dt.timedelta(minutes=15)
PIN_LOCK = dt.timedelta(minutes=15)
# R10
CONFIRM_WINDOW = dt.timedelta(minutes=5)
# R12: a line that ran out for a reason other than its user's Cancel Line keeps its
# number this long after the number plan's term end before the number is released.
RELEASE_GRACE = dt.timedelta(days=30)
# R15
MAX_FAILED_INPUTS = 3
REACTIVATABLE_REASONS = ("unpaid", "inactivity", "system")


class PlanLike(Protocol):
    product: str
    kind: str
    channel: str
    term_end: dt.date
    auto_renew: bool
    ended: bool


class LineLike(Protocol):
    number: str
    status: str
    status_reason: str | None


@dataclass(frozen=True)
class PlanFacts:
    product: str
    kind: str = "feature"
    channel: str = "portal"
    term_end: dt.date = dt.date(2026, 12, 31)
    auto_renew: bool = True
    ended: bool = False
    period: str = "monthly"


@dataclass(frozen=True)
class LineFacts:
    number: str = "+15550100001"
    status: str = "active"
    status_reason: str | None = None


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    rule: str
    data: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:  # a Decision reads as its verdict
        return self.allowed


def allow(reason: str, rule: str, **data: Any) -> Decision:
    return Decision(True, reason, rule, data)


def refuse(reason: str, rule: str, **data: Any) -> Decision:
    return Decision(False, reason, rule, data)


def renewing(plan: PlanLike) -> bool:
    return plan.auto_renew and not plan.ended


def is_addon_first(plan: PlanLike) -> bool:
    return plan.kind == "feature" and normalise_name(plan.product) in ADDONS_FIRST


def normalise_name(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(folded.split())


def term_has_passed(term_end: dt.date, now: dt.datetime) -> bool:
    """A plan runs through its term-end date (UTC) and ends once that day has passed."""
    return now.astimezone(dt.timezone.utc).date() > term_end


# R1 ------------------------------------------------------------------------------------
def decide_refund(plans: Iterable[PlanLike] | None, now: dt.datetime) -> Decision:
    """R1: never a refund. With a verified caller's plans, their own term-end dates."""
    terms = [
        {"product": p.product, "term_end": p.term_end, "renews": p.auto_renew}
        for p in (plans or [])
        if not p.ended
    ]
    return refuse("no_refund", "R1", terms=terms)


# R2, R5, R6 ------------------------------------------------------------------------------
def decide_cancel_plan(line: LineLike, plan: PlanLike, now: dt.datetime) -> Decision:
    if line.status not in ("active", "suspended"):
        if line.status == "cancel_pending":
            return refuse("already_cancelled", "R13", term_end=plan.term_end)
        return refuse("line_not_active", "R2", status=line.status, status_reason=line.status_reason)
    if plan.ended or term_has_passed(plan.term_end, now):
        return refuse("plan_ended", "R2", product=plan.product, term_end=plan.term_end)
    if not plan.auto_renew:
        return refuse("already_cancelled", "R13", product=plan.product, term_end=plan.term_end)
    if plan.channel == "app_store":
        return refuse("app_store_plan", "R6", product=plan.product, url=APPLE_SUBSCRIPTIONS_URL)
    return allow("cancel_at_term_end", "R5", product=plan.product, term_end=plan.term_end, kind=plan.kind)


# R3, R4, R6 ------------------------------------------------------------------------------
def line_works_until(plans: Iterable[PlanLike]) -> dt.date | None:
    """The day a line works until: its number plan's term end (the latest term, without one)."""
    live = [p for p in plans if not p.ended]
    number_plan = next((p for p in live if p.kind == "number"), None)
    return number_plan.term_end if number_plan else max((p.term_end for p in live), default=None)


def decide_cancel_line(line: LineLike, plans: Sequence[PlanLike], now: dt.datetime) -> Decision:
    if line.status == "cancel_pending":
        return refuse("already_cancelled", "R13", term_end=line_works_until(plans))
    if line.status not in ("active", "suspended"):
        return refuse("line_not_active", "R3", status=line.status, status_reason=line.status_reason)
    blocking = [p for p in plans if is_addon_first(p) and renewing(p)]
    store_blocking = [p.product for p in blocking if p.channel == "app_store"]
    if store_blocking:
        return refuse(
            "addons_first_app_store", "R4", addons=store_blocking, url=APPLE_SUBSCRIPTIONS_URL,
            portal_addons=[p.product for p in blocking if p.channel != "app_store"],
        )
    if blocking:
        return refuse("addons_first", "R4", addons=[p.product for p in blocking])
    live = [p for p in plans if not p.ended]
    term_end = line_works_until(live)
    app_store = [p.product for p in live if p.channel == "app_store" and p.auto_renew]
    return allow(
        "cancel_line", "R3",
        term_end=term_end,
        plans=[p.product for p in live],
        app_store_plans=app_store,
        url=APPLE_SUBSCRIPTIONS_URL if app_store else None,
    )


# R7 ------------------------------------------------------------------------------------
def decide_scope(actor_line_id: int, actor_is_admin: bool, actor_account_id: int,
                 target_line_id: int, target_account_id: int) -> Decision:
    if actor_line_id == target_line_id:
        return allow("self", "R7")
    if actor_is_admin and actor_account_id == target_account_id:
        return allow("admin", "R7")
    return refuse("not_authorised", "R7")


# R9 ------------------------------------------------------------------------------------
def decide_pin_lock(failures: Sequence[dt.datetime], now: dt.datetime) -> Decision:
    """Locked once PIN_MAX_FAILURES failures fall within PIN_WINDOW before ``now`` (a failure
    exactly PIN_WINDOW old no longer counts), for PIN_LOCK from the one that locked it."""
    recent = sorted(t for t in failures if now - PIN_WINDOW < t <= now)
    decision = decide_pin_failures(len(recent), now)
    if not decision.allowed:
        return refuse("pin_locked", "R9", until=recent[PIN_MAX_FAILURES - 1] + PIN_LOCK)
    return decision


def decide_pin_failures(in_window: int, now: dt.datetime) -> Decision:
    """R9 as the PIN check applies it: ``in_window`` failures counted (atomically, in Redis:
    core/limits.py) within PIN_WINDOW, this one included. Locked from ``now`` for PIN_LOCK at
    PIN_MAX_FAILURES; else the tries left (R21 warns before the last one)."""
    if in_window >= PIN_MAX_FAILURES:
        return refuse("pin_locked", "R9", until=now + PIN_LOCK)
    return allow("pin_entry_open", "R9", remaining=PIN_MAX_FAILURES - max(0, in_window))


# R10, R18 ----------------------------------------------------------------------------------
def decide_confirmation(explicit_yes: bool, asked_at: dt.datetime, now: dt.datetime) -> Decision:
    """R10, R18: within five minutes, and only an explicit yes (the doors decide, per
    language, what is one: reactions, emoji and negations never are)."""
    if now - asked_at > CONFIRM_WINDOW:
        return refuse("confirmation_expired", "R10")
    if explicit_yes:
        return allow("confirmed", "R18")
    return refuse("not_confirmed", "R18")


# R11 -----------------------------------------------------------------------------------
FIXES = {
    "calling_problems": "voice_network_mode",
    "number_cancelled": "reactivate",
    "no_ring_or_texts": "device_settings",
    "dislike_number": "change_number",
    "spam_calls": "block_spam",
}


def decide_fix_offer(reason: str | None, offers_made: int) -> Decision:
    """R11: at most one offer of the matching fix; never an obstacle to cancelling."""
    if offers_made >= 1:
        return refuse("offer_already_made", "R11")
    fix = FIXES.get(reason or "")
    if fix is None:
        return refuse("no_matching_fix", "R11")
    return allow("offer_fix", "R11", fix=fix)


# R12 -----------------------------------------------------------------------------------
def decide_reactivate(line: LineLike, now: dt.datetime, number_plan: PlanLike | None = None) -> Decision:
    """``number_plan``: when given, an App Store one that has run out (renewal off at Apple, its
    term end passed) can't be brought back here: only Apple renews it, and the job (R2) would end
    it again, so the line is not announced as active again (R6, R12)."""
    if line.status == "active":
        return refuse("already_active", "R12")
    if line.status == "released":
        return refuse("number_released", "R12")
    if line.status == "cancel_pending" or line.status_reason == "user":
        return refuse("user_cancelled", "R12")
    if line.status in ("suspended", "cancelled") and line.status_reason in REACTIVATABLE_REASONS:
        if (number_plan is not None and number_plan.channel == "app_store"
                and (number_plan.ended or (not number_plan.auto_renew and term_has_passed(number_plan.term_end, now)))):
            return refuse("app_store_lapsed", "R12", product=number_plan.product)
        return allow("reactivate", "R12", previous=line.status_reason)
    return refuse("not_reactivatable", "R12", status=line.status, status_reason=line.status_reason)


def reactivated_term_end(term_end: dt.date, period: str, now: dt.datetime) -> dt.date:
    """R12: the number plan's term end once reactivated: the same while it has not passed, else
    a new term from today, one billing period long."""
    if not term_has_passed(term_end, now):
        return term_end
    today = now.astimezone(dt.timezone.utc).date()
    return today + (relativedelta(years=1) if period == "annual" else relativedelta(months=1))


# R15 -----------------------------------------------------------------------------------
def decide_after_failed_input(failed_in_a_row: int) -> Decision:
    if failed_in_a_row >= MAX_FAILED_INPUTS:
        return allow("offer_person", "R15")
    return refuse("ask_again", "R15", remaining=MAX_FAILED_INPUTS - failed_in_a_row)


# Change number (R11 fix 4) ------------------------------------------------------------------
def decide_change_number(line: LineLike, pool: Sequence[str], now: dt.datetime, *, area: str | None = None,
                         wanted: str | None = None) -> Decision:
    """``area``: the area code the caller asked for; ``wanted``: the number the caller was
    shown and said yes to (only that one is ever given, R10)."""
    if line.status != "active":
        return refuse("line_not_active", "R7", status=line.status, status_reason=line.status_reason)
    if wanted is not None:
        if wanted not in pool:
            return refuse("number_taken", "R10", new=wanted)
        return allow("change_number", "R11", number=wanted)
    candidates = [n for n in pool if n != line.number]
    if not candidates:
        return refuse("no_numbers_available", "R11")
    chosen = choose_number(line.number, candidates, area)
    if area:
        return allow("change_number", "R11", number=chosen, area=area, area_found=in_area(chosen, area))
    return allow("change_number", "R11", number=chosen)


def in_area(number: str, area: str) -> bool:
    """Whether a number's national number starts with the area code (212 in +12125550100)."""
    return phone.national(number).startswith(area)


def choose_number(current: str, pool: Sequence[str], area: str | None = None) -> str:
    """The asked-for area code first; then same country and area code, then same country,
    then any (stable order)."""
    def same_area(n: str) -> bool:
        return n[:5] == current[:5] if n.startswith("+1") else n[:4] == current[:4]

    tests = [lambda n: in_area(n, area)] if area else []
    for same in (*tests, same_area, lambda n: n[:2] == current[:2], lambda n: True):
        for candidate in pool:
            if candidate != current and same(candidate):
                return candidate
    return pool[0]


# Block (R11 fix 5) ------------------------------------------------------------------------
def decide_block(kind: str, number: str | None, own_numbers: Iterable[str],
                 already_blocked: Iterable[str]) -> Decision:
    """``kind`` is what core.phone.classify said of the number the caller gave."""
    if kind != "ok" or number is None:
        return refuse(kind if kind != "ok" else "invalid_number", "R11")
    if number in set(own_numbers):
        return refuse("own_number", "R11", number=number)
    if number in set(already_blocked):
        return refuse("already_blocked", "R13", number=number)
    return allow("block", "R11", number=number)


def decide_unblock(number: str | None, blocked: Iterable[str]) -> Decision:
    if number is None:
        return refuse("invalid_number", "R11")
    if number not in set(blocked):
        return refuse("not_blocked", "R13", number=number)
    return allow("unblock", "R11", number=number)


# R2, R3 at term end (the scheduled job) ---------------------------------------------------
def decide_plan_end(plan: PlanLike, now: dt.datetime) -> Decision:
    if plan.ended:
        return refuse("already_ended", "R13")
    if plan.auto_renew:
        return refuse("renews", "R2")
    if not term_has_passed(plan.term_end, now):
        return refuse("term_running", "R2", term_end=plan.term_end)
    return allow("end_plan", "R2", term_end=plan.term_end)


def decide_line_after_term(line: LineLike, number_plan: PlanLike | None, now: dt.datetime) -> Decision:
    """What happens to a line once its number plan has ended (or should be released)."""
    if number_plan is None or not number_plan.ended:
        return refuse("number_plan_running", "R2")
    if line.status == "cancel_pending":
        return allow("release", "R3", status="released", status_reason="user")
    if line.status in ("active", "suspended") and getattr(number_plan, "cancelled_at", None) is not None:
        # R5: its user cancelled the number plan: the line ends at the term end and the number is
        # released, as the confirmation said (not the grace period of a lapse, R12).
        return allow("release", "R5", status="released", status_reason="user")
    if line.status in ("active", "suspended"):
        return allow("lapse", "R2", status="cancelled", status_reason=line.status_reason or "system")
    if line.status == "cancelled":
        end = dt.datetime.combine(number_plan.term_end, dt.time(), tzinfo=dt.timezone.utc)
        if now >= end + dt.timedelta(days=1) + RELEASE_GRACE:
            return allow("release", "R12", status="released", status_reason=line.status_reason)
        return refuse("grace_period", "R12")
    return refuse("nothing_to_do", "R13")


# R23: the App Store is the truth for App Store plans -----------------------------------------
# What each notification type does to its plan (core/appstore.py receives and applies them).
ENDING = ("EXPIRED", "GRACE_PERIOD_EXPIRED", "REFUND", "REVOKE")
RUNNING_AGAIN = ("DID_RENEW", "SUBSCRIBED", "REFUND_REVERSED")
EFFECTS = {"DID_RENEW": "store_renewed", "EXPIRED": "store_expired", "GRACE_PERIOD_EXPIRED": "store_expired",
           "REFUND": "store_refunded", "REVOKE": "store_revoked", "REFUND_REVERSED": "store_refund_reversed",
           "SUBSCRIBED": "store_subscribed"}


@dataclass(frozen=True)
class StoreChange:
    """What one verified notification says about its subscription."""

    type: str
    subtype: str | None
    order_at: dt.datetime  # the transaction's signedDate: what orders notifications (R23)
    expires: dt.date | None = None  # the end of the period Apple's transaction covers (UTC date)
    auto_renew: bool | None = None  # Apple's autoRenewStatus, when the renewal info came along
    revoked: bool = False  # Apple refunded or revoked the transaction
    grace_until: dt.date | None = None

    @classmethod
    def from_facts(cls, type_: str, subtype: str | None, order_at: dt.datetime,
                   facts: Mapping[str, Any]) -> "StoreChange":
        def day(key: str) -> dt.date | None:
            value = facts.get(key)
            return dt.datetime.fromisoformat(value).astimezone(dt.timezone.utc).date() if value else None

        return cls(type=type_, subtype=subtype, order_at=order_at, expires=day("expires"),
                   auto_renew=facts.get("auto_renew"), revoked=bool(facts.get("revoked")),
                   grace_until=day("grace_until"))


def decide_store_change(line: LineLike, plan: PlanLike, change: StoreChange,
                        last_order_at: dt.datetime | None, now: dt.datetime) -> Decision:
    """R23 (with R3, R13): what Apple's notification makes of an App Store plan.

    ``last_order_at`` is the newest transaction ``signedDate`` already weighed for this
    subscription: an older notification changes nothing. Each notification carries Apple's
    whole state (renewal status, period end), so the newest one alone is the truth. On a line
    its user cancelled (R3) renewal is never restored and the line's end never moves: only
    what ends or stops a plan applies there. ``data["changes"]`` is what the plan's row
    becomes; ``reason`` names the effect (the receipt's key, R17).
    """
    if last_order_at is not None and change.order_at < last_order_at:
        return refuse("older_than_applied", "R23", applied=last_order_at)
    if plan.channel != "app_store":
        return refuse("not_an_app_store_plan", "R23", product=plan.product)
    if line.status == "released":
        return refuse("line_released", "R3")
    kind = change.type
    wanted = {"auto_renew": plan.auto_renew, "ended": plan.ended, "term_end": plan.term_end}
    if change.expires is not None:
        wanted["term_end"] = change.expires
    if change.auto_renew is not None:
        wanted["auto_renew"] = change.auto_renew
    elif kind == "DID_CHANGE_RENEWAL_STATUS" and change.subtype in ("AUTO_RENEW_ENABLED", "AUTO_RENEW_DISABLED"):
        wanted["auto_renew"] = change.subtype == "AUTO_RENEW_ENABLED"
    if kind in ENDING or (change.revoked and kind != "REFUND_REVERSED"):
        wanted.update(ended=True, auto_renew=False)
    elif kind in RUNNING_AGAIN:
        wanted["ended"] = False
    if wanted["ended"]:  # an ended plan renews nothing; Apple says SUBSCRIBED when it runs again
        wanted["auto_renew"] = False
    target = dict(wanted)
    if line.status_reason == "user" or line.status == "cancel_pending":
        # R3: renewal stopped for good, and the line ends when it was told it would.
        target["auto_renew"] = wanted["auto_renew"] and plan.auto_renew
        target["ended"] = wanted["ended"] or plan.ended
        if not target["ended"]:
            target["term_end"] = min(wanted["term_end"], plan.term_end)
    changes = {k: v for k, v in target.items() if v != getattr(plan, k)}
    facts = dict(product=plan.product, kind=plan.kind, term_end=target["term_end"], ended=target["ended"],
                 renews=target["auto_renew"] and not target["ended"], changes=changes)
    if kind == "DID_FAIL_TO_RENEW":  # Apple's billing retry: recorded and shown, the plan runs on
        grace = change.subtype == "GRACE_PERIOD"
        return allow("store_grace_period" if grace else "store_billing_retry", "R23",
                     grace_until=change.grace_until if grace else None, **facts)
    if not changes:
        if target != wanted:
            return refuse("line_cancelled_by_user", "R3", product=plan.product, term_end=plan.term_end)
        return refuse("no_change", "R13", product=plan.product, term_end=plan.term_end)
    if kind == "DID_CHANGE_RENEWAL_STATUS" or kind not in EFFECTS:
        effect = "store_renewal_on" if target["auto_renew"] else "store_renewal_off"
    else:
        effect = EFFECTS[kind]
    return allow(effect, "R23", **facts)
