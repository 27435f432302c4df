"""When each plan ends or renews (R24: "what day does my service end?", "¿cuándo termina mi
plan?"): after the PIN, the chosen line's own plans with their real dates; nothing changes."""

from __future__ import annotations

from core.journeys import Journey, Turn
from core.journeys.plans import Paging
from core.reply import Prompt, Reply


def start(c, s, slots: dict, t: Turn) -> Reply:
    summary = c.summary(s)
    s.journey = None
    Paging.of(s).plans_page = 1  # MORE goes on with the plans' next page (R19)
    return Reply([Prompt("term_end", {"number": summary.number, "status": summary.status, "page": 1,
                                      "plans": summary.plans, "credits": summary.usage_credits})])


# Its questions are about the plans' dates (the plans intent), never a cancellation.
JOURNEY = Journey("term_end", start, prompts=("term_end",), answers=frozenset({"plans"}))
