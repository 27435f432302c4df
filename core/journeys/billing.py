"""Billing questions the bot can't answer ("what's my billing date", a charge): said plainly,
with what it can tell (PLANS: each plan's renewal day; REFUND: R1) and a person offered (R15)."""

from __future__ import annotations

from core.journeys._facts import answer

JOURNEY = answer("billing", "billing_unknown")
