"""CANCEL LINE (R3, R4, R6, R11): one question why and at most one fix offered (skippable),
the add-ons first (each confirmed), then the irreversible full cancellation."""

from __future__ import annotations

from dataclasses import dataclass, field

from core import policy, services
from core.intents import Intent
from core.journeys import Journey, JourneyData, Names, Proposal, Turn, iso
from core.journeys.cancel_plan import StopPlan
from core.reply import EXPECT_OFFER, EXPECT_REASON, Prompt, Reply

REASONS = ("calling_problems", "number_cancelled", "no_ring_or_texts", "dislike_number", "spam_calls")


@dataclass(frozen=True, kw_only=True)
class CancelLine(Proposal):
    """Cancel the whole line (irreversible): it works until ``term_end``; App Store plans go on
    renewing at Apple until stopped there (``url``)."""

    action = "cancel_line"
    term_end: str | None
    plans: list[str] = field(default_factory=list)
    app_store_plans: list[str] = field(default_factory=list)
    url: str | None = None


@dataclass
class Leaving(JourneyData):
    """What a cancellation keeps across turns (R11): whether its one question why was asked,
    the fix offered, and how many were offered in the conversation (at most one)."""

    journey = "cancel_line"
    reason_asked: bool = False
    offer: str | None = None
    offers_made: int = 0

    def begun(self) -> None:
        self.reason_asked, self.offer = False, None


def start(c, s, slots: dict, t: Turn) -> Reply:
    summary = c.summary(s)
    leaving = Leaving.of(s)
    decision = policy.decide_cancel_line(c.line_facts(summary), [c.plan_facts(p) for p in summary.plans], t.now)
    # Resumed after its add-ons (R4): the caller already chose to leave (R11).
    if decision.allowed and not leaving.reason_asked and leaving.offers_made == 0 and not slots.get("resumed"):
        leaving.reason_asked = True
        return Reply([Prompt("ask_reason")], EXPECT_REASON)
    if decision.reason == "addons_first":
        # R4: offer to cancel each add-on first (each confirmed), then the line.
        addons = [p for p in summary.plans if p["product"] in decision.data["addons"] and p["renews"]]
        s.queue = [StopPlan.of(p, summary.number, then_line=True) for p in addons]
        s.queue.append("cancel_line")
        services.record_refusal(c.db, action="cancel_line", reason="addons_first", now=t.now, req=t.req,
                                line_id=summary.line_id, target=summary.number)
        reply = c.propose(s, t, s.queue.pop(0))
        reply.prompts.insert(0, Prompt("addons_first", {"addons": decision.data["addons"]}))
        return reply
    if not decision.allowed:
        return c.refused(s, t, "cancel_line", decision.reason, summary.number, **decision.data)
    return c.propose(s, t, CancelLine(number=summary.number, term_end=iso(decision.data["term_end"]),
                                      plans=list(decision.data["plans"]),
                                      app_store_plans=list(decision.data["app_store_plans"]),
                                      url=decision.data["url"]))


def on_reason(c, s, intent: Intent, t: Turn) -> Reply:
    reason = REASONS[intent.value - 1] if intent.kind == "choice" and 1 <= intent.value <= len(REASONS) else None
    leaving = Leaving.of(s)
    decision = policy.decide_fix_offer(reason, leaving.offers_made) if reason else None
    if decision is None or not decision.allowed:
        return start(c, s, {}, t)  # skipped, or nothing to offer: R11 never obstructs
    leaving.offers_made += 1
    leaving.offer = decision.data["fix"]
    c.note(s, f"offered fix {leaving.offer}")
    return Reply([Prompt("offer_fix", {"fix": leaving.offer})], EXPECT_OFFER)


def on_offer(c, s, intent: Intent, t: Turn) -> Reply:
    fix = Leaving.of(s).offer
    if intent.kind != "yes" or not fix:
        c.note(s, "skipped the fix")
        return start(c, s, {}, t)  # R11: anything but a yes goes on with the cancellation
    c.note(s, f"took fix {fix}")
    return c.take_fix(s, fix, t)


def apply(db, pending: CancelLine, **kw):
    return services.cancel_line(db, **kw)


def line_heard(heard: dict) -> dict:
    """"cancel my line ending 0012": the line's last four digits (or a whole number's)."""
    phone = str(heard.get("phone") or "")
    line = heard.get("last4") or (phone[-4:] if len(phone) >= 10 else None)
    return {"line": line} if line else {}


JOURNEY = Journey("cancel_line", start, steps={EXPECT_REASON: on_reason, EXPECT_OFFER: on_offer},
                  apply=apply, changes=True, proposal=CancelLine, data=Leaving, menu=("cancel", "2"),
                  command_slots=lambda arg: {"line": arg} if arg else {}, slots_heard=line_heard,
                  names=Names.of("cancel line", not_negated="cancel", no_plan=True),
                  prompts=("ask_reason", "offer_fix", "fix_guidance", "addons_first", "refused_already_cancelled",
                           "refused_line_not_active", "refused_addons_first_app_store",
                           # an add-on renewing again between the yes and the change (R4, R13)
                           "refused_addons_first"))
