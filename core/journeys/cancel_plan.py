"""STOP PLAN (R2, R5, R6): stop one plan's renewal; it runs to its term end. App Store
plans are refused with Apple's steps."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from core import policy, services
from core.intents import Intent
from core.journeys import Journey, Names, Proposal, Turn, hidden, iso
from core.reply import EXPECT_PLAN, Prompt, Reply
from core.formatting import fold


@dataclass(frozen=True, kw_only=True)
class StopPlan(Proposal):
    """Stop one plan's renewal: it runs to ``term_end``."""

    action = "cancel_plan"
    plan_id: int = hidden()
    product: str
    kind: str
    term_end: str | None
    then_line: bool = False  # R4: an add-on stopped before the line's own cancellation

    @classmethod
    def of(cls, plan: dict, number: str, **more) -> "StopPlan":
        return cls(plan_id=plan["id"], product=plan["product"], kind=plan["kind"], term_end=iso(plan["term_end"]),
                   number=number, **more)


def start(c, s, slots: dict, t: Turn) -> Reply:
    summary = c.summary(s)
    plans = [p for p in summary.plans if p["renews"]] or summary.plans
    if not plans:
        s.journey = None
        return Reply([Prompt("no_plans", {"number": summary.number})])
    asked = slots.get("plan")
    found = match_plan(asked, summary.plans) if asked else None
    if found is None and not asked and slots.get("kind"):  # "my number plan": the line's plan of that kind
        of_kind = [p for p in plans if p["kind"] == slots["kind"]]
        found = of_kind[0] if len(of_kind) == 1 else None
    if found is None:
        if len(plans) == 1 and not asked:
            found = plans[0]
        else:
            s.options = [[p["id"], p["product"]] for p in plans]
            key = "plan_not_found" if asked else "ask_plan"
            return Reply([Prompt(key, {"choices": [p["product"] for p in plans], "asked": asked})], EXPECT_PLAN)
    return decide(c, s, summary, found, t)


def on_plan(c, s, intent: Intent, t: Turn) -> Reply:
    options = s.options
    chosen = None
    if intent.kind == "choice" and 1 <= intent.value <= len(options):
        chosen = options[intent.value - 1]
    elif intent.kind in ("name", "journey"):
        chosen = _named(c, s, intent, options)
    if chosen is None:
        return c.unusable(s, t, EXPECT_PLAN, Prompt("ask_plan", {"choices": [o[1] for o in options], "asked": None}))
    s.failed = 0
    summary = c.summary(s)
    plan = next((p for p in summary.plans if p["id"] == chosen[0]), None)
    if plan is None:
        return start(c, s, {}, t)
    return decide(c, s, summary, plan, t)


def _named(c, s, intent: Intent, options: list) -> list | None:
    """The option a plan's name picks: the words as the product is spelt, else the plan the
    interpreter heard in everyday words (``plan``: "the archive one"), else the line's one
    plan of the kind named (``kind``: "my number plan")."""
    listed = [{"id": o[0], "product": o[1]} for o in options]
    for text in (intent.value if intent.kind == "name" else None, intent.slot("plan")):
        match = match_plan(text, listed) if text else None
        if match:
            return [match["id"], match["product"]]
    if intent.slot("kind"):
        kinds = {p["id"]: p["kind"] for p in c.summary(s).plans}
        of_kind = [o for o in options if kinds.get(o[0]) == intent.slot("kind")]
        return of_kind[0] if len(of_kind) == 1 else None
    return None


def decide(c, s, summary, plan: dict, t: Turn) -> Reply:
    decision = policy.decide_cancel_plan(c.line_facts(summary), c.plan_facts(plan), t.now)
    if not decision.allowed:
        return c.refused(s, t, "cancel_plan", decision.reason, summary.number, product=plan["product"],
                         term_end=plan["term_end"], url=policy.APPLE_SUBSCRIPTIONS_URL)
    return c.propose(s, t, StopPlan.of(plan, summary.number))


def apply(db, pending: StopPlan, **kw):
    return services.cancel_plan(db, plan_id=pending.plan_id, **kw)


def match_plan(query: str | None, plans: list[dict]) -> dict | None:
    """A plan by its product name (data, in any language), tolerant of case, accents, spacing
    and small typos; None when unsure."""
    if not query:
        return None
    q = fold(query)
    names = {fold(p["product"]): p for p in plans}
    if q in names:
        return names[q]
    words = [p for n, p in names.items() if q and (q in n.split() or n.startswith(q))]
    if len(words) == 1:
        return words[0]
    close = difflib.get_close_matches(q, list(names), n=2, cutoff=0.75)
    if len(close) == 1 or (len(close) == 2 and difflib.SequenceMatcher(None, q, close[0]).ratio()
                           - difflib.SequenceMatcher(None, q, close[1]).ratio() > 0.1):
        return names[close[0]]
    return None


def plan_heard(heard: dict) -> dict:
    """"stop the archive thing": the add-on named, as its product is spelt (``text_archive``
    → "text archive"); "the number plan": the line's plan of that kind, whatever its name."""
    key = heard.get("plan")
    if key == "number_plan":
        return {"kind": "number"}  # the line's own plan, whatever its product is called
    return {"plan": key.replace("_", " ").title()} if key else {}


JOURNEY = Journey("cancel_plan", start, steps={EXPECT_PLAN: on_plan}, apply=apply, changes=True, proposal=StopPlan,
                  menu=("cancel", "1"), command_slots=lambda arg: {"plan": arg} if arg else {},
                  slots_heard=plan_heard,
                  names=Names.of("cancel plan", "cancel plan_name", "optout plan_name", not_negated="cancel optout"),
                  prompts=("no_plans", "ask_plan", "plan_not_found", "refused_already_cancelled",
                           "refused_line_not_active", "refused_plan_ended", "refused_app_store_plan"))
