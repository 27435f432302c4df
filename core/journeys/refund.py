"""REFUND (R1): the policy for everyone; a verified caller's own term ends."""

from __future__ import annotations

from core import services
from core.journeys import Journey, Turn
from core.reply import Prompt, Reply


def before_pin(c, s, slots: dict, t: Turn) -> list[Prompt]:
    """R1 is public: said at once, before identification (R8: no account detail)."""
    services.refund_info(c.db, None, None, t.now, t.req)
    return [Prompt("refund_policy")]


def start(c, s, slots: dict, t: Turn) -> Reply:
    result = services.refund_info(c.db, c.actor(s), s.target, t.now, t.req)
    s.journey = None
    return Reply([Prompt("refund_policy_terms", {"terms": result.data["terms"]})])


JOURNEY = Journey("refund", start, before_pin=before_pin, menu=(None, "2"), prompts=("refund_policy", "refund_policy_terms"))
