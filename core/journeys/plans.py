"""PLANS: the verified line's status, plans and credits, a page at a time (R19)."""

from __future__ import annotations

from dataclasses import dataclass

from core.journeys import Journey, JourneyData, Turn
from core.reply import Prompt, Reply


@dataclass
class Paging(JourneyData):
    """The page of plans shown last (R19), so MORE says the next one."""

    journey = "plans"
    plans_page: int = 1


def start(c, s, slots: dict, t: Turn) -> Reply:
    summary = c.summary(s)
    paging = Paging.of(s)
    page = slots.get("page")
    # MORE: the page after the one shown last; PLANS 2: that page; else the first.
    paging.plans_page = paging.plans_page + 1 if page == "more" else \
        page if isinstance(page, int) and 0 < page < 100 else 1
    s.journey = None
    return Reply([Prompt("plans", {"number": summary.number, "status": summary.status,
                                   "page": paging.plans_page, "plans": summary.plans,
                                   "credits": summary.usage_credits})])


def command_slots(arg: str | None) -> dict:
    """PLANS 2, PLANS MORE: the page asked for (R19)."""
    return {"page": "more" if arg == "more" else int(arg) if arg and arg.isdigit() else None}


JOURNEY = Journey("plans", start, prompts=("plans",), command_slots=command_slots, data=Paging)
