"""CHANGE NUMBER (R11 fix 4): a new number from the pool, the asked-for area code first, else
the line's own; the caller is shown the new number before the yes (R10), and only that
number is ever given (taken meanwhile: said so, nothing changed)."""

from __future__ import annotations

import re

from core import policy, services
from core.journeys import Journey, Names, Turn
from core.reply import Reply


def start(c, s, slots: dict, t: Turn) -> Reply:
    summary = c.summary(s)
    if summary["status"] != "active":
        return c.refused(s, t, "change_number", "line_not_active", summary["number"], **c.line_state(summary))
    area = "".join(ch for ch in str(slots.get("area") or "") if ch.isdigit())[:4] or None
    # The line was read and its caller authorised with the summary: only the pool is read here.
    offer = policy.decide_change_number(c.line_facts(summary), services.available_numbers(c.db), t.now, area=area)
    if not offer.allowed:
        return c.refused(s, t, "change_number", offer.reason, summary["number"], **c.line_state(summary))
    return c.propose(s, t, {"action": "change_number", "number": summary["number"], "new": offer.data["number"],
                            "area": area, "area_found": offer.data.get("area_found", True)})


def apply(db, pending: dict, **kw):
    return services.change_number(db, wanted=pending.get("new"), **kw)


def area_asked(arg: str | None) -> dict:
    """"CHANGE NUMBER 212", "change number to a 415 number": the area code asked for."""
    area = re.search(r"(?<!\d)(\d{3})(?!\d)", arg or "")
    return {"area": area.group(1)} if area else {}


JOURNEY = Journey("change_number", start, apply=apply, changes=True, menu=("more", "2"), command_slots=area_asked,
                  names=Names.of("change number", "dislike number"),
                  prompts=("refused_line_not_active", "refused_no_numbers_available", "refused_number_taken"))
