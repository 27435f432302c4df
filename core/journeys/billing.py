"""Billing questions the bot can't answer ("what's my billing date", a charge): said plainly,
with what it can tell (PLANS: each plan's renewal day; REFUND: R1) and a person offered (R15)."""

from __future__ import annotations

from core.journeys._facts import answer
from core.journeys.cancel_plan import plan_heard

JOURNEY = answer("billing", "billing_unknown", slots_heard=plan_heard)  # the plan a price is asked of, as named
